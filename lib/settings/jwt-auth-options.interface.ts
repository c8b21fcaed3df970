import type { ModuleMetadata } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import type { Duration } from '../common/duration.js';
import type { AnyRequest, ErrorFormat, JwtAlgorithm, JwtPayload } from '../common/jwt.js';
import type { AuthCookieOptions, CsrfOptions } from '../cookies/cookie-settings.js';
import type { JwtAuthHooks } from '../events/jwt-auth-hooks.js';
import type { KeyOptions } from '../keys/key-ring.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import type { LoginThrottleOptions } from '../throttle/login-throttle-settings.js';

/**
 * Everything nest-rest-jwt can be told, each named after the djangorestframework-jwt setting
 * it replaces (see the README's options table). Only a key is required.
 */
export interface JwtAuthModuleOptions<TUser extends object = object> extends KeyOptions {
  /**
   * Not in the reference: verify tokens issued elsewhere, with no signing key. The keys come
   * from `jwksUrl` (fetched and cached) and/or `verifyKeys`; a token must name one by `kid`
   * (unless exactly one static key is configured). Logging in and refreshing answer 404.
   */
  verifyOnly?: boolean;
  /**
   * With `verifyOnly`: the issuer's JWKS. Fetched when a token names a `kid` not yet known, at
   * most once per `jwksCooldown` (so a flood of unknown `kid`s is no flood of fetches), and
   * kept for 10 minutes.
   */
  jwksUrl?: string;
  /** The least time between two fetches of `jwksUrl` (default 30 seconds). */
  jwksCooldown?: Duration;
  /** JWT_ALGORITHM (default `'HS256'`): tokens are signed with it and only it is accepted. */
  algorithm?: JwtAlgorithm;
  /** JWT_VERIFY_EXPIRATION (default true): false ignores `exp`. */
  verifyExpiration?: boolean;
  /** Not in the reference: a token with no `exp` is refused unless this is false (default true). */
  requireExpiration?: boolean;
  /** JWT_LEEWAY (default 0): clock tolerance for `exp` and `nbf`. */
  leeway?: Duration;
  /** JWT_EXPIRATION_DELTA (default 300 seconds). */
  expirationDelta?: Duration;
  /** JWT_AUDIENCE: added as `aud` and required on verify. */
  audience?: string;
  /** JWT_ISSUER: added as `iss` and required on verify. */
  issuer?: string;
  /** JWT_ALLOW_REFRESH (default false): whether new tokens carry `orig_iat`. */
  allowRefresh?: boolean;
  /** JWT_REFRESH_EXPIRATION_DELTA (default 7 days), counted from `orig_iat`. */
  refreshExpirationDelta?: Duration;
  /**
   * JWT_AUTH_HEADER_PREFIX (default `'JWT'`), compared case-insensitively; or several schemes
   * (simplejwt's AUTH_HEADER_TYPES: `['JWT', 'Bearer']`), the first named by `WWW-Authenticate`.
   */
  authHeaderPrefix?: string | readonly string[];
  /** Add an `iat` claim (default true). False gives payloads byte-compatible with the reference. */
  includeIssuedAt?: boolean;
  /** Add a random `jti` claim (default true), needed to revoke single tokens. */
  includeTokenId?: boolean;
  /** Error bodies: `'nest'` (default) or `'drf'` (djangorestframework's, byte for byte). */
  errorFormat?: ErrorFormat;
  /**
   * Not in the reference: keep the users JwtAuthGuard looked up for this long (default 0: every
   * guarded request asks UserLookupService). Trade-off: a user deactivated or deleted meanwhile
   * keeps access for up to this long. The endpoints always look users up.
   */
  userCacheTtl?: Duration;
  /**
   * Not in the reference (simplejwt's stateless authentication): JwtAuthGuard builds a
   * `TokenUser` from the token's claims and never looks the user up (default false). Trade-off:
   * a user deactivated or deleted after issue keeps access until the token expires.
   */
  stateless?: boolean;
  /**
   * Not in the reference: where revoked tokens are kept (default: a MemoryRevocationStore, right
   * for one process). Apps on several instances share a RedisRevocationStore.
   */
  revocationStore?: RevocationStore;
  /**
   * Not in the reference: the status when the revocation store cannot be reached (default 503).
   * Either way the request is refused (fail closed) and the outage is logged.
   */
  revocationUnavailableStatus?: 401 | 503;
  /**
   * Not in the reference: refreshing revokes the token it replaces, and presenting a replaced
   * token for refresh again revokes every token of that login (reuse detection, RFC 9700
   * section 4.14.2). Default false. Needs `includeTokenId`.
   */
  rotateOnRefresh?: boolean;
  /**
   * JWT_AUTH_COOKIE: the token cookie's name (or options). Obtain, refresh and verify set it;
   * the guard reads it when no Authorization header is sent; revoking clears it.
   */
  authCookie?: string | AuthCookieOptions;
  /**
   * Not in the reference: the CSRF defence of cookie mode (default on when `authCookie` is set;
   * false turns it off, which only makes sense when no browser sends the cookie cross-site).
   */
  csrf?: boolean | CsrfOptions;
  /**
   * JWT_GET_USER_SECRET_KEY: a per-user HMAC secret (HS algorithms only). Tokens are signed and
   * verified with it instead of `secretKey`; changing it revokes every token of that user.
   */
  getUserSecretKey?(user: TUser): string | Buffer | KeyObject;
  /** The name the Passport strategy is registered under (default `'jwt'`). */
  strategyName?: string;
  /**
   * Not in the reference: limits on login attempts, on by default (10 a minute per username,
   * 100 per client address); `false` turns them off, `true` or an object turns them on.
   */
  loginThrottle?: boolean | LoginThrottleOptions;
  /** JWT_PAYLOAD_HANDLER: the claims for a user. `defaults` is what the module would use. */
  payloadHandler?(user: TUser, defaults: JwtPayload): JwtPayload;
  /** JWT_RESPONSE_PAYLOAD_HANDLER: the success body (default `{ token }`). */
  responsePayloadHandler?(token: string, user: TUser, request: AnyRequest): object;
  /** JWT_PAYLOAD_GET_USERNAME_HANDLER: the username in a payload (default `payload.username`). */
  getUsernameFromPayload?(payload: JwtPayload): unknown;
  /**
   * Not in the reference: callbacks on login (succeeded, failed), refresh and logout, for audit
   * logs and `last_login` (see the README, "Hooks and events"). Awaited; one that throws is
   * logged and never fails the request.
   */
  hooks?: JwtAuthHooks<TUser>;
}

/**
 * Options that shape the module itself, so they are given directly to `forRoot` and
 * `forRootAsync` (never from an async factory).
 */
export interface JwtAuthModuleExtras {
  /** Make the module's exports available everywhere (default false). */
  isGlobal?: boolean;
  /** Register `JwtAuthGuard` as a global guard; opt routes out with `@Public()` (default false). */
  globalGuard?: boolean;
  /** Serve the token endpoints (default true). False leaves the controller out. */
  controller?: boolean;
  /**
   * Serve `GET /.well-known/jwks.json`: the public keys that verify this app's tokens, with
   * their `kid`, `alg` and `use` (default false; needs an asymmetric key).
   */
  jwks?: boolean;
  /** A path in front of the token endpoints, e.g. `'auth'` gives `/auth/api-token-auth/`. */
  routePrefix?: string;
  /**
   * Modules the module needs, above all the one that exports your `UserLookupService`
   * (`forRootAsync` takes `imports` as usual; this gives `forRoot` the same).
   */
  imports?: ModuleMetadata['imports'];
}
