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
