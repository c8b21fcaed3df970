import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { JWT_AUTH_CONFIG, type JwtAuthConfig } from '../lib/index.js';
import { addJwtAuthSecurity, jwtAuthRequestInterceptor } from '../lib/openapi/index.js';

/** Where Swagger UI is served; the document is at `${DOCS_PATH}-json`. */
export const DOCS_PATH = 'docs';

/**
 * Swagger UI at /docs and the OpenAPI document at /docs-json. Call it before `app.init()`:
 * Express would put the routes after its 404 handler, and Fastify takes no plugin once ready.
 */
export function setupSwagger(app: INestApplication): void {
  // The prefix the guard expects (JWT_AUTH_HEADER_PREFIX), so that the Authorize button sends it.
  const { authHeaderPrefix: prefix } = app.get<symbol, JwtAuthConfig>(JWT_AUTH_CONFIG, { strict: false });
  const config = addJwtAuthSecurity(
    new DocumentBuilder()
      .setTitle('nest-rest-jwt sample')
      .setDescription('Log in at POST /api-token-auth/, then Authorize with the token.'),
    { prefix },
  ).build();
  SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, config), {
    // The Authorize dialog then takes the token alone, as /api-token-auth/ returns it.
    swaggerOptions: { persistAuthorization: true, requestInterceptor: jwtAuthRequestInterceptor(prefix) },
  });
}
