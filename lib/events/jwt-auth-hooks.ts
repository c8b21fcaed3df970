import type {
  JwtAuthEvent,
  LoginFailedEvent,
  LoginSucceededEvent,
  RequestRefusedEvent,
  TokenRefreshedEvent,
  TokenReuseDetectedEvent,
  TokenRevokedEvent,
} from './jwt-auth-events.js';
import {
  JWT_AUTH_LOGIN_FAILED,
  JWT_AUTH_LOGIN_SUCCEEDED,
  JWT_AUTH_REQUEST_REFUSED,
  JWT_AUTH_TOKEN_REFRESHED,
  JWT_AUTH_TOKEN_REUSE_DETECTED,
  JWT_AUTH_TOKEN_REVOKED,
} from './jwt-auth-events.js';
import type { LoginAttempt, LoginVerdict } from './login-verdict.js';

/**
 * The `hooks` option: callbacks for audit logs, `last_login` and the like. Each is awaited
 * before the endpoint answers; one that throws or rejects is logged (Nest's Logger, context
 * 'JwtAuth', level error) and changes nothing in the answer. Whatever they return is ignored
 * (`checkLogin` excepted: a check, not an event).
 */
export interface JwtAuthHooks<TUser extends object = object> {
  onLoginSucceeded?(event: LoginSucceededEvent<TUser>): unknown;
  onLoginFailed?(event: LoginFailedEvent): unknown;
  onTokenRefreshed?(event: TokenRefreshedEvent<TUser>): unknown;
  onTokenRevoked?(event: TokenRevokedEvent<TUser>): unknown;
  /** A refreshed token presented again (rotation): its chain was revoked. */
  onTokenReuseDetected?(event: TokenReuseDetectedEvent): unknown;
  /** A request refused by the guard or a token endpoint; rate-limited per reason. */
  onRequestRefused?(event: RequestRefusedEvent): unknown;
  /**
   * Not an event but a check, run on POST /api-token-auth/ after the password check and before
   * any token exists: a second factor, a tenant. It must return (or resolve to) `allowLogin()`
   * or `refuseLogin(...)`, answered as a 400 in the endpoint's shape. Unlike the callbacks above,
   * one that throws, or returns anything else, fails the login (a 500, logged): a check that
   * could not run must never let the login through.
   */
  checkLogin?(attempt: LoginAttempt<TUser>): LoginVerdict | Promise<LoginVerdict>;
}

export type JwtAuthHookName = keyof JwtAuthHooks;

/** Which hook each event goes to. */
export const HOOK_OF_EVENT = {
  [JWT_AUTH_LOGIN_SUCCEEDED]: 'onLoginSucceeded',
  [JWT_AUTH_LOGIN_FAILED]: 'onLoginFailed',
  [JWT_AUTH_TOKEN_REFRESHED]: 'onTokenRefreshed',
  [JWT_AUTH_TOKEN_REVOKED]: 'onTokenRevoked',
  [JWT_AUTH_TOKEN_REUSE_DETECTED]: 'onTokenReuseDetected',
  [JWT_AUTH_REQUEST_REFUSED]: 'onRequestRefused',
} as const satisfies Record<JwtAuthEvent['name'], JwtAuthHookName>;

const HOOK_NAMES: readonly string[] = [...Object.values(HOOK_OF_EVENT), 'checkLogin'];

/** The hooks after validation: each bound to the object it was given in. */
export type ResolvedHooks = {
  readonly [K in Exclude<JwtAuthHookName, 'checkLogin'>]?: (event: JwtAuthEvent) => unknown;
} & { readonly checkLogin?: (attempt: LoginAttempt) => unknown };

/**
 * Checks the `hooks` option. Returns the problem rather than throwing it, so that the settings
 * (which own JwtAuthConfigError) need not be imported here: no import cycle.
 */
export function readHooks(raw: unknown): { hooks: ResolvedHooks } | { option: string; problem: string } {
  if (raw === undefined) return { hooks: {} };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { option: 'hooks', problem: `must be an object of callbacks (${HOOK_NAMES.join(', ')})` };
  }
  // A misspelt hook would never run: the settings check every option's name first, those of a
  // plain hooks object included (settings/option-names.ts).
  const hooks: Record<string, (event: never) => unknown> = {};
  for (const name of HOOK_NAMES) {
    // Read through the prototype too: a class instance's methods are hooks as well.
    const hook: unknown = (raw as Record<string, unknown>)[name];
    if (hook === undefined) continue;
    if (typeof hook !== 'function') return { option: `hooks.${name}`, problem: 'must be a function' };
    hooks[name] = (hook as (event: never) => unknown).bind(raw);
  }
  return { hooks: Object.freeze(hooks) as ResolvedHooks };
}
