// nest-rest-jwt/openapi: for the app's Swagger set-up (DocumentBuilder, Swagger UI). Needs no
// @nestjs/swagger itself (structural types); the main entry documents the module's endpoints on
// its own when @nestjs/swagger is installed, and loads nothing here.
export {
  addJwtAuthSecurity,
  JWT_AUTH_SECURITY_SCHEME,
  jwtAuthSecurityScheme,
  type JwtAuthSecurityOptions,
  type SecurityDocumentBuilder,
} from './security-scheme.js';
export { jwtAuthRequestInterceptor, type SwaggerUiRequest } from './swagger-ui-prefix.js';
export { JWT_AUTH_OPENAPI_TAG } from './openapi-tag.js';
export type { SecuritySchemeObject as JwtAuthSecuritySchemeObject } from './openapi-objects.js';
