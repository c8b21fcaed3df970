import type { JwtAuthModuleOptions } from './jwt-auth-options.interface.js';

/**
 * Every setting's default, in one table (djangorestframework-jwt's `api_settings.DEFAULTS`,
 * simplejwt's `DEFAULTS`). Durations are in seconds. Every option's name is in OPTION_NAMES
 * (option-names.ts), which the options interface must match.
 */
export const DEFAULTS = {
  algorithm: 'HS256',
  verifyOnly: false,
  jwksCooldown: 30,
  verifyExpiration: true,
  requireExpiration: true,
  leeway: 0,
  expirationDelta: 300,
  refreshExpirationDelta: 7 * 24 * 3600,
  allowRefresh: false,
  authHeaderPrefix: 'JWT',
  includeIssuedAt: true,
  includeTokenId: true,
  errorFormat: 'nest',
  strategyName: 'jwt',
  userCacheTtl: 0,
  stateless: false,
  revocationUnavailableStatus: 503,
  rotateOnRefresh: false,
  rotationGracePeriod: 10,
  usernameField: 'username',
} as const satisfies { readonly [K in keyof JwtAuthModuleOptions]?: unknown };

/** simplejwt's `DEFAULTS` (5.5), under the names of `simpleJwt` (simplejwt-options.ts), durations in seconds. */
export const SIMPLE_JWT_DEFAULTS = {
  accessTokenLifetime: 5 * 60,
  refreshTokenLifetime: 24 * 3600,
  rotateRefreshTokens: false,
  blacklistAfterRotation: false,
  updateLastLogin: false,
  authHeaderTypes: ['Bearer'],
  userIdField: 'id',
  userIdClaim: 'user_id',
  tokenTypeClaim: 'token_type',
  jtiClaim: 'jti',
  checkUserIsActive: true,
  checkRevokeToken: false,
  revokeTokenClaim: 'hash_password',
  slidingTokenRefreshExpClaim: 'refresh_exp',
  slidingTokenLifetime: 5 * 60,
  slidingTokenRefreshLifetime: 24 * 3600,
  slidingTokens: false,
  leeway: 0,
} as const;

/** simplejwt's README URLs, below the module's route prefix. */
export const SIMPLE_JWT_PATHS = {
  obtain: 'api/token',
  refresh: 'api/token/refresh',
  verify: 'api/token/verify',
  blacklist: 'api/token/blacklist',
} as const;
