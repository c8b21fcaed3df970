/** The token vocabulary every layer speaks: algorithms, claims, and the request as adapters give it. */

export const SUPPORTED_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

export type JwtAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export function isSupportedAlgorithm(value: unknown): value is JwtAlgorithm {
  return (SUPPORTED_ALGORITHMS as readonly unknown[]).includes(value);
}

/** The claims of a token. Standard claims are typed; handlers may add any other. */
export interface JwtPayload {
  user_id?: string | number;
  username?: unknown;
  email?: string;
  exp?: number;
  iat?: number;
  orig_iat?: number;
  jti?: string;
  aud?: string | string[];
  iss?: string;
  [claim: string]: unknown;
}

/** The request as the HTTP adapter gives it (Express `Request` or Fastify `FastifyRequest`). */
export type AnyRequest = object;

/** `'drf'`: djangorestframework's bodies (`{"detail": ...}`); `'nest'`: `{"statusCode", "message", "error"}`. */
export type ErrorFormat = 'nest' | 'drf';
