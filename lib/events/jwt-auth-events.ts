import type { AnyRequest, JwtPayload } from '../common/jwt.js';
import type { TokenUser } from '../users/token-user.js';

/** The names the events are emitted under through @nestjs/event-emitter (`@OnEvent(...)`). */
export const JWT_AUTH_LOGIN_SUCCEEDED = 'jwt-auth.login.succeeded';
export const JWT_AUTH_LOGIN_FAILED = 'jwt-auth.login.failed';
export const JWT_AUTH_TOKEN_REFRESHED = 'jwt-auth.token.refreshed';
export const JWT_AUTH_TOKEN_REVOKED = 'jwt-auth.token.revoked';
export const JWT_AUTH_TOKEN_REUSE_DETECTED = 'jwt-auth.token.reuse-detected';
export const JWT_AUTH_REQUEST_REFUSED = 'jwt-auth.request.refused';

export type JwtAuthEventName =
  | typeof JWT_AUTH_LOGIN_SUCCEEDED
  | typeof JWT_AUTH_LOGIN_FAILED
  | typeof JWT_AUTH_TOKEN_REFRESHED
  | typeof JWT_AUTH_TOKEN_REVOKED
  | typeof JWT_AUTH_TOKEN_REUSE_DETECTED
  | typeof JWT_AUTH_REQUEST_REFUSED;

/**
 * What every event carries. `request` is the adapter's request (Express or Fastify), as
 * `responsePayloadHandler` gets it. It is not enumerable, so that an event logged or
 * serialised whole never writes the request's body (a password) or its Authorization header.
 * Events are frozen: hooks and listeners all see the same one.
 */
interface JwtAuthEventBase<TName extends JwtAuthEventName> {
  readonly name: TName;
  readonly request: AnyRequest;
}

/** POST /api-token-auth/ answered with a token. */
export interface LoginSucceededEvent<TUser extends object = object> extends JwtAuthEventBase<
  typeof JWT_AUTH_LOGIN_SUCCEEDED
> {
  readonly user: TUser;
}

/**
 * Why a login was refused: `'bad_credentials'` (unknown user, wrong password or inactive
 * user, which the endpoint does not tell apart either), `'throttled'` (too many attempts) or
 * `'refused_by_check'` (right password, refused by `hooks.checkLogin`: a second factor).
 */
export type LoginFailureReason = 'bad_credentials' | 'throttled' | 'refused_by_check';

/** POST /api-token-auth/ refused. `username` is the one tried, trimmed; it may not exist. */
export interface LoginFailedEvent extends JwtAuthEventBase<typeof JWT_AUTH_LOGIN_FAILED> {
  readonly username: string;
  readonly reason: LoginFailureReason;
}

/** POST /api-token-refresh/ answered with a new token. */
export interface TokenRefreshedEvent<TUser extends object = object> extends JwtAuthEventBase<
  typeof JWT_AUTH_TOKEN_REFRESHED
> {
  readonly user: TUser;
}

/**
 * Logout. `scope: 'token'`: POST /api-token-revoke/ revoked one token (or found it revoked
 * already), whose claims are given; an expired token is left as it is, and gives no event.
 * `scope: 'user'`: POST
 * /api-token-revoke-all/ revoked every token of `user` (a TokenUser with `stateless`).
 */
export type TokenRevokedEvent<TUser extends object = object> =
  | (JwtAuthEventBase<typeof JWT_AUTH_TOKEN_REVOKED> & {
      readonly scope: 'token';
      readonly claims: Readonly<JwtPayload>;
    })
  | (JwtAuthEventBase<typeof JWT_AUTH_TOKEN_REVOKED> & {
      readonly scope: 'user';
      readonly user: TUser | TokenUser;
    });

/**
 * Rotation (`rotateOnRefresh`): a token that was already refreshed was presented again to
 * /api-token-refresh/, so someone holds a copy; the whole chain was revoked. `family` is the
 * chain's id (the `orig_jti` of its tokens), `subject` the username the token names, `jti` the
 * replayed token's id, `claims` its claims. For audit logs and alerts (RFC 9700, 4.14.2).
 */
export interface TokenReuseDetectedEvent extends JwtAuthEventBase<typeof JWT_AUTH_TOKEN_REUSE_DETECTED> {
  readonly family: string;
  readonly subject: string;
  readonly jti: string | undefined;
  readonly claims: Readonly<JwtPayload>;
}

/**
 * A request the guard or a token endpoint refused: `reason` is the refusal's reason as the
 * debug log words it (`'expired'`, `'revoked'`, `'no credentials'`, `'bad credentials'`,
 * `'login throttled'`...), never a secret; `status` the answer's status. Rate-limited: at most
 * 10 per reason per second are delivered; `suppressed` counts the refusals of this reason that
 * were not delivered since the previous event of this reason.
 */
export interface RequestRefusedEvent extends JwtAuthEventBase<typeof JWT_AUTH_REQUEST_REFUSED> {
  readonly reason: string;
  readonly status: number;
  readonly suppressed: number;
}

export type JwtAuthEvent<TUser extends object = object> =
  | LoginSucceededEvent<TUser>
  | LoginFailedEvent
  | TokenRefreshedEvent<TUser>
  | TokenRevokedEvent<TUser>
  | TokenReuseDetectedEvent
  | RequestRefusedEvent;

/** Distributes over a union, where a plain Omit would merge its members. */
type EventFields<T> = T extends unknown ? Omit<T, 'request'> : never;

/** An event: frozen, with `request` present but not enumerable. */
export function createJwtAuthEvent<T extends JwtAuthEvent>(fields: EventFields<T>, request: AnyRequest): T {
  const event = { ...fields };
  Object.defineProperty(event, 'request', { value: request, enumerable: false });
  return Object.freeze(event) as unknown as T;
}
