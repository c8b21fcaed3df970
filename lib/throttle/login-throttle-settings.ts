import type { ThrottlerStorage } from '@nestjs/throttler';
import { type Duration, parseDuration } from '../common/duration.js';
import { JwtAuthConfigError } from '../common/errors.js';
import { count } from '../common/option-validators.js';

/**
 * Limits on login attempts at `/api-token-auth/` (see the README, "Brute-force limits").
 * Every attempt that names a username and a password counts, successful or not, before the
 * user is looked up, so unknown usernames are limited exactly as known ones.
 */
export interface LoginThrottleOptions {
  /** Attempts per username in each window (default 10); usernames count trimmed, NFKC-normalised, lower-cased. */
  limit?: number | undefined;
  /** The window (default 60 seconds); a blocked username or address waits this long. */
  ttl?: Duration | undefined;
  /** Attempts per client address in each window, whatever the usernames (default 100); false: no such limit. */
  perAddressLimit?: number | false | undefined;
  /**
   * Where the counts are kept (default: an in-memory `ThrottlerStorageService` per app). Apps on
   * several instances share one (Redis-backed, for instance); the module never clears it.
   */
  storage?: ThrottlerStorage | undefined;
}

/** `loginThrottle` after validation: defaults applied, `ttl` in whole seconds. */
export interface LoginThrottleSettings {
  limit: number;
  ttl: number;
  perAddressLimit: number | false;
  /** The app's storage; undefined: the module keeps an in-memory ThrottlerStorageService. */
  storage?: ThrottlerStorage;
}

/** Login attempt limits by default: 10 a minute per username, 100 a minute per client address. */
export const LOGIN_THROTTLE_DEFAULTS = { limit: 10, ttl: 60, perAddressLimit: 100 } as const;

export function resolveLoginThrottle(raw: boolean | LoginThrottleOptions | undefined): LoginThrottleSettings | false {
  if (raw === false) return false;
  if (raw === undefined || raw === true) return { ...LOGIN_THROTTLE_DEFAULTS };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new JwtAuthConfigError('loginThrottle', `must be false, true or an object (got ${JSON.stringify(raw)})`);
  }
  const options: LoginThrottleOptions = raw;
  const limit = count(options.limit, 'loginThrottle.limit', LOGIN_THROTTLE_DEFAULTS.limit, 'attempts');
  const perAddressLimit =
    options.perAddressLimit === false
      ? false
      : count(
          options.perAddressLimit,
          'loginThrottle.perAddressLimit',
          LOGIN_THROTTLE_DEFAULTS.perAddressLimit,
          'attempts',
        );
  let ttl: number = LOGIN_THROTTLE_DEFAULTS.ttl;
  if (options.ttl !== undefined) {
    const seconds = parseDuration(options.ttl);
    if (seconds === undefined || seconds < 1) {
      throw new JwtAuthConfigError(
        'loginThrottle.ttl',
        `must be at least one second: a number of seconds or a string such as "1m" (got ${JSON.stringify(options.ttl)})`,
      );
    }
    ttl = seconds;
  }
  const storage: unknown = options.storage;
  if (
    storage !== undefined &&
    (storage === null || typeof storage !== 'object' || typeof (storage as ThrottlerStorage).increment !== 'function')
  ) {
    throw new JwtAuthConfigError(
      'loginThrottle.storage',
      'must be a ThrottlerStorage from @nestjs/throttler (an object with an increment() method)',
    );
  }
  return { limit, ttl, perAddressLimit, storage: storage as ThrottlerStorage | undefined };
}
