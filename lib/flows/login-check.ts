import type { FieldErrors } from '../common/refusal.js';
import type { ResolvedHooks } from '../events/jwt-auth-hooks.js';
import { type LoginAttempt, refusalOfVerdict } from '../events/login-verdict.js';

/**
 * `hooks.checkLogin`, after the password check: the field errors of its refusal, or undefined
 * when there is no hook or it allows the login. A hook that throws, or answers anything but a
 * verdict, throws here: the login fails (a 500) rather than skip the check.
 */
export async function checkLogin(hooks: ResolvedHooks, fields: LoginAttempt): Promise<FieldErrors | undefined> {
  const hook = hooks.checkLogin;
  if (hook === undefined) return undefined;
  const attempt = { ...fields };
  // As the events' request: present, never serialised with the attempt.
  Object.defineProperty(attempt, 'request', { value: fields.request, enumerable: false });
  return refusalOfVerdict(await hook(Object.freeze(attempt)));
}
