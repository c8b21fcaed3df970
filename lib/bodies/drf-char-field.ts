import { registerDecorator, type ValidationArguments } from 'class-validator';
import {
  FIELD_BLANK,
  FIELD_NOT_STRING,
  FIELD_NULL,
  FIELD_NULL_CHARACTERS,
  FIELD_REQUIRED,
  fieldSurrogate,
} from '../common/messages.js';

/** DRF's `CharField(trim_whitespace=...)`; `allow_blank` and `allow_null` are False, as upstream's fields. */
export interface DrfCharFieldOptions {
  /** Default true, as DRF's: surrounding whitespace (Python's `str.strip()`) is removed. */
  trimWhitespace?: boolean;
}

/** The char fields a class declares (its own only; `charFieldsOf` walks the parents). */
const CHAR_FIELDS = new WeakMap<object, Map<string, boolean>>();

/**
 * A property validated as DRF's `CharField` validates it, with its exact messages in its order:
 * required, null, not a string, blank (one of them, and then nothing else), else every validator
 * that fails (null characters, then surrogates). After validation the value is the cleaned
 * string (trimmed unless `trimWhitespace: false`). Numbers are accepted as their text (Python's
 * `str()`), as DRF does; booleans, lists, objects and files are "Not a valid string.".
 */
export function DrfCharField(options: DrfCharFieldOptions = {}): PropertyDecorator {
  const trimWhitespace = options.trimWhitespace ?? true;
  return (prototype, property) => {
    if (typeof property !== 'string') throw new TypeError('@DrfCharField() needs a string property name');
    registerDrfCharField(prototype.constructor, property, trimWhitespace);
  };
}

/**
 * The same rules on `property` of `target`, registered from code: for a field whose name is a
 * setting (the login's `usernameField`, as upstream's serializer adds `USERNAME_FIELD` in
 * `__init__`).
 */
export function registerDrfCharField(target: object, property: string, trimWhitespace = true): void {
  const own = CHAR_FIELDS.get(target) ?? new Map<string, boolean>();
  own.set(property, trimWhitespace);
  CHAR_FIELDS.set(target, own);
  const rule = (name: string, message: (args: ValidationArguments) => string, valid: (value: unknown) => boolean) =>
    registerDecorator({
      name,
      target: target as new (...args: never[]) => unknown,
      propertyName: property,
      options: { message },
      validator: { validate: valid },
    });
  // One constraint each, registered in DRF's order: class-validator reports them in that order.
  rule(
    'drfCharField',
    (args) => stoppingError(args.value, trimWhitespace) ?? '',
    (value) => {
      return stoppingError(value, trimWhitespace) === undefined;
    },
  );
  rule(
    'drfNoNullCharacters',
    () => FIELD_NULL_CHARACTERS,
    (value) => !textOf(value, trimWhitespace)?.includes('\0'),
  );
  rule(
    'drfNoSurrogates',
    (args) => fieldSurrogate(firstSurrogate(textOf(args.value, trimWhitespace) ?? '') ?? 0),
    (value) => firstSurrogate(textOf(value, trimWhitespace) ?? '') === undefined,
  );
}

/** The char fields of `target` and its parents, property to `trimWhitespace`, parents first. */
export function charFieldsOf(target: object): Map<string, boolean> {
  const chain: object[] = [];
  for (let current: unknown = target; typeof current === 'function'; current = Object.getPrototypeOf(current)) {
    chain.unshift(current);
  }
  const fields = new Map<string, boolean>();
  for (const type of chain) for (const [name, trim] of CHAR_FIELDS.get(type) ?? []) fields.set(name, trim);
  return fields;
}

/**
 * DRF's `CharField.run_validation` then `to_internal_value`: the one error that stops the field
 * (checked before any validator), or undefined when the value is a string to validate further.
 */
function stoppingError(value: unknown, trimWhitespace: boolean): string | undefined {
  if (value === undefined) return FIELD_REQUIRED;
  if (value === null) return FIELD_NULL;
  // Python's str() of a list, dict, bool or file is never blank, so its type is checked first here.
  const text = pythonStr(value);
  if (text === undefined) return FIELD_NOT_STRING;
  if (text === '' || (trimWhitespace && pythonStrip(text) === '')) return FIELD_BLANK;
  return undefined;
}

/** The text the validators see, or undefined when the field already failed. */
function textOf(value: unknown, trimWhitespace: boolean): string | undefined {
  return stoppingError(value, trimWhitespace) === undefined ? pythonStr(value) : undefined;
}

/** The value DRF's CharField gives once valid: the text, stripped with `trimWhitespace`. */
export function cleanCharField(value: unknown, trimWhitespace: boolean): unknown {
  const text = textOf(value, trimWhitespace);
  if (text === undefined) return value;
  return trimWhitespace ? pythonStrip(text) : text;
}

/** `str()` of a value CharField accepts (str, int, float), else undefined. */
function pythonStr(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // A JSON number arrives as its text already (see http/validate-body.ts); these come from an
  // app's own body parser (JSON.parse's numbers).
  if (typeof value === 'number') return String(value);
  return undefined;
}

function firstSurrogate(text: string): number | undefined {
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) return codePoint;
  }
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
