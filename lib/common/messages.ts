/**
 * Every text a client can read, in one table: djangorestframework-jwt's and DRF's words where
 * the reference has them, ours (worded the same way) where it has none. Nothing else of the
 * library writes a message a client sees.
 */

/** Why a token was refused. The endpoints and the guard word some reasons differently. */
export type TokenRejection =
  | 'expired'
  | 'decode'
  | 'invalid'
  | 'payload'
  | 'user_not_found'
  | 'user_inactive'
  | 'refresh_required'
  | 'refresh_expired'
  | 'revoked'
  | 'no_token_id';

/** Messages of the verify and refresh endpoints (upstream's serializers). */
export const ENDPOINT_MESSAGES: Readonly<Record<TokenRejection, string>> = {
  expired: 'Signature has expired.',
  decode: 'Error decoding signature.',
  invalid: 'Invalid token.',
  payload: 'Invalid payload.',
  user_not_found: "User doesn't exist.",
  user_inactive: 'User account is disabled.',
  refresh_required: 'orig_iat field is required.',
  refresh_expired: 'Refresh has expired.',
  // Not in the reference (it has no revocation): worded as its other messages.
  revoked: 'Token has been revoked.',
  no_token_id: 'Token has no jti claim and cannot be revoked.',
};

/** Messages of the guard (upstream's JSONWebTokenAuthentication). */
export const GUARD_MESSAGES: Readonly<Record<TokenRejection, string>> = {
  ...ENDPOINT_MESSAGES,
  invalid: 'Incorrect authentication credentials.',
  user_not_found: 'Invalid signature.',
};

/** DRF's NotAuthenticated. */
export const NOT_PROVIDED = 'Authentication credentials were not provided.';
/** Upstream's `get_jwt_value`, on a malformed Authorization header. */
export const NO_CREDENTIALS = 'Invalid Authorization header. No credentials provided.';
export const CREDENTIALS_WITH_SPACES = 'Invalid Authorization header. Credentials string should not contain spaces.';

/** Not in the reference: the revocation store could not answer (fail closed). */
export const REVOCATION_UNAVAILABLE = 'Token revocation status is unavailable.';
/** Not in the reference: the login throttle's shared storage (Redis) could not count the attempt. */
export const LOGIN_THROTTLE_UNAVAILABLE = 'Login attempts cannot be counted right now. Try again later.';

/** Django's reasons, as DRF's SessionAuthentication words them. */
export const CSRF_MESSAGES = {
  noCookie: 'CSRF Failed: CSRF cookie not set.',
  missing: 'CSRF Failed: CSRF token missing.',
  incorrect: 'CSRF Failed: CSRF token incorrect.',
} as const;

/** Django's REASON_BAD_ORIGIN, as DRF words a CSRF failure. */
export function badOrigin(origin: string): string {
  return `CSRF Failed: Origin checking failed - ${origin} does not match any trusted origins.`;
}

/** A browser said the request is cross-site (`Sec-Fetch-Site`) and sent no Origin to check. */
export function crossSiteRequest(site: string): string {
  return `CSRF Failed: Cross-site request refused (Sec-Fetch-Site: ${site}).`;
}

/** Upstream's JSONWebTokenSerializer. */
export const INVALID_CREDENTIALS = 'Unable to log in with provided credentials.';
/** Not in the reference (it reads JSON and form bodies of any size): see the README. */
export const BODY_TOO_LARGE_MESSAGE = 'Request body is too large.';
/**
 * Not in the reference's words: over DATA_UPLOAD_MAX_NUMBER_FIELDS, Django answers its plain
 * HTML 400 page (TooManyFieldsSent). Worded after that exception's text.
 */
export const tooManyFields = (limit: number): string => `The number of fields exceeded ${limit}.`;

/** DRF's JSONParser and MultiPartParser, around Python's and Django's own reasons. */
export const jsonParseError = (reason: string): string => `JSON parse error - ${reason}`;
export const multipartParseError = (reason: string): string => `Multipart form parse error - ${reason}`;

/** DRF's CharField. */
export const FIELD_REQUIRED = 'This field is required.';
export const FIELD_BLANK = 'This field may not be blank.';
export const FIELD_NULL = 'This field may not be null.';
export const FIELD_NOT_STRING = 'Not a valid string.';
export const FIELD_NULL_CHARACTERS = 'Null characters are not allowed.';
export const fieldSurrogate = (codePoint: number): string =>
  `Surrogate characters are not allowed: U+${codePoint.toString(16).toUpperCase()}.`;
/** DRF's Serializer, on data that is not a dictionary. */
export const NO_DATA = 'No data provided';
export const notADictionary = (pythonType: string): string =>
  `Invalid data. Expected a dictionary, but got ${pythonType}.`;

/** DRF's NotAcceptable, MethodNotAllowed and UnsupportedMediaType. */
export const NOT_ACCEPTABLE = 'Could not satisfy the request Accept header.';
export const methodNotAllowed = (method: string): string => `Method "${method}" not allowed.`;
export const unsupportedMediaType = (contentType: string): string =>
  `Unsupported media type "${contentType}" in request.`;

/** DRF's `exceptions.Throttled` text, with its singular and plural forms. */
export function throttledMessage(wait: number): string {
  return `Request was throttled. Expected available in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`;
}

/** DRF's PermissionDenied: an authenticated request a permission refused. */
export const PERMISSION_DENIED = 'You do not have permission to perform this action.';
/** Not in the reference: what the token's claims lack (`@RequireScopes`, `@RequireRoles`, `@RequireClaims`). */
export const missingScopes = (scopes: readonly string[]): string =>
  `The token lacks the required ${scopes.length === 1 ? 'scope' : 'scopes'}: ${scopes.join(' ')}.`;
export const missingRole = (roles: readonly string[]): string =>
  roles.length === 1
    ? `The token lacks the required role: ${roles[0]}.`
    : `The token has none of the roles: ${roles.join(', ')}.`;
export const claimMismatch = (claims: readonly string[]): string =>
  claims.length === 1
    ? `The token's ${claims[0]} claim does not allow this action.`
    : `The token's claims do not allow this action (${claims.join(', ')}).`;
/** Not in the reference: `@RecentLogin()` refused a token whose login (`orig_iat`) is too old. */
export const LOGIN_NOT_RECENT = 'This action requires a recent login. Log in again.';

/** djangorestframework-simplejwt 5.5's texts (tokens.py, authentication.py, serializers.py). */
export const SIMPLE_JWT_MESSAGES = {
  invalid: 'Token is invalid',
  expired: 'Token is expired',
  noId: 'Token has no id',
  noType: 'Token has no type',
  wrongType: 'Token has wrong type',
  blacklisted: 'Token is blacklisted',
  /** `Token has no '{}' claim` and `Token '{}' claim has expired`, for `exp` and `refresh_exp`. */
  noClaim: (claim: string) => `Token has no '${claim}' claim`,
  claimExpired: (claim: string) => `Token '${claim}' claim has expired`,
  notValidForAnyType: 'Given token not valid for any token type',
  noUserId: 'Token contained no recognizable user identification',
  userNotFound: 'User not found',
  userInactive: 'User is inactive',
  passwordChanged: "The user's password has been changed.",
  badHeader: 'Authorization header must contain two space-delimited values',
  noActiveAccount: 'No active account found with the given credentials',
  noActiveAccountForToken: 'No active account found for the given token.',
} as const;

/** simplejwt's error codes (the `code` of its bodies). */
export type SimpleJwtCode =
  'token_not_valid' | 'bad_authorization_header' | 'user_not_found' | 'user_inactive' | 'password_changed';
