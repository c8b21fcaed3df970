import { RevocationUnavailableError, TokenRejectedError } from './errors.js';
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
  /** A permission's `code` (DRF's `PermissionDenied.code`), for renderers that show one. */
  readonly code?: string;
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
