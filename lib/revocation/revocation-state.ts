import type { RevocationState, TokenMark } from './revocation-store.js';

/**
 * A new answer with every field present, in one order: every store's answers (and the cache's
 * copies) then share one object shape, and the guard's optimized code, which reads them on
 * every request, is not thrown away when an answer of another shape comes.
 */
export function revocationState(
  token: TokenMark | undefined,
  subjectRevokedAt: number | undefined,
  familyRevoked: boolean,
): RevocationState {
  return { token, subjectRevokedAt, familyRevoked };
}
