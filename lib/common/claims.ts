/** Small readings of claim values, shared by the verifier and the flows. */

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A claim that names something (`jti`, `orig_jti`): a non-empty string, else undefined. */
export function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Upstream tests `if orig_iat:`; these are the JSON values Python finds false. */
export function isFalsyInPython(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** Refresh is allowed while `now <= orig_iat + delta`. */
export function refreshExpired(origIat: number, refreshDelta: number, now: number): boolean {
  return now > origIat + refreshDelta;
}
