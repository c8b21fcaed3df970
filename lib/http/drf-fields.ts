import {
  FIELD_BLANK,
  FIELD_NOT_STRING,
  FIELD_NULL,
  FIELD_NULL_CHARACTERS,
  FIELD_REQUIRED,
  fieldSurrogate,
  NO_DATA,
  notADictionary,
} from '../common/messages.js';
import { type FieldErrors, NON_FIELD_ERRORS } from '../common/refusal.js';
import { UploadedFile } from '../transport/drf-parsers.js';
import { PyNumber } from '../transport/python-json.js';
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
 * field is reported, with every message of its validators.
 */
export function validateCharFields<K extends string>(
  data: unknown,
  source: BodySource,
  fields: readonly (CharFieldSpec & { name: K })[],
): FieldResult<K> {
  if (data === null) return { errors: { [NON_FIELD_ERRORS]: [NO_DATA] } };
  if (typeof data !== 'object' || Array.isArray(data) || data instanceof PyNumber) {
    return { errors: { [NON_FIELD_ERRORS]: [notADictionary(pythonTypeName(data))] } };
  }
  const values = {} as Record<K, string>;
  const errors: FieldErrors = {};
  for (const field of fields) {
    const raw = Object.hasOwn(data, field.name) ? (data as Record<string, unknown>)[field.name] : undefined;
    const result = charField(source === 'form' ? lastFormValue(raw) : raw, field.trimWhitespace);
    if (typeof result === 'string') values[field.name] = result;
    else errors[field.name] = result.errors;
  }
  return Object.keys(errors).length > 0 ? { errors } : { values };
}

/**
 * DRF's CharField(allow_blank=False, allow_null=False): run_validation (blank first, on
 * `str()` of the value), to_internal_value (a string or a number, never a bool), then every
 * validator (null characters, surrogates), whose messages are all reported.
 */
export function charField(value: unknown, trimWhitespace: boolean): string | { errors: string[] } {
  if (value === undefined) return { errors: [FIELD_REQUIRED] };
  if (value === null) return { errors: [FIELD_NULL] };
  // Python's str() of a list, dict, bool or file is never blank, so its type is checked first here.
  const text = pythonStr(value);
  if (text === undefined) return { errors: [FIELD_NOT_STRING] };
  if (text === '' || (trimWhitespace && pythonStrip(text) === '')) return { errors: [FIELD_BLANK] };
  const errors: string[] = [];
  if (text.includes('\0')) errors.push(FIELD_NULL_CHARACTERS);
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      errors.push(fieldSurrogate(codePoint));
      break;
    }
  }
  if (errors.length > 0) return { errors };
  return trimWhitespace ? pythonStrip(text) : text;
}

/** `str()` of a value CharField accepts (str, int, float), else undefined. */
function pythonStr(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof PyNumber) return value.text;
  // Numbers reach here only from a body an app's own middleware parsed (JSON.parse's numbers).
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** The characters Python's `str.strip()` removes (JS's `trim()` differs: U+FEFF, U+001C-U+001F, U+0085). */
const PYTHON_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PYTHON_WHITESPACE.has(text.charCodeAt(start))) start++;
  while (end > start && PYTHON_WHITESPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * A QueryDict gives the last of repeated values. @fastify/multipart's `attachFieldsToBody`
 * wraps each value in a `{ type: 'field', value }` part. Anything else is not a form value.
 */
function lastFormValue(raw: unknown): unknown {
  const last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  const value = isFieldPart(last) ? last.value : last;
  return typeof value === 'string' || value instanceof UploadedFile ? value : undefined;
}

function isFieldPart(value: unknown): value is { type: 'field'; value: unknown } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'field';
}

/** The name Python gives the type of a JSON value, as DRF's message shows it. */
function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value instanceof PyNumber) return value.type;
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
