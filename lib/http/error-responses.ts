import { HttpException, HttpStatus } from '@nestjs/common';
import type { ErrorFormat } from '../settings/jwt-auth-options.interface.js';

/** DRF's serializer errors: field name (or `non_field_errors`) to messages. */
export type FieldErrors = Record<string, string[]>;

export const NON_FIELD_ERRORS = 'non_field_errors';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

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

export function nonFieldException(format: ErrorFormat, message: string): HttpException {
  return validationException(format, { [NON_FIELD_ERRORS]: [message] });
}

/** Sets a header on an Express response or a Fastify reply (both have `header()`). */
export function setHeader(response: unknown, name: string, value: string): void {
  (response as { header(name: string, value: string): unknown }).header(name, value);
}
