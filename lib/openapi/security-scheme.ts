import type { SecuritySchemeObject } from './openapi-objects.js';

/**
 * The name of the security scheme in the OpenAPI document. The module's own endpoints refer to
 * it, and guarded routes of the app do with `@ApiSecurity(JWT_AUTH_SECURITY_SCHEME)`.
 */
export const JWT_AUTH_SECURITY_SCHEME = 'JWT';

/** The same rule as the module's `authHeaderPrefix` option (an HTTP token). */
const PREFIX_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface JwtAuthSecurityOptions {
  /** The module's `authHeaderPrefix` (default `'JWT'`). */
  prefix?: string;
  /**
   * Require the scheme on every operation that says nothing else (for apps with
   * `globalGuard: true`); the module's own public endpoints say they are public. Default false.
   */
  requireByDefault?: boolean;
}

/**
 * The scheme for `Authorization: <prefix> <token>`. Swagger UI sends an `apiKey` header exactly
 * as typed, so the description says to type the prefix (or serve the UI with
 * `jwtAuthRequestInterceptor`). With the prefix `Bearer`, the standard `http` bearer scheme,
 * for which Swagger UI adds the prefix itself.
 */
export function jwtAuthSecurityScheme(prefix = 'JWT'): SecuritySchemeObject {
  if (!PREFIX_PATTERN.test(prefix))
    throw new TypeError(`jwtAuthSecurityScheme: invalid prefix ${JSON.stringify(prefix)}`);
  if (prefix.toLowerCase() === 'bearer') {
    return { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token alone: `Bearer ` is added.' };
  }
  return {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: `Type \`${prefix} <token>\`: the prefix \`${prefix}\`, a space, then the token from the api-token-auth endpoint.`,
  };
}

/** What this needs of @nestjs/swagger's DocumentBuilder (structural: no import of it here). */
export interface SecurityDocumentBuilder {
  addSecurity(name: string, options: SecuritySchemeObject): unknown;
  addSecurityRequirements(name: string, requirements?: string[]): unknown;
}

/**
 * Declares the scheme on a DocumentBuilder (`JWT_AUTH_SECURITY_SCHEME`) and returns the builder:
 * `addJwtAuthSecurity(new DocumentBuilder().setTitle('API')).build()`.
 */
export function addJwtAuthSecurity<B extends SecurityDocumentBuilder>(
  builder: B,
  { prefix = 'JWT', requireByDefault = false }: JwtAuthSecurityOptions = {},
): B {
  builder.addSecurity(JWT_AUTH_SECURITY_SCHEME, jwtAuthSecurityScheme(prefix));
  if (requireByDefault) builder.addSecurityRequirements(JWT_AUTH_SECURITY_SCHEME);
  return builder;
}
