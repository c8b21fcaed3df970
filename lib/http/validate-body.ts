import { getMetadataStorage, validate, type ValidationError } from 'class-validator';
import { NO_DATA, notADictionary } from '../common/messages.js';
import { type FieldErrors, NON_FIELD_ERRORS } from '../common/refusal.js';
import { charFieldsOf, cleanCharField } from '../bodies/drf-char-field.js';
import { type BodySource, UploadedFile } from '../transport/drf-parsers.js';
import { PyNumber } from '../transport/python-json.js';

export type BodyValidation<T> = { value: T } | { errors: FieldErrors };

/**
 * A request body validated as DRF's `Serializer(data=...)` validates it, through the
 * class-validator rules of `dto`: a dictionary is required, then every declared field is read
 * (the last of repeated form values, as Django's QueryDict gives), and every failing field is
 * reported with all its messages, in the class's order (`last`: fields listed after the others,
 * as upstream's serializers add theirs in `__init__`). Undeclared fields are ignored, as DRF
 * ignores them. Valid: an instance of `dto` whose DRF char fields hold their cleaned strings.
 */
export async function validateBody<T extends object>(
  dto: new () => T,
  data: unknown,
  source: BodySource,
  last: readonly string[] = [],
): Promise<BodyValidation<T>> {
  if (data === null) return { errors: { [NON_FIELD_ERRORS]: [NO_DATA] } };
  if (typeof data !== 'object' || Array.isArray(data) || data instanceof PyNumber) {
    return { errors: { [NON_FIELD_ERRORS]: [notADictionary(pythonTypeName(data))] } };
  }
  const charFields = charFieldsOf(dto);
  const instance = new dto();
  for (const property of declaredProperties(dto)) {
    if (!Object.hasOwn(data, property)) continue;
    const given: unknown = (data as Record<string, unknown>)[property];
    const raw = source === 'form' ? lastFormValue(given) : given;
    // Defined, not assigned: a field named like an accessor of the class never runs it.
    Object.defineProperty(instance, property, {
      value: charFields.has(property) ? charFieldInput(raw) : plainValue(raw),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  const failures = await validate(instance, {
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (failures.length > 0) return { errors: fieldErrorsOf(failures, last) };
  for (const [property, trimWhitespace] of charFields) {
    (instance as Record<string, unknown>)[property] = cleanCharField(
      (instance as Record<string, unknown>)[property],
      trimWhitespace,
    );
  }
  return { value: instance };
}

/** The properties class-validator knows of `dto` (its parents' included), once each. */
function declaredProperties(dto: new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))];
}

/** DRF's `{field: [messages]}`, in the order validated, the `last` fields at the end. */
function fieldErrorsOf(failures: readonly ValidationError[], last: readonly string[]): FieldErrors {
  const rank = (property: string) => last.indexOf(property);
  const ordered = [...failures].sort((a, b) => rank(a.property) - rank(b.property));
  const errors: FieldErrors = {};
  for (const failure of ordered) {
    const messages = messagesOf(failure);
    if (messages.length > 0) errors[failure.property] = messages;
  }
  return errors;
}

function messagesOf(failure: ValidationError): string[] {
  return [...Object.values(failure.constraints ?? {}), ...(failure.children ?? []).flatMap(messagesOf)];
}

/** A char field reads a JSON number as Python's `str()` of it, which PyNumber keeps. */
function charFieldInput(raw: unknown): unknown {
  return raw instanceof PyNumber ? raw.text : raw;
}

/** An app's own fields get JavaScript values: numbers as numbers, objects with a prototype. */
function plainValue(raw: unknown): unknown {
  if (raw instanceof PyNumber) return Number(raw.text);
  if (Array.isArray(raw)) return raw.map(plainValue);
  if (raw !== null && typeof raw === 'object' && !(raw instanceof UploadedFile)) {
    return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, plainValue(value)]));
  }
  return raw;
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
