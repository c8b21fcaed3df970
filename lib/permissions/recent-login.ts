import { nowSeconds } from '../common/clock.js';
import { type Duration, parseDuration } from '../common/duration.js';
import { LOGIN_NOT_RECENT } from '../common/messages.js';
import type { Permission, PermissionClass, PermissionRequest } from '../common/permission.js';
import { permissionStateOf } from './permission-check.js';
import { AddPermissionRequirements } from './permission-metadata.js';

/**
 * When the user last logged in with a password: `orig_iat`, which a refresh carries over
 * unchanged (upstream's refresh serializer), else `iat` for a token that was never refreshed
 * (`allowRefresh: false` issues no `orig_iat`). A token with neither cannot prove a recent login.
 */
function loginTime(payload: Readonly<Record<string, unknown>>): number | undefined {
  // An orig_iat that is not a time proves nothing, and never falls back to the newer iat.
  const time = payload.orig_iat !== undefined ? payload.orig_iat : payload.iat;
  return typeof time === 'number' && Number.isFinite(time) ? time : undefined;
}

/** A permission class granting tokens whose login is at most `maxAge` old. */
export function LoginWithin(maxAge: Duration): PermissionClass {
  const seconds = parseDuration(maxAge);
  if (seconds === undefined || seconds < 0) {
    throw new TypeError(
      `nest-rest-jwt: @RecentLogin() takes a duration such as "5m" or a number of seconds (got ${JSON.stringify(maxAge)})`,
    );
  }
  return class LoginWithin implements Permission {
    readonly message = LOGIN_NOT_RECENT;
    readonly code = 'login_not_recent';

    hasPermission(request: PermissionRequest): boolean {
      const payload = permissionStateOf(request)?.payload();
      const loggedInAt = payload === undefined ? undefined : loginTime(payload);
      return loggedInAt !== undefined && nowSeconds() - loggedInAt <= seconds;
    }
  };
}

/**
 * Requires a login (a password, not a refresh) within `maxAge` (`'5m'`): 403 "This action
 * requires a recent login. Log in again." otherwise, 401 for an anonymous request. flask-jwt-
 * extended's `fresh=True`; see the README for why 403.
 */
export const RecentLogin = (maxAge: Duration): MethodDecorator & ClassDecorator =>
  AddPermissionRequirements(LoginWithin(maxAge));
