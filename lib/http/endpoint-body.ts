import { HttpStatus } from '@nestjs/common';
import { BODY_TOO_LARGE_MESSAGE, tooManyFields, unsupportedMediaType } from '../common/messages.js';
import { detail, fieldErrors } from '../common/refusal.js';
import { MAX_FORM_FIELDS } from '../transport/drf-parsers.js';
import type { ReadBody } from '../transport/request-body.js';
import { Refused } from './refused.js';
import { validateBody } from './validate-body.js';

/**
 * A token endpoint's body as an instance of `dto`, or the refusal DRF gives: 413, 415, a parse
 * error, too many fields, then the serializer's field errors (see validate-body.ts). `last`:
 * the fields upstream's serializer adds in `__init__`, reported after the declared ones.
 * Reusable by any endpoint whose body is a class-validator DTO.
 */
export async function endpointBody<T extends object>(
  body: ReadBody,
  dto: new () => T,
  last: readonly string[] = [],
): Promise<T> {
  if (body.kind === 'too-large') throw new Refused(detail(HttpStatus.PAYLOAD_TOO_LARGE, BODY_TOO_LARGE_MESSAGE));
  if (body.kind === 'unsupported') {
    throw new Refused(detail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, unsupportedMediaType(body.contentType)));
  }
  if (body.kind === 'parse-error') throw new Refused(detail(HttpStatus.BAD_REQUEST, body.message, 'malformed body'));
  if (body.kind === 'too-many-fields') {
    throw new Refused(detail(HttpStatus.BAD_REQUEST, tooManyFields(MAX_FORM_FIELDS), 'too many fields'));
  }
  const result = await validateBody(dto, body.data, body.source, last);
  if ('errors' in result) throw new Refused(fieldErrors(result.errors));
  return result.value;
}
