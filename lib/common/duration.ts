/** The units a duration string may carry (`'5m'`, `'5 min'`, `'5 minutes'` are one length). */
export type DurationUnit =
  | 's'
  | 'sec'
  | 'secs'
  | 'second'
  | 'seconds'
  | 'm'
  | 'min'
  | 'mins'
  | 'minute'
  | 'minutes'
  | 'h'
  | 'hr'
  | 'hrs'
  | 'hour'
  | 'hours'
  | 'd'
  | 'day'
  | 'days'
  | 'w'
  | 'week'
  | 'weeks';

/**
 * A duration written as text, checked by the compiler: a number of seconds (`'300'`), or a
 * number and a unit, with or without a space (`'5m'`, `'12h'`, `'7d'`, `'1 hour'`, `'2 weeks'`).
 * `'5 minuts'` does not compile.
 */
export type DurationString = `${number}` | `${number}${DurationUnit}` | `${number} ${DurationUnit}`;

/**
 * A length of time: a number of seconds (never milliseconds), or a {@link DurationString} such
 * as `'300'`, `'5m'`, `'7d'`. A string known only at run time (an environment variable, a
 * config file) is typed `string`: pass it `as Duration`; it is parsed and checked at start-up,
 * and a bad one stops the app with the option's name. (At run time units are also read
 * case-insensitively and with any spacing, as before.)
 */
export type Duration = number | DurationString;

const UNIT_SECONDS: Record<DurationUnit, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
};

const DURATION_PATTERN = /^(-?\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * Parses a duration into whole seconds (rounded down, as Django's timedelta arithmetic does).
 * A bare number, or a numeric string without a unit, is seconds: never milliseconds.
 * Returns `undefined` when the value is not a duration at all.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Math.floor(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const unit = match[2].toLowerCase();
  const factor = unit === '' ? 1 : (UNIT_SECONDS as Record<string, number | undefined>)[unit];
  if (factor === undefined) return undefined;
  return Math.floor(Number(match[1]) * factor);
}
