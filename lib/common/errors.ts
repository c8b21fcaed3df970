import { ENDPOINT_MESSAGES, REVOCATION_UNAVAILABLE, type SimpleJwtCode, type TokenRejection } from './messages.js';

export type { TokenRejection } from './messages.js';

/** A start-up error in the module's options; the message names the option. */
export class JwtAuthConfigError extends Error {
  constructor(option: string, problem: string) {
    super(`nest-rest-jwt: option "${option}" ${problem}`);
    this.name = 'JwtAuthConfigError';
  }
}

/** Thrown by JwtAuthService when a token is refused; `message` is the endpoints' text. */
export class TokenRejectedError extends Error {
  constructor(readonly reason: TokenRejection) {
    super(ENDPOINT_MESSAGES[reason]);
    this.name = 'TokenRejectedError';
  }
}

/**
 * Thrown by `JwtAuthService.issueToken` and `logIn` for a user that `isActive` says is not:
 * no token for a disabled account, even one the app authenticated itself (with `stateless`,
 * such a token would otherwise be accepted until it expires: simplejwt's CVE-2024-22513).
 * A TokenRejectedError (`reason: 'user_inactive'`): an endpoint answers "User account is disabled.".
 */
export class InactiveUserError extends TokenRejectedError {
  constructor() {
    super('user_inactive');
    this.name = 'InactiveUserError';
  }
}

/**
 * Thrown by the refresh flow under rotation when a replaced token is presented again: its
 * chain is revoked by then. A TokenRejectedError (`reason: 'revoked'`), answered as any
 * revoked token; the endpoint also emits the reuse event with the chain.
 */
export class TokenReuseDetectedError extends TokenRejectedError {
  constructor(
    /** The chain's id: the `orig_jti` of its tokens (the first token's `jti`). */
    readonly family: string,
    /** The username the token names. */
    readonly subject: string,
    /** The replayed token's claims. */
    readonly claims: Readonly<Record<string, unknown>>,
  ) {
    super('revoked');
    this.name = 'TokenReuseDetectedError';
  }
}

/** The revocation store could not answer: the request is refused (fail closed), never let through. */
export class RevocationUnavailableError extends Error {
  static readonly MESSAGE = REVOCATION_UNAVAILABLE;

  constructor(cause: unknown) {
    super(REVOCATION_UNAVAILABLE, { cause });
    this.name = 'RevocationUnavailableError';
  }
}

/**
 * A simplejwt token refused (its TokenError): `message` is simplejwt's text, which its views
 * answer as `{"detail": message, "code": "token_not_valid"}` and its authentication lists in
 * `messages`.
 */
export class SimpleJwtTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimpleJwtTokenError';
  }
}

/** One entry of simplejwt's `messages`: why one of the accepted token classes refused the token. */
export interface TokenClassMessage {
  token_class: string;
  token_type: string;
  message: string;
}

/**
 * simplejwt's AuthenticationFailed (and InvalidToken): a 401 whose body is
 * `{"detail", "code"[, "messages"]}`; without a code, DRF's own AuthenticationFailed (`{"detail"}`).
 */
export class SimpleJwtAuthenticationFailed extends Error {
  constructor(
    readonly detail: string,
    readonly code?: SimpleJwtCode,
    readonly messages?: readonly TokenClassMessage[],
  ) {
    super(detail);
    this.name = 'SimpleJwtAuthenticationFailed';
  }
}
