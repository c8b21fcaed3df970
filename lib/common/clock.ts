/** The time in whole seconds, as the time claims (`exp`, `iat`, `orig_iat`) count it. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
