import type { ModuleMetadata } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import type { Duration } from '../common/duration.js';
import type { GlobalGuardExclusion } from '../common/route-exclusions.js';
import type { AnyRequest, ErrorFormat, JwtAlgorithm, JwtPayload } from '../common/jwt.js';
import type { AuthCookieOptions, CsrfOptions } from '../cookies/cookie-settings.js';
import type { LoginDtoClass } from '../bodies/login.dto.js';
import type { JwtAuthHooks } from '../events/jwt-auth-hooks.js';
import type { KeyOptions } from '../keys/key-ring.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import type { PermissionOptions } from '../common/permission.js';
import type { LoginThrottleOptions } from '../throttle/login-throttle-settings.js';
import type { RpcCredentialsOptions } from './transport-settings.js';
import type { SimpleJwtOptions, SimpleJwtPaths, TokenProtocol } from './simplejwt-options.js';

/**
 * The options of `JwtAuthModule.forRoot` (or what `forRootAsync`'s factory returns). Only a key
 * is required (`secretKey` for the default HS256). Each option says what it does first, then
 * which djangorestframework-jwt setting it replaces ("Not in the reference" when none).
 *
 * `TUser` is the type your `UserLookupService` returns: give it as
 * `JwtAuthModule.forRoot<User>({...})` and `payloadHandler`, `responsePayloadHandler`,
 * `getUserSecretKey` and `hooks` receive a `User` (by default, an `object`).
 *
 * Every option may be `undefined` (the default applies), so values read from the environment
 * can be passed as they are, under `exactOptionalPropertyTypes` too. Every option is checked
 * once at start-up: a bad value or an unknown name stops the app with a `JwtAuthConfigError`
 * that names it.
 */
export interface JwtAuthModuleOptions<TUser extends object = object> extends KeyOptions {
  /**
   * Verify tokens issued by another service, with no signing key: the module then only guards
   * routes and answers `/api-token-verify/`; logging in and refreshing answer 404. The keys come
   * from `jwksUrl` (fetched and cached) and/or `verifyKeys`; a token must name one by `kid`
   * (unless exactly one static key is configured). Default false. Not in the reference.
   */
  verifyOnly?: boolean | undefined;
  /**
   * With `verifyOnly`: the issuer's JWKS URL (its `jwks: true` endpoint). Fetched when a token
   * names a `kid` not yet known, at most once per `jwksCooldown`, and kept for 10 minutes.
   * Not in the reference.
   */
  jwksUrl?: string | undefined;
  /** With `jwksUrl`: the least time between two fetches (default 30 seconds). Not in the reference. */
  jwksCooldown?: Duration | undefined;
  /**
   * The algorithm tokens are signed with, and the only one the guard accepts (default
   * `'HS256'`): HS*, RS*, PS*, ES* (256, 384, 512) or `'EdDSA'`. Django: `JWT_ALGORITHM`.
   */
  algorithm?: JwtAlgorithm | undefined;
  /** Refuse expired tokens (default true); false ignores `exp`. Django: `JWT_VERIFY_EXPIRATION`. */
  verifyExpiration?: boolean | undefined;
  /** Refuse a token with no `exp` claim (default true). Not in the reference. */
  requireExpiration?: boolean | undefined;
  /** Clock tolerance when checking `exp` and `nbf` (default 0). Django: `JWT_LEEWAY`. */
  leeway?: Duration | undefined;
  /** How long a new token lives: `exp = now + expirationDelta` (default 300 seconds). Django: `JWT_EXPIRATION_DELTA`. */
  expirationDelta?: Duration | undefined;
  /** Written into new tokens as `aud`, and required of every token checked. Django: `JWT_AUDIENCE`. */
  audience?: string | undefined;
  /** Written into new tokens as `iss`, and required of every token checked. Django: `JWT_ISSUER`. */
  issuer?: string | undefined;
  /**
   * Serve `/api-token-refresh/` usefully: new tokens carry `orig_iat`, and a token that has it
   * can be exchanged for a new one (default false). Django: `JWT_ALLOW_REFRESH`.
   */
  allowRefresh?: boolean | undefined;
  /**
   * How long after the first login a token can still be refreshed, counted from `orig_iat`
   * (default 7 days). Django: `JWT_REFRESH_EXPIRATION_DELTA`.
   */
  refreshExpirationDelta?: Duration | undefined;
  /**
   * The `Authorization` scheme the guard reads, compared case-insensitively (default `'JWT'`:
   * `Authorization: JWT <token>`; `'Bearer'` for the usual one), or several (`['JWT', 'Bearer']`,
   * as simplejwt's `AUTH_HEADER_TYPES`), the first named by `WWW-Authenticate`. Django:
   * `JWT_AUTH_HEADER_PREFIX`.
   */
  authHeaderPrefix?: string | readonly string[] | undefined;
  /** Add an `iat` claim to new tokens (default true); false gives payloads byte-compatible with the reference. Not in the reference. */
  includeIssuedAt?: boolean | undefined;
  /** Add a random `jti` claim to new tokens (default true), needed to revoke single tokens. Not in the reference. */
  includeTokenId?: boolean | undefined;
  /**
   * The body of refusals: `'nest'` (default: Nest's `{ statusCode, message, error }`) or `'drf'`
   * (djangorestframework's bodies, byte for byte). The texts are the reference's either way.
   * Not in the reference.
   */
  errorFormat?: ErrorFormat | undefined;
  /**
   * Cache the users JwtAuthGuard looks up for this long (default 0: every guarded request asks
   * your `UserLookupService`). Trade-off: a user deactivated or deleted meanwhile keeps access
   * for up to this long. The endpoints always look users up. Not in the reference.
   */
  userCacheTtl?: Duration | undefined;
  /**
   * JwtAuthGuard builds a `TokenUser` from the token's claims and never looks the user up
   * (default false). Trade-off: a user deactivated or deleted after issue keeps access until the
   * token expires. Not in the reference (simplejwt's stateless authentication).
   */
  stateless?: boolean | undefined;
  /**
   * Where revoked tokens are kept (default: a `MemoryRevocationStore`, right for one process);
   * apps on several instances share a `RedisRevocationStore` (`nest-rest-jwt/redis`). The module
   * closes it when the app shuts down. Not in the reference.
   */
  revocationStore?: RevocationStore | undefined;
  /**
   * The status answered when the revocation store cannot be reached (default 503). Either way
   * the request is refused (fail closed) and the outage is logged. Not in the reference.
   */
  revocationUnavailableStatus?: 401 | 503 | undefined;
  /**
   * `/api-token-refresh/` revokes the token it replaces, and presenting a replaced token again
   * revokes every token of that login (reuse detection, RFC 9700 section 4.14.2). Default
   * false; needs `includeTokenId`. Not in the reference.
   */
  rotateOnRefresh?: boolean | undefined;
  /**
   * Under `rotateOnRefresh`: for this long after a token is refreshed, refreshing it again (a
   * second tab, a retried request) answers the same successor instead of counting as reuse
   * (default `'10s'`, at most a minute; `0` turns it off). The store must implement
   * `replaceToken` (both built-in stores do). Not in the reference.
   */
  rotationGracePeriod?: Duration | undefined;
  /**
   * Cookie mode: the token cookie's name (or its options). The endpoints set it, the guard reads
   * it when no `Authorization` header is sent, logging out clears it. Django: `JWT_AUTH_COOKIE`.
   */
  authCookie?: string | AuthCookieOptions | undefined;
  /**
   * The CSRF defence of cookie mode (double submit; default on when `authCookie` is set). False
   * turns it off, which only makes sense when no browser sends the cookie cross-site. Not in the
   * reference.
   */
  csrf?: boolean | CsrfOptions | undefined;
  /**
   * A per-user HMAC secret (HS algorithms only): tokens are signed and verified with it instead
   * of `secretKey`, so changing it revokes every token of that user. Django:
   * `JWT_GET_USER_SECRET_KEY`.
   */
  getUserSecretKey?(user: TUser): string | Buffer | KeyObject;
  /** The name the Passport strategy is registered under, for `AuthGuard(name)` (default `'jwt'`). Not in the reference. */
  strategyName?: string | undefined;
  /**
   * Limits on login attempts at `/api-token-auth/`, on by default (10 a minute per username,
   * 100 per client address, in a `@nestjs/throttler` storage); `false` turns them off. Not in
   * the reference.
   */
  loginThrottle?: boolean | LoginThrottleOptions | undefined;
  /**
   * The claims of a new token for a user; `defaults` is what the module would sign (return it
   * with claims added, or your own object). Django: `JWT_PAYLOAD_HANDLER`.
   */
  payloadHandler?(user: TUser, defaults: JwtPayload): JwtPayload;
  /**
   * The success body of `/api-token-auth/`, `/api-token-refresh/` and `/api-token-verify/`
   * (default `{ token }`). Django: `JWT_RESPONSE_PAYLOAD_HANDLER`.
   */
  responsePayloadHandler?(token: string, user: TUser, request: AnyRequest): object;
  /**
   * The username a token names, passed to `UserLookupService.findByUsername` (default
   * `payload.username`). Django: `JWT_PAYLOAD_GET_USERNAME_HANDLER`.
   */
  getUsernameFromPayload?(payload: JwtPayload): unknown;
  /**
   * Callbacks on login (succeeded, failed), refresh and logout, for audit logs and `last_login`
   * (see the README, "Hooks and events"): an object of functions or a provider instance. Awaited;
   * one that throws is logged and never fails the request. Not in the reference (Django's
   * `user_logged_in` signal).
   */
  hooks?: JwtAuthHooks<TUser> | undefined;
  /**
   * Where the guard finds the token of a microservice (RPC) message: the payload field and the
   * metadata key holding `<prefix> <token>` (default `'authorization'` for both; see the README,
   * "Microservices"). Not in the reference (Django has no message transports).
   */
  rpc?: RpcCredentialsOptions | undefined;
  /**
   * The graphql-ws connection parameter holding `<prefix> <token>` for GraphQL subscriptions
   * (default `'Authorization'`, matched without regard to case). Not in the reference.
   */
  connectionParamsKey?: string | undefined;
  /**
   * DRF's permissions (`nest-rest-jwt/permissions`): `defaultPermissionClasses` for every route
   * JwtAuthGuard guards without `@PermissionClasses()` (DRF's `DEFAULT_PERMISSION_CLASSES`,
   * default `[IsAuthenticated]`), and the claims `@RequireRoles()` and `@RequireScopes()` read.
   */
  permissions?: PermissionOptions | undefined;
  /**
   * The login body's username field (default `'username'`): `'email'` reads `email` and reports
   * its errors under that name. Its value goes to `UserLookupService.findByUsername`. Django:
   * the user model's `USERNAME_FIELD`, which upstream's serializer reads.
   */
  usernameField?: string;
  /**
   * The login body's class: `LoginDto` (from `nest-rest-jwt/login`) or a class extending it
   * with fields of the app's own (class-validator decorators), whose errors answer in the same
   * 400 shape. `hooks.checkLogin` gets the validated instance. Not in the reference (a
   * serializer subclass there).
   */
  loginDto?: LoginDtoClass;
  /**
   * djangorestframework-simplejwt's settings (`SIMPLE_JWT`, camelCase, its defaults), for the
   * module-shaping option `tokenProtocol: 'simplejwt'` or `'both'` (see the README, "Access and
   * refresh tokens"). The keys and the algorithm are the module's. Not in djangorestframework-jwt.
   */
  simpleJwt?: SimpleJwtOptions | undefined;
}

/**
 * Options that shape the module itself (its providers, routes and global guard), so they are
 * given directly to `forRoot`, or beside `forRootAsync`'s factory (never returned by it). None
 * has a djangorestframework-jwt setting: Django wires these in `urls.py` and `settings.py`.
 */
export interface JwtAuthModuleExtras {
  /**
   * Export `JwtAuthService` and `JWT_AUTH_CONFIG` to every module, as `isGlobal` does for
   * `ConfigModule` (default false). The guard works in every module without it.
   */
  isGlobal?: boolean;
  /**
   * Register `JwtAuthGuard` as an `APP_GUARD`, so every route needs a token; open routes with
   * `@Public()` (default false). Django: `DEFAULT_AUTHENTICATION_CLASSES` with `IsAuthenticated`.
   */
  globalGuard?: boolean;
  /**
   * Routes the global guard leaves to others, for controllers the app cannot mark `@Public()`
   * (health checks, metrics): full paths as clients send them (`'/api/health'`, `'/metrics/**'`;
   * `*` one segment, `**` any), RegExps, or controller classes (see the README, "Leaving routes
   * to others"). Needs `globalGuard: true`. Django: `permission_classes = [AllowAny]` on views
   * you do not own.
   */
  globalGuardExclude?: readonly GlobalGuardExclusion[];
  /**
   * Serve the token endpoints (default true). False leaves the controller out: tokens are then
   * issued from code (`JwtAuthService`). Django: leaving the views out of `urls.py`.
   */
  controller?: boolean;
  /**
   * Serve `GET /.well-known/jwks.json`: the public keys that verify this app's tokens, with their
   * `kid`, `alg` and `use` (default false; needs an asymmetric key). Not in the reference.
   */
  jwks?: boolean;
  /**
   * A path in front of the token endpoints, e.g. `'auth'` gives `/auth/api-token-auth/` (the
   * app's global prefix still applies). Django: the `path('auth/', ...)` around the views.
   */
  routePrefix?: string;
  /**
   * Modules the module's providers need, above all the one that exports your
   * `UserLookupService` (`forRootAsync` takes `imports` as usual; this gives `forRoot` the same).
   */
  imports?: ModuleMetadata['imports'];
  /**
   * The token protocol served: `'drf-jwt'` (default: `/api-token-auth/`, `Authorization: JWT`),
   * `'simplejwt'` (djangorestframework-simplejwt's views at `/api/token/...`, access and
   * refresh tokens, `Authorization: Bearer`) or `'both'` (each client keeps its own, during a
   * migration). Its settings are the `simpleJwt` option. Django: the views in `urls.py`.
   */
  tokenProtocol?: TokenProtocol;
  /**
   * Where simplejwt's views are served below `routePrefix` (default its README's URLs:
   * `api/token`, `api/token/refresh`, `api/token/verify`, `api/token/blacklist`). Django: `urls.py`.
   */
  simpleJwtPaths?: SimpleJwtPaths;
}
