import { CREDENTIALS_WITH_SPACES, NO_CREDENTIALS } from '../common/messages.js';

/** What an Authorization header says, read the way upstream's `get_jwt_value` reads it. */
export type AuthorizationHeader =
  { kind: 'absent' } | { kind: 'token'; token: string } | { kind: 'invalid'; message: string };

const ABSENT: AuthorizationHeader = { kind: 'absent' };

/**
 * Splits the raw value on runs of whitespace. A scheme other than `prefix` (compared
 * case-insensitively) is not ours and counts as absent, so another authenticator may take it.
 */
export function parseAuthorizationHeader(value: unknown, prefix: string): AuthorizationHeader {
  // Duplicate headers (an array on Node) are refused rather than guessed between.
  if (Array.isArray(value)) return { kind: 'invalid', message: CREDENTIALS_WITH_SPACES };
  if (typeof value !== 'string') return ABSENT;
  const parts = value.split(/\s+/).filter((part) => part !== '');
  if (parts.length === 0 || parts[0].toLowerCase() !== prefix.toLowerCase()) return ABSENT;
  if (parts.length === 1) return { kind: 'invalid', message: NO_CREDENTIALS };
  if (parts.length > 2) return { kind: 'invalid', message: CREDENTIALS_WITH_SPACES };
  return { kind: 'token', token: parts[1] };
}
