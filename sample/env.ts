import type { Duration } from '../lib/index.js';

/** Reads one environment variable (process.env, or ConfigService.get in the app). */
export type EnvReader = (name: string) => string | undefined;

/** A bad environment variable. The message names it; start-up and the users command stop. */
export class SampleConfigError extends Error {
  override name = 'SampleConfigError';
}

/** The value as given (secrets are not trimmed), or undefined when unset or empty (`FOO=`). */
export function readString(env: EnvReader, name: string): string | undefined {
  const value = env(name);
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A duration variable ('300', '5m', '7d'): text the compiler cannot check, so it is passed on
 * `as Duration`; the library parses it at start-up and stops the app, naming the option, when
 * it is no duration.
 */
export function readDuration(env: EnvReader, name: string): Duration | undefined {
  return readString(env, name) as Duration | undefined;
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/** true/false, 1/0 or yes/no in any case; anything else is an error naming the variable. */
export function readBoolean(env: EnvReader, name: string, fallback: boolean): boolean {
  const value = readString(env, name);
  if (value === undefined) return fallback;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new SampleConfigError(`${name} must be true or false (or 1/0, yes/no), got ${JSON.stringify(value)}`);
}

/** One of a fixed set of words (compared case-insensitively), or the fallback when unset. */
export function readChoice<T extends string>(env: EnvReader, name: string, choices: readonly T[], fallback: T): T {
  const value = readString(env, name);
  if (value === undefined) return fallback;
  const word = value.trim().toLowerCase();
  const choice = choices.find((candidate) => candidate.toLowerCase() === word);
  if (choice === undefined) {
    throw new SampleConfigError(`${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return choice;
}
