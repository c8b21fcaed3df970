import { jwtAuthSecurityScheme } from './security-scheme.js';

/** The request Swagger UI hands to its `requestInterceptor` (only what is read here). */
export interface SwaggerUiRequest {
  headers?: Record<string, unknown>;
}

/**
 * A Swagger UI `requestInterceptor` (`swaggerOptions: { requestInterceptor }`) that adds the
 * prefix to an Authorization header holding a token alone, so the Authorize dialog takes the
 * token as /api-token-auth/ returns it. A value with a space (`JWT <token>`, `Basic ...`) is left
 * as is. Swagger UI runs it in the browser from its source text (@nestjs/swagger serializes
 * functions with `toString()`), so it closes over nothing: the prefix is written into its body.
 */
export function jwtAuthRequestInterceptor(prefix = 'JWT'): (request: SwaggerUiRequest) => SwaggerUiRequest {
  jwtAuthSecurityScheme(prefix); // validates the prefix (a header token: safe inside the source)
  const source = `
  var prefix = ${JSON.stringify(prefix)};
  var headers = request.headers || {};
  Object.keys(headers).forEach(function (name) {
    if (name.toLowerCase() !== 'authorization' || typeof headers[name] !== 'string') return;
    var value = headers[name].trim();
    if (value !== '' && !/\\s/.test(value) && value.toLowerCase() !== prefix.toLowerCase()) {
      headers[name] = prefix + ' ' + value;
    }
  });
  return request;
`;
  return new Function('request', source) as (request: SwaggerUiRequest) => SwaggerUiRequest;
}
