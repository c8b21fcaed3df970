// nest-rest-jwt: the core. Add-ons have entry points of their own (see package.json "exports").

// The module and its options
export { JwtAuthModule } from './jwt-auth.module.js';
// Each also a value, as before: `typeof JwtAuthModuleAsyncOptions` is Nest's ASYNC_OPTIONS_TYPE.
export { JwtAuthModuleAsyncOptions, JwtAuthModuleForRootOptions } from './jwt-auth.module-definition.js';
export { JWT_AUTH_CONFIG, JWT_AUTH_MODULE_OPTIONS } from './jwt-auth.constants.js';
export type { JwtAuthModuleExtras, JwtAuthModuleOptions } from './settings/jwt-auth-options.interface.js';
export type { JwtAuthConfig } from './settings/jwt-auth-config.js';
export type { AuthCookieOptions, CsrfOptions } from './cookies/cookie-settings.js';
export { LOGIN_THROTTLE_DEFAULTS, type LoginThrottleOptions } from './throttle/login-throttle-settings.js';
export type { KeyInput } from './keys/key-inputs.js';
export type { Jwks } from './keys/jwks.js';
export { parseDuration, type Duration, type DurationString } from './common/duration.js';
export {
  SUPPORTED_ALGORITHMS,
  type AnyRequest,
  type ErrorFormat,
  type JwtAlgorithm,
  type JwtPayload,
} from './common/jwt.js';

// Errors and refusals
export {
  JwtAuthConfigError,
  RevocationUnavailableError,
  TokenRejectedError,
  type TokenRejection,
} from './common/errors.js';
export type { Refusal } from './common/refusal.js';

// Users
export { UserLookupService } from './users/user-lookup.service.js';
export { TokenUser } from './users/token-user.js';

// Guarding routes, and tokens from code
export { JwtAuthGuard, type Authentication } from './guards/jwt-auth.guard.js';
export { Public } from './guards/public.decorator.js';
export { CurrentUser } from './guards/current-user.decorator.js';
export { JwtAuthService, type IssuedToken } from './flows/jwt-auth.service.js';
export { TokenController } from './http/token.controller.js';

// Hooks and events
export {
  JWT_AUTH_LOGIN_FAILED,
  JWT_AUTH_LOGIN_SUCCEEDED,
  JWT_AUTH_TOKEN_REFRESHED,
  JWT_AUTH_TOKEN_REVOKED,
  type JwtAuthEvent,
  type JwtAuthEventName,
  type LoginFailedEvent,
  type LoginFailureReason,
  type LoginSucceededEvent,
  type TokenRefreshedEvent,
  type TokenRevokedEvent,
} from './events/jwt-auth-events.js';
export type { JwtAuthHooks } from './events/jwt-auth-hooks.js';

// Where revocations are kept (Redis: nest-rest-jwt/redis)
export type { RevocationQuery, RevocationState, RevocationStore, TokenMark } from './revocation/revocation-store.js';
export {
  MemoryRevocationStore,
  RevocationStoreFullError,
  type MemoryRevocationStoreOptions,
} from './revocation/memory-revocation-store.js';
