import { type Duration, parseDuration } from './duration.js';
import { JwtAuthConfigError } from './errors.js';

/**
 * The checks every option goes through at start-up, each throwing JwtAuthConfigError with the
 * option's name (its path, such as `authCookie.maxAge`) and what was given.
 */

export function duration(raw: unknown, option: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const seconds = parseDuration(raw as Duration);
  if (seconds === undefined) {
    throw new JwtAuthConfigError(
      option,
      `must be a number of seconds or a string such as "5m" or "7d" (got ${JSON.stringify(raw)})`,
    );
  }
  if (seconds < 0) {
    throw new JwtAuthConfigError(option, `must not be negative (got ${JSON.stringify(raw)})`);
  }
  return seconds;
}

export function flag(raw: unknown, option: string, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') {
    throw new JwtAuthConfigError(option, `must be true or false (got ${JSON.stringify(raw)})`);
  }
  return raw;
}

export function optionalString(raw: unknown, option: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || raw === '') {
    throw new JwtAuthConfigError(option, 'must be a non-empty string');
  }
  return raw;
}

/** A callback option, bound to the object it came from (a class instance's method keeps `this`). */
export function callback<F>(raw: unknown, option: string, owner: object): F | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'function') throw new JwtAuthConfigError(option, 'must be a function');
  return raw.bind(owner) as F;
}

/** RFC 9110's token: what cookie and header names (and the header prefix) are made of. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function httpToken(raw: unknown, option: string, fallback: string | undefined, what: string): string {
  const name = raw ?? fallback;
  if (typeof name !== 'string' || !HTTP_TOKEN.test(name)) {
    throw new JwtAuthConfigError(
      option,
      `must be ${what} (letters, digits, !#$%&'*+.^_\`|~-), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/** A whole number, at least 1. */
export function count(raw: unknown, option: string, fallback: number, what: string): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 1) {
    throw new JwtAuthConfigError(option, `must be a whole number of ${what}, at least 1 (got ${JSON.stringify(raw)})`);
  }
  return raw;
}

/** One of a few literal values. */
export function oneOf<T extends string | number>(raw: unknown, option: string, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!(allowed as readonly unknown[]).includes(raw)) {
    const list = allowed.map((value) => JSON.stringify(value));
    const words = `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
    throw new JwtAuthConfigError(option, `must be ${words} (got ${JSON.stringify(raw)})`);
  }
  return raw as T;
}
