/**
 * Why a token was refused. The endpoints and the guard word some reasons differently,
 * exactly as djangorestframework-jwt does, so the reason travels and the text is chosen late.
 */
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
export const ENDPOINT_MESSAGES: Record<TokenRejection, string> = {
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
export const GUARD_MESSAGES: Record<TokenRejection, string> = {
  ...ENDPOINT_MESSAGES,
  invalid: 'Incorrect authentication credentials.',
  user_not_found: 'Invalid signature.',
};

/** Thrown by JwtAuthService when a token is refused; `message` is the endpoints' text. */
export class TokenRejectedError extends Error {
  constructor(readonly reason: TokenRejection) {
    super(ENDPOINT_MESSAGES[reason]);
    this.name = 'TokenRejectedError';
  }
}

/** The revocation store could not answer: the request is refused (fail closed), never let through. */
export class RevocationUnavailableError extends Error {
  static readonly MESSAGE = 'Token revocation status is unavailable.';

  constructor(cause: unknown) {
    super(RevocationUnavailableError.MESSAGE, { cause });
    this.name = 'RevocationUnavailableError';
  }
}
