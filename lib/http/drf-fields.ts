import {
  FIELD_BLANK,
  FIELD_NOT_STRING,
  FIELD_NULL,
  FIELD_NULL_CHARACTERS,
  FIELD_REQUIRED,
  NO_DATA,
  notADictionary,
} from '../common/messages.js';
import { type FieldErrors, NON_FIELD_ERRORS } from '../common/refusal.js';
import type { BodySource } from '../transport/request-body.js';

/** A field of a DRF serializer: `CharField` with its `trim_whitespace` flag. */
export interface CharFieldSpec {
  name: string;
  trimWhitespace: boolean;
}

export type FieldResult<K extends string> = { values: Record<K, string> } | { errors: FieldErrors };

/**
 * Validates a request body as DRF's `Serializer(data=...)` with CharFields does:
 * a dictionary is required, then each field is checked in order and every failing
 * field is reported with its first message.
 */
export function validateCharFields<K extends string>(
  data: unknown,
  source: BodySource,
  fields: readonly (CharFieldSpec & { name: K })[],
): FieldResult<K> {
  if (data === null) return { errors: { [NON_FIELD_ERRORS]: [NO_DATA] } };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { errors: { [NON_FIELD_ERRORS]: [notADictionary(pythonTypeName(data))] } };
  }
  const values = {} as Record<K, string>;
  const errors: FieldErrors = {};
  for (const field of fields) {
    const raw = Object.hasOwn(data, field.name) ? (data as Record<string, unknown>)[field.name] : undefined;
    const result = charField(source === 'form' ? lastFormValue(raw) : raw, field.trimWhitespace);
    if (typeof result === 'string') values[field.name] = result;
    else errors[field.name] = [result.error];
  }
  return Object.keys(errors).length > 0 ? { errors } : { values };
}

/** DRF's CharField(allow_blank=False, allow_null=False), run_validation then to_internal_value. */
export function charField(value: unknown, trimWhitespace: boolean): string | { error: string } {
  if (value === undefined) return { error: FIELD_REQUIRED };
  if (value === null) return { error: FIELD_NULL };
  if (typeof value === 'boolean' || (typeof value !== 'string' && typeof value !== 'number')) {
    return { error: FIELD_NOT_STRING };
  }
  const text = String(value);
  if (text === '' || (trimWhitespace && text.trim() === '')) return { error: FIELD_BLANK };
  if (text.includes('\0')) return { error: FIELD_NULL_CHARACTERS };
  return trimWhitespace ? text.trim() : text;
}

/**
 * A QueryDict gives the last of repeated values. @fastify/multipart's `attachFieldsToBody`
 * wraps each value in a `{ type: 'field', value }` part. Anything else is not a form value.
 */
function lastFormValue(raw: unknown): unknown {
  const last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  const value = isFieldPart(last) ? last.value : last;
  return typeof value === 'string' ? value : undefined;
}

function isFieldPart(value: unknown): value is { type: 'field'; value: unknown } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'field';
}

/** The name Python gives the type of a JSON value, as DRF's message shows it. */
function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      return 'NoneType';
  }
}
