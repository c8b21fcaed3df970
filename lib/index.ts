export { JwtAuthModule } from './jwt-auth.module.js';
export {
  ASYNC_OPTIONS_TYPE as JwtAuthModuleAsyncOptions,
  OPTIONS_TYPE as JwtAuthModuleForRootOptions,
} from './jwt-auth.module-definition.js';
export { JWT_AUTH_MODULE_OPTIONS, JWT_AUTH_SETTINGS } from './constants.js';
export type {
  AnyRequest,
  ErrorFormat,
  JwtAlgorithm,
  JwtAuthModuleExtras,
  JwtAuthModuleOptions,
  JwtPayload,
  KeyInput,
  LoginThrottleOptions,
} from './settings/jwt-auth-options.interface.js';
export { SUPPORTED_ALGORITHMS } from './settings/jwt-auth-options.interface.js';
export {
  JwtAuthConfigError,
  type JwtAuthSettings,
  LOGIN_THROTTLE_DEFAULTS,
  type LoginThrottleSettings,
} from './settings/jwt-auth-settings.js';
export { parseDuration, type Duration } from './settings/duration.js';
export { UserLookupService } from './users/user-lookup.service.js';
export { TokenUser } from './users/token-user.js';
export { JwtAuthGuard } from './auth/jwt-auth.guard.js';
export { Public } from './auth/public.decorator.js';
export { CurrentUser } from './auth/current-user.decorator.js';
export { JwtAuthService, type IssuedToken } from './tokens/jwt-auth.service.js';
export { TokenRejectedError, type TokenRejection } from './tokens/token-error.js';
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
export type { Jwks } from './http/jwks.controller.js';
export type { VerificationKey } from './settings/jwt-auth-settings.js';
export type { RevocationQuery, RevocationState, RevocationStore, TokenMark } from './revocation/revocation-store.js';
export {
  MemoryRevocationStore,
  RevocationStoreFullError,
  type MemoryRevocationStoreOptions,
} from './revocation/memory-revocation-store.js';
