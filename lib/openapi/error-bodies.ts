import type { HttpStatus } from '@nestjs/common';
import type { ErrorFormat } from '../common/jwt.js';
import { type FieldErrors, NON_FIELD_ERRORS } from '../common/refusal.js';
import { detailException, validationException } from '../refusals/http-refusal.js';
import type { ExampleObject, ResponseObject, SchemaObject } from './openapi-objects.js';

const JSON_TYPE = 'application/json';
const strings: SchemaObject = { type: 'array', items: { type: 'string' } };

/** Nest's `{statusCode, message, error}` for one status; `message` as the module writes it. */
function nestBodySchema(status: number, message: SchemaObject): SchemaObject {
  // The texts come from the code that answers, so the document cannot drift from it.
  const { error } = detailException('nest', status, '').getResponse() as { error: string };
  return {
    type: 'object',
    required: ['statusCode', 'message', 'error'],
    properties: { statusCode: { type: 'integer', enum: [status] }, message, error: { type: 'string', enum: [error] } },
  };
}

/** Examples named by the caller, each the exact body the module sends. */
function examplesOf(bodies: Record<string, { summary: string; body: object }>): Record<string, ExampleObject> {
  return Object.fromEntries(
    Object.entries(bodies).map(([name, { summary, body }]) => [name, { summary, value: body }]),
  );
}

/** A failure with one message: DRF's `{"detail": ...}` or Nest's body, per `errorFormat`. */
export function detailResponse(
  format: ErrorFormat,
  status: HttpStatus,
  description: string,
  messages: Record<string, { summary: string; message: string }>,
): ResponseObject {
  const schema: SchemaObject =
    format === 'drf'
      ? { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } } }
      : nestBodySchema(status, { type: 'string' });
  const bodies = Object.fromEntries(
    Object.entries(messages).map(([name, { summary, message }]) => [
      name,
      { summary, body: detailException(format, status, message).getResponse() as object },
    ]),
  );
  return { description, content: { [JSON_TYPE]: { schema, examples: examplesOf(bodies) } } };
}

/**
 * A 400 with serializer errors. DRF: the failing fields (or `non_field_errors`), each with its
 * messages. Nest: `message` is the single non-field message, or one `"field: text"` line each.
 */
export function validationResponse(
  format: ErrorFormat,
  description: string,
  fields: readonly string[],
  errors: Record<string, { summary: string; errors: FieldErrors }>,
): ResponseObject {
  const schema: SchemaObject =
    format === 'drf'
      ? {
          type: 'object',
          description: 'Only the failing fields are listed, each with its messages.',
          properties: Object.fromEntries([...fields, NON_FIELD_ERRORS].map((field) => [field, strings])),
          minProperties: 1,
        }
      : nestBodySchema(400, { oneOf: [{ type: 'string' }, strings] });
  const bodies = Object.fromEntries(
    Object.entries(errors).map(([name, { summary, errors: fieldErrors }]) => [
      name,
      { summary, body: validationException(format, fieldErrors).getResponse() as object },
    ]),
  );
  return { description, content: { [JSON_TYPE]: { schema, examples: examplesOf(bodies) } } };
}
