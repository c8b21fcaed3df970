import {
  RevocationUnavailableError,
  SimpleJwtAuthenticationFailed,
  SimpleJwtTokenError,
  type TokenClassMessage,
  TokenRejectedError,
} from './errors.js';
import { ENDPOINT_MESSAGES, GUARD_MESSAGES, NOT_PROVIDED, REVOCATION_UNAVAILABLE } from './messages.js';

/** DRF's serializer errors: field name (or `non_field_errors`) to messages. */
export type FieldErrors = Record<string, string[]>;

export const NON_FIELD_ERRORS = 'non_field_errors';

/**
 * A refused request, as data: produced once where the decision is made, then rendered by the
 * transport that carries it (an HTTP body and headers, a GraphQL error, a socket exception, a
 * Passport failure). Nothing here knows a transport.
 */
export interface Refusal {
  readonly status: 400 | 401 | 403 | 404 | 405 | 406 | 413 | 415 | 429 | 503;
  /** What the log says: a token rejection's reason or a few words; never a secret. */
  readonly reason: string;
  /** The client's text. */
  readonly message: string;
  /** A 400 of serializer errors (DRF's `{field: [messages]}`), when the refusal is one. */
  readonly fieldErrors?: FieldErrors;
  /** A 401 that asks for credentials: HTTP adds `WWW-Authenticate`. */
  readonly challenge?: boolean;
  /** Headers the answer must carry (`Allow`, `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The protocol whose renderer answers it: simplejwt's answers in DRF's format with its `code`
   * and `messages`, and names its own scheme in `WWW-Authenticate`; otherwise djangorestframework-jwt's.
   */
  readonly protocol?: 'simplejwt';
  /**
   * simplejwt's error code (`token_not_valid`, `user_inactive`...): the body's `code`; or a
   * permission's `code` (DRF's `PermissionDenied.code`), for renderers that show one.
   */
  readonly code?: string;
  /** simplejwt's authentication: why each accepted token class refused the token. */
  readonly messages?: readonly TokenClassMessage[];
}

/** Who answers: the guard (DRF's authentication) or an endpoint (its serializers). */
export type RefusalAudience = 'guard' | 'endpoint';

export function notAuthenticated(reason = 'no credentials', message = NOT_PROVIDED): Refusal {
  return { status: 401, reason, message, challenge: true };
}

export function forbidden(reason: string): Refusal {
  return { status: 403, reason, message: reason };
}

export function detail(status: Refusal['status'], message: string, reason = message): Refusal {
  return { status, reason, message };
}

export function fieldErrors(errors: FieldErrors, reason = 'invalid fields'): Refusal {
  const first = Object.values(errors)[0]?.[0] ?? '';
  return { status: 400, reason, message: first, fieldErrors: errors };
}

export function nonFieldError(message: string, reason = message): Refusal {
  return fieldErrors({ [NON_FIELD_ERRORS]: [message] }, reason);
}

/**
 * The refusal for an error a flow threw, or undefined when it is no refusal (a bug, rethrown).
 * The guard words token rejections as upstream's authentication class, the endpoints as its
 * serializers; a store outage is 503 unless the app chose 401.
 */
export function refusalOf(
  error: unknown,
  audience: RefusalAudience,
  unavailableStatus: 401 | 503,
): Refusal | undefined {
  if (error instanceof TokenRejectedError) {
    return audience === 'guard'
      ? notAuthenticated(error.reason, GUARD_MESSAGES[error.reason])
      : nonFieldError(ENDPOINT_MESSAGES[error.reason], error.reason);
  }
  if (error instanceof RevocationUnavailableError) {
    const reason = 'revocation store unavailable';
    if (unavailableStatus === 401 && audience === 'guard') return notAuthenticated(reason, REVOCATION_UNAVAILABLE);
    return detail(unavailableStatus, REVOCATION_UNAVAILABLE, reason);
  }
  return undefined;
}

/**
 * The refusal for an error of the simplejwt flows, or undefined when it is no refusal (a bug,
 * rethrown): a token error is simplejwt's InvalidToken (`token_not_valid`), an authentication
 * failure keeps its code (none: DRF's own `{"detail"}`), every 401 challenges.
 */
export function simpleJwtRefusalOf(error: unknown, unavailableStatus: 401 | 503): Refusal | undefined {
  if (error instanceof SimpleJwtTokenError) {
    return {
      status: 401,
      reason: error.message,
      message: error.message,
      code: 'token_not_valid',
      challenge: true,
      protocol: 'simplejwt',
    };
  }
  if (error instanceof SimpleJwtAuthenticationFailed) {
    return {
      status: 401,
      reason: error.detail,
      message: error.detail,
      code: error.code,
      messages: error.messages,
      challenge: true,
      protocol: 'simplejwt',
    };
  }
  if (error instanceof RevocationUnavailableError) {
    const reason = 'revocation store unavailable';
    return {
      ...detail(unavailableStatus, REVOCATION_UNAVAILABLE, reason),
      challenge: unavailableStatus === 401,
      protocol: 'simplejwt',
    };
  }
  return undefined;
}

/** A refusal of another kind (405, 415, field errors...) answered by simplejwt's views. */
export function asSimpleJwt(refusal: Refusal): Refusal {
  return { ...refusal, protocol: 'simplejwt' };
}
