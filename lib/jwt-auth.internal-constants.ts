// Internal injection tokens: not exported by any entry point. What they hold (keys above all)
// is the module's own business.

/** The validated, resolved settings of one JwtAuthModule (they hold the signing KeyObject). */
export const JWT_AUTH_SETTINGS = Symbol('nest-rest-jwt:settings');

/** The module's own @nestjs/jwt JwtService (the app may have its own). */
export const JWT_AUTH_JWT_SERVICE = Symbol('nest-rest-jwt:jwt-service');

/** The Passport strategy instance (constructing it registers it with Passport). */
export const JWT_AUTH_STRATEGY = Symbol('nest-rest-jwt:strategy');

/** The route prefix the token controller is served under. */
export const JWT_AUTH_ROUTE_PREFIX = Symbol('nest-rest-jwt:route-prefix');

/** The JWKS, built once at start-up. */
export const JWT_AUTH_JWKS = Symbol('nest-rest-jwt:jwks');

/** The `hooks` callbacks, checked at start-up. */
export const JWT_AUTH_HOOKS = Symbol('nest-rest-jwt:hooks');

/** The login throttle's settings (false: off). */
export const JWT_AUTH_LOGIN_THROTTLE = Symbol('nest-rest-jwt:login-throttle');

/** Which form of `forRootAsync` gave the options (useFactory, useClass, useExisting); absent with forRoot. */
export const JWT_AUTH_OPTIONS_SOURCE = Symbol('nest-rest-jwt:options-source');
export const JWT_AUTH_MODULE_SHAPE = Symbol('nest-rest-jwt:module-shape');

/** The global guard's `globalGuardExclude`, compiled (GlobalJwtAuthGuard). */
export const JWT_AUTH_GUARD_EXCLUSIONS = Symbol('nest-rest-jwt:guard-exclusions');
/** The clock of rate-limited events, in milliseconds (`Date.now`; tests override the provider). */
export const JWT_AUTH_CLOCK = Symbol('nest-rest-jwt:clock');

/** Where simplejwt's views are served below the route prefix (simpleJwtPaths, defaults applied). */
export const JWT_AUTH_SIMPLE_JWT_PATHS = Symbol('nest-rest-jwt:simplejwt-paths');

/** The routes of the token endpoints served, below the route prefix, every protocol's. */
export const JWT_AUTH_SERVED_ROUTES = Symbol('nest-rest-jwt:served-routes');

/** Checks at start-up that the app's UserLookupService has what simplejwt needs (findById...). */
export const SIMPLE_JWT_USERS_CHECK = Symbol('nest-rest-jwt:simplejwt-users-check');
