import type { AnyRequest } from '../common/jwt.js';
import { type FieldErrors, NON_FIELD_ERRORS } from '../common/refusal.js';
import type { LoginDto } from '../bodies/login.dto.js';

/**
 * What `hooks.checkLogin` gets: a login whose password was right and whose user is active.
 * `body` is the validated login body, an instance of the `loginDto` class (its char fields
 * cleaned); `username` is the value of the username field. `request` is not enumerable.
 */
export interface LoginAttempt<TUser extends object = object> {
  readonly user: TUser;
  readonly username: string;
  readonly body: LoginDto;
  readonly request: AnyRequest;
}

/** The answer of `hooks.checkLogin`: `allowLogin()` or `refuseLogin(...)`, nothing else. */
export type LoginVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly errors: Readonly<Record<string, readonly string[]>> };

const ALLOWED: LoginVerdict = Object.freeze({ allowed: true });

/** The login goes on: the token is issued. */
export function allowLogin(): LoginVerdict {
  return ALLOWED;
}

/**
 * The login is refused with a 400 in the endpoint's usual shape: a message alone goes under
 * `non_field_errors` (`refuseLogin('Enter your one-time code.')`); an object gives field errors
 * (`refuseLogin({ otp: ['This code has expired.'] })`).
 */
export function refuseLogin(errors: string | Readonly<Record<string, string | readonly string[]>>): LoginVerdict {
  const given = typeof errors === 'string' ? { [NON_FIELD_ERRORS]: errors } : errors;
  const normalised: Record<string, readonly string[]> = {};
  for (const [field, messages] of Object.entries(given)) {
    normalised[field] = Object.freeze(typeof messages === 'string' ? [messages] : [...messages]);
  }
  return Object.freeze({ allowed: false, errors: Object.freeze(normalised) });
}

/**
 * A verdict as the field errors of a 400, undefined when the login may go on. Anything but a
 * verdict (a hook that forgot to return one) is an error of the app: thrown, so the login fails
 * closed rather than skip a second factor.
 */
export function refusalOfVerdict(verdict: unknown): FieldErrors | undefined {
  if (verdict === ALLOWED || (isObject(verdict) && verdict.allowed === true && !('errors' in verdict))) {
    return undefined;
  }
  if (isObject(verdict) && verdict.allowed === false && isFieldErrors(verdict.errors)) {
    return Object.fromEntries(Object.entries(verdict.errors).map(([field, messages]) => [field, [...messages]]));
  }
  throw new TypeError('hooks.checkLogin must return allowLogin() or refuseLogin(...)');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isFieldErrors(value: unknown): value is Record<string, readonly string[]> {
  if (!isObject(value) || Object.keys(value).length === 0) return false;
  return Object.values(value).every(
    (messages) => Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'string'),
  );
}
