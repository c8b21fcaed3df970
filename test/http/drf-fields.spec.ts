import { describe, expect, it } from '@jest/globals';
import { charField, validateCharFields } from '../../lib/http/drf-fields.js';
import {
  FIELD_BLANK,
  FIELD_NOT_STRING,
  FIELD_NULL,
  FIELD_NULL_CHARACTERS,
  FIELD_REQUIRED,
} from '../../lib/common/messages.js';

const CREDENTIALS = [
  { name: 'username', trimWhitespace: true },
  { name: 'password', trimWhitespace: false },
] as const;

describe('DRF field messages', () => {
  it('are the reference texts, byte for byte', () => {
    expect([FIELD_REQUIRED, FIELD_BLANK, FIELD_NULL, FIELD_NOT_STRING, FIELD_NULL_CHARACTERS]).toEqual([
      'This field is required.',
      'This field may not be blank.',
      'This field may not be null.',
      'Not a valid string.',
      'Null characters are not allowed.',
    ]);
  });
});

describe('charField (DRF CharField, allow_blank=False, allow_null=False)', () => {
  it('missing (undefined): This field is required.', () => {
    expect(charField(undefined, true)).toEqual({ errors: [FIELD_REQUIRED] });
  });

  it('null: This field may not be null.', () => {
    expect(charField(null, true)).toEqual({ errors: [FIELD_NULL] });
  });

  it.each([true, false, {}, [], ['admin']])('%p: Not a valid string.', (value) => {
    expect(charField(value, true)).toEqual({ errors: [FIELD_NOT_STRING] });
  });

  it('numbers become their text (DRF accepts int and float)', () => {
    expect([charField(123, true), charField(1.5, false)]).toEqual(['123', '1.5']);
  });

  it('empty string: This field may not be blank.', () => {
    expect(charField('', true)).toEqual({ errors: [FIELD_BLANK] });
    expect(charField('', false)).toEqual({ errors: [FIELD_BLANK] });
  });

  it('whitespace only with trimming: This field may not be blank.', () => {
    expect(charField('  \t ', true)).toEqual({ errors: [FIELD_BLANK] });
  });

  it('whitespace only without trimming: kept as sent', () => {
    expect(charField('   ', false)).toBe('   ');
  });

  it('trims surrounding whitespace when trimming', () => {
    expect(charField('  admin \n', true)).toBe('admin');
  });

  it('keeps surrounding whitespace when not trimming (passwords are compared as sent)', () => {
    expect(charField(' pw with spaces ', false)).toBe(' pw with spaces ');
  });

  it('a NUL character: Null characters are not allowed.', () => {
    expect(charField('ad\0min', true)).toEqual({ errors: [FIELD_NULL_CHARACTERS] });
  });
});

describe('validateCharFields (a DRF Serializer with CharFields)', () => {
  it('valid JSON credentials: the values, username trimmed, password as sent', () => {
    expect(validateCharFields({ username: ' admin ', password: ' abc123 ' }, 'json', CREDENTIALS)).toEqual({
      values: { username: 'admin', password: ' abc123 ' },
    });
  });

  it('an empty object: both fields required', () => {
    expect(validateCharFields({}, 'json', CREDENTIALS)).toEqual({
      errors: { username: [FIELD_REQUIRED], password: [FIELD_REQUIRED] },
    });
  });

  it('reports only the failing fields', () => {
    expect(validateCharFields({ username: 'admin' }, 'json', CREDENTIALS)).toEqual({
      errors: { password: [FIELD_REQUIRED] },
    });
  });

  it('reports each field with its own first message', () => {
    expect(validateCharFields({ username: '', password: null }, 'json', CREDENTIALS)).toEqual({
      errors: { username: [FIELD_BLANK], password: [FIELD_NULL] },
    });
  });

  it('ignores unknown fields', () => {
    expect(validateCharFields({ username: 'a', password: 'b', extra: 1 }, 'json', CREDENTIALS)).toEqual({
      values: { username: 'a', password: 'b' },
    });
  });

  it('does not read inherited properties (only own fields count)', () => {
    const data = Object.create({ username: 'admin', password: 'abc123' }) as object;
    expect(validateCharFields(data, 'json', CREDENTIALS)).toEqual({
      errors: { username: [FIELD_REQUIRED], password: [FIELD_REQUIRED] },
    });
  });

  it('null body: non_field_errors "No data provided"', () => {
    expect(validateCharFields(null, 'json', CREDENTIALS)).toEqual({
      errors: { non_field_errors: ['No data provided'] },
    });
  });

  it.each([
    [[1, 2], 'list'],
    ['abc', 'str'],
    [5, 'int'],
    [1.5, 'float'],
    [true, 'bool'],
  ])('a body that is %p: "Invalid data. Expected a dictionary, but got %s."', (data, typeName) => {
    expect(validateCharFields(data, 'json', CREDENTIALS)).toEqual({
      errors: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName}.`] },
    });
  });

  it('form data: a repeated field counts with its last value (QueryDict)', () => {
    expect(validateCharFields({ username: ['first', 'admin'], password: 'abc123' }, 'form', CREDENTIALS)).toEqual({
      values: { username: 'admin', password: 'abc123' },
    });
  });

  it('form data: a value that is not text (a nested object from the parser) counts as missing', () => {
    expect(validateCharFields({ username: { a: 'b' }, password: 'abc123' }, 'form', CREDENTIALS)).toEqual({
      errors: { username: [FIELD_REQUIRED] },
    });
  });

  it('form data: a multipart field part ({ type: "field", value }) counts with its value', () => {
    const data = { username: { type: 'field', value: 'admin' }, password: [{ type: 'field', value: 'abc123' }] };
    expect(validateCharFields(data, 'form', CREDENTIALS)).toEqual({
      values: { username: 'admin', password: 'abc123' },
    });
  });

  it('JSON data: an array value is Not a valid string.', () => {
    expect(validateCharFields({ username: ['admin'], password: 'abc123' }, 'json', CREDENTIALS)).toEqual({
      errors: { username: [FIELD_NOT_STRING] },
    });
  });
});
