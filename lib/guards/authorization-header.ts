import { CREDENTIALS_WITH_SPACES, NO_CREDENTIALS } from '../common/messages.js';

/** What an Authorization header says, read the way upstream's `get_jwt_value` reads it. */
export type AuthorizationHeader =
  { kind: 'absent' } | { kind: 'token'; token: string } | { kind: 'invalid'; message: string };

const ABSENT: AuthorizationHeader = { kind: 'absent' };

/** A scheme worth naming in a log line: short and word-like, so never a token sent bare. */
const LOGGABLE_SCHEME = /^[A-Za-z][A-Za-z0-9_-]{0,19}$/;

const WHITESPACE = /\s/;
const partsOf = (value: string) => value.split(/\s+/).filter((part) => part !== '');

/**
 * Splits the raw value on runs of whitespace. A scheme other than `prefix` (or than every one
 * of `prefix`, compared case-insensitively) is not ours and counts as absent, so another
 * authenticator may take it.
 */
export function parseAuthorizationHeader(value: unknown, prefix: string | readonly string[]): AuthorizationHeader {
  // Duplicate headers (an array on Node) are refused rather than guessed between.
  if (Array.isArray(value)) return { kind: 'invalid', message: CREDENTIALS_WITH_SPACES };
  if (typeof value !== 'string') return ABSENT;
  // The common case, `<scheme> <token>` with no other whitespace, read without splitting.
  const space = value.indexOf(' ');
  if (space > 0 && space < value.length - 1) {
    const scheme = value.slice(0, space);
    const token = value.slice(space + 1);
    if (!WHITESPACE.test(scheme) && !WHITESPACE.test(token)) {
      return isOneOf(scheme, prefix) ? { kind: 'token', token } : ABSENT;
    }
  }
  const parts = partsOf(value);
  if (parts.length === 0 || !isOneOf(parts[0], prefix)) return ABSENT;
  if (parts.length === 1) return { kind: 'invalid', message: NO_CREDENTIALS };
  if (parts.length > 2) return { kind: 'invalid', message: CREDENTIALS_WITH_SPACES };
  return { kind: 'token', token: parts[1] };
}

/** Whether a scheme is one of the accepted ones, compared case-insensitively. */
export function isOneOf(scheme: string, prefix: string | readonly string[]): boolean {
  // Sent as configured (the common case): no lower-casing.
  if (typeof prefix === 'string' ? scheme === prefix : prefix.includes(scheme)) return true;
  const lower = scheme.toLowerCase();
  return typeof prefix === 'string' ? lower === prefix.toLowerCase() : prefix.some((p) => p.toLowerCase() === lower);
}

/**
 * For the debug log only: why an Authorization header that `parseAuthorizationHeader` read as
 * absent carried no token of ours (another scheme, or a value with no scheme), or undefined when
 * there was no header. Names the scheme sent only when it looks like one (a token sent bare
 * is never repeated), and the schemes expected.
 */
export function schemeMismatch(value: unknown, prefix: string | readonly string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = partsOf(value);
  if (parts.length === 0 || isOneOf(parts[0], prefix)) return undefined;
  const expected = (typeof prefix === 'string' ? [prefix] : prefix).map((p) => `"${p}"`).join(' or ');
  const sent =
    parts.length > 1 && LOGGABLE_SCHEME.test(parts[0]) ? `scheme "${parts[0]}" sent` : 'sent without a scheme';
  return `Authorization ${sent}, ${expected} expected`;
}
