import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { ErrorFormat } from '../common/jwt.js';
import { type FieldErrors, NON_FIELD_ERRORS, type Refusal } from '../common/refusal.js';
import { type HttpResponseLike, setHeader } from '../transport/http-adapter.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/**
 * The HTTP renderer: a refusal as the body the client reads, in the configured format, and the
 * headers it carries (`WWW-Authenticate` on a challenge, `Allow`, `Retry-After`).
 */
export function renderHttpRefusal(
  refusal: Refusal,
  format: ErrorFormat,
  response: HttpResponseLike,
  challenge: string,
): HttpException {
  if (refusal.challenge) setHeader(response, 'WWW-Authenticate', challenge);
  for (const [name, value] of Object.entries(refusal.headers ?? {})) setHeader(response, name, value);
  return refusalException(refusal, format);
}

/** The body of a refusal: `{"detail": ...}` or serializer errors in DRF's format, Nest's shape otherwise. */
export function refusalException(refusal: Refusal, format: ErrorFormat): HttpException {
  return refusal.fieldErrors === undefined
    ? detailException(format, refusal.status, refusal.message)
    : validationException(format, refusal.fieldErrors);
}

/**
 * The GraphQL renderer: Nest's own exceptions, which the GraphQL integrations turn into errors
 * with their status (401: UNAUTHENTICATED). No response to write headers on.
 */
export function renderNestException(refusal: Refusal): HttpException {
  switch (refusal.status) {
    case 401:
      return new UnauthorizedException(refusal.message);
    case 403:
      return new ForbiddenException(refusal.message);
    case 503:
      return new ServiceUnavailableException(refusal.message);
    default:
      return new HttpException(refusal.message, refusal.status);
  }
}

/** A failure with a single message: `{"detail": ...}` in DRF's format. */
export function detailException(format: ErrorFormat, status: HttpStatus, message: string): HttpException {
  const body = format === 'drf' ? { detail: message } : { statusCode: status, message, error: STATUS_TEXT[status] };
  return new HttpException(body, status);
}

/**
 * A 400 with serializer errors. DRF: the errors object as is. Nest: `message` is the text of a
 * non-field error, or one `"field: text"` line per field error, as ValidationPipe lists them.
 */
export function validationException(format: ErrorFormat, errors: FieldErrors): HttpException {
  if (format === 'drf') return new HttpException(errors, HttpStatus.BAD_REQUEST);
  const lines = Object.entries(errors).flatMap(([field, messages]) =>
    messages.map((text) => (field === NON_FIELD_ERRORS ? text : `${field}: ${text}`)),
  );
  const nonFieldOnly = Object.keys(errors).length === 1 && errors[NON_FIELD_ERRORS]?.length === 1;
  return new HttpException(
    { statusCode: 400, message: nonFieldOnly ? lines[0] : lines, error: STATUS_TEXT[400] },
    HttpStatus.BAD_REQUEST,
  );
}
