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

/**
 * How upstream reads the username a token names: `if not username` refuses it (Python's false
 * values: `Invalid payload.`), then `User.objects.get_by_natural_key(username)` looks up
 * `str(username)`. A string is looked up as it is and an integer as its digits (a number is
 * never handed to the app's lookup as a number). Any other value (`true`, `4.2`, a list, an
 * object, an integer too large to be exact here) names no user: upstream would look up its
 * Python text (`"True"`, `"[42]"`), which no real user is called; it is refused without a lookup.
 */
export function usernameFromClaim(value: unknown): { username: string } | 'none' | 'no-such-user' {
  if (isFalsyInPython(value)) return 'none';
  if (typeof value === 'string') return { username: value };
  if (Number.isSafeInteger(value)) return { username: String(value) };
  return 'no-such-user';
}

/**
 * Whether a token's `user_id` claim names the user with this id: the same string, or the same
 * integer (Django writes its primary key as a number, simplejwt 5.5 as a string: `1` and `"1"`
 * are one user). A token without `user_id`, or with any other value, names nobody.
 */
export function userIdMatches(claim: unknown, id: string | number): boolean {
  if (typeof claim === 'string') return claim !== '' && claim === String(id);
  if (Number.isSafeInteger(claim)) return String(claim) === String(id);
  return false;
}
