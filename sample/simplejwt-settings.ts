import type { JwtAuthModuleOptions } from '../lib/index.js';
import { type EnvReader, readBoolean, readChoice, readDuration, readString } from './env.js';

/** The protocols JWT_TOKEN_PROTOCOL may name (the module's `tokenProtocol`). */
const TOKEN_PROTOCOLS = ['drf-jwt', 'simplejwt', 'both'] as const;
export type SampleTokenProtocol = (typeof TOKEN_PROTOCOLS)[number];

/** JWT_TOKEN_PROTOCOL: `drf-jwt` (default, as before), `simplejwt` (only simplejwt's endpoints) or `both`. */
export function tokenProtocolFromEnv(env: EnvReader): SampleTokenProtocol {
  return readChoice(env, 'JWT_TOKEN_PROTOCOL', TOKEN_PROTOCOLS, 'drf-jwt');
}

/**
 * simplejwt's settings from environment variables named after its `SIMPLE_JWT` names
 * (JWT_ACCESS_TOKEN_LIFETIME, JWT_REFRESH_TOKEN_LIFETIME, JWT_ROTATE_REFRESH_TOKENS, ...), when
 * JWT_TOKEN_PROTOCOL speaks it; unset ones keep simplejwt's defaults. JWT_SLIDING_TOKENS=true
 * serves the sliding views at /api/token/ and /api/token/refresh/; JWT_REFRESH_COOKIE names the
 * refresh cookie of cookie mode.
 */
export function simpleJwtFromEnv(env: EnvReader): JwtAuthModuleOptions['simpleJwt'] {
  if (tokenProtocolFromEnv(env) === 'drf-jwt') return undefined;
  const headerTypes = readString(env, 'JWT_AUTH_HEADER_TYPES')
    ?.split(',')
    .map((type) => type.trim());
  return {
    accessTokenLifetime: readDuration(env, 'JWT_ACCESS_TOKEN_LIFETIME'),
    refreshTokenLifetime: readDuration(env, 'JWT_REFRESH_TOKEN_LIFETIME'),
    rotateRefreshTokens: readBoolean(env, 'JWT_ROTATE_REFRESH_TOKENS', false),
    blacklistAfterRotation: readBoolean(env, 'JWT_BLACKLIST_AFTER_ROTATION', false),
    authHeaderTypes: headerTypes,
    checkRevokeToken: readBoolean(env, 'JWT_CHECK_REVOKE_TOKEN', false),
    slidingTokens: readBoolean(env, 'JWT_SLIDING_TOKENS', false),
    slidingTokenLifetime: readDuration(env, 'JWT_SLIDING_TOKEN_LIFETIME'),
    slidingTokenRefreshLifetime: readDuration(env, 'JWT_SLIDING_TOKEN_REFRESH_LIFETIME'),
    leeway: readDuration(env, 'JWT_LEEWAY'),
    audience: readString(env, 'JWT_AUDIENCE'),
    issuer: readString(env, 'JWT_ISSUER'),
    refreshCookie: readString(env, 'JWT_REFRESH_COOKIE'),
  };
}
