/** A length of time: a number of seconds, or a string such as `'300'`, `'5m'`, `'7d'`. */
export type Duration = number | string;

const UNIT_SECONDS: Record<string, number> = {
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
  const factor = unit === '' ? 1 : UNIT_SECONDS[unit];
  if (factor === undefined) return undefined;
  return Math.floor(Number(match[1]) * factor);
}
