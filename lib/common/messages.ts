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
