import { describe, expect, it } from '@jest/globals';
import { IsInt, IsOptional, IsString, Length } from 'class-validator';
import { DrfCharField } from '../../lib/bodies/drf-char-field.js';
import { LoginDto, loginBodyClass } from '../../lib/bodies/login.dto.js';
import { validateBody } from '../../lib/http/validate-body.js';
import { UploadedFile, type BodySource } from '../../lib/transport/drf-parsers.js';
import { PyNumber } from '../../lib/transport/python-json.js';
import {
  FIELD_BLANK,
  FIELD_NOT_STRING,
  FIELD_NULL,
  FIELD_NULL_CHARACTERS,
  FIELD_REQUIRED,
  fieldSurrogate,
} from '../../lib/common/messages.js';

const CREDENTIALS = loginBodyClass(LoginDto, 'username');
const LAST = ['username', 'password'];

/** The outcome with the instance as a plain object, so that it compares by value. */
async function outcome(dto: new () => object, data: unknown, source: BodySource = 'json', last = LAST) {
  const result = await validateBody(dto, data, source, last);
  return 'errors' in result ? result : { values: { ...result.value } };
}

const validateCharFields = (data: unknown, source: BodySource) => outcome(CREDENTIALS, data, source);

class Trimmed {
  @DrfCharField()
  value!: string;
}

class Untrimmed {
  @DrfCharField({ trimWhitespace: false })
  value!: string;
}

/** One CharField's outcome: its cleaned value, or its errors. */
async function charField(value: unknown, trimWhitespace: boolean): Promise<unknown> {
  const result = await outcome(trimWhitespace ? Trimmed : Untrimmed, value === undefined ? {} : { value }, 'json', []);
  return 'errors' in result ? { errors: result.errors.value } : (result.values as { value?: unknown }).value;
}

describe('DRF field messages', () => {
  it('are the reference texts, byte for byte', async () => {
    expect([FIELD_REQUIRED, FIELD_BLANK, FIELD_NULL, FIELD_NOT_STRING, FIELD_NULL_CHARACTERS]).toEqual([
      'This field is required.',
      'This field may not be blank.',
      'This field may not be null.',
      'Not a valid string.',
      'Null characters are not allowed.',
    ]);
  });
});

describe('@DrfCharField (DRF CharField, allow_blank=False, allow_null=False)', () => {
  it('missing (undefined): This field is required.', async () => {
    expect(await charField(undefined, true)).toEqual({ errors: [FIELD_REQUIRED] });
  });

  it('null: This field may not be null.', async () => {
    expect(await charField(null, true)).toEqual({ errors: [FIELD_NULL] });
  });

  it.each([true, false, {}, [], ['admin']])('%p: Not a valid string.', async (value) => {
    expect(await charField(value, true)).toEqual({ errors: [FIELD_NOT_STRING] });
  });

  it('numbers become their text (DRF accepts int and float)', async () => {
    expect([await charField(123, true), await charField(1.5, false)]).toEqual(['123', '1.5']);
  });

  it('empty string: This field may not be blank.', async () => {
    expect(await charField('', true)).toEqual({ errors: [FIELD_BLANK] });
    expect(await charField('', false)).toEqual({ errors: [FIELD_BLANK] });
  });

  it('whitespace only with trimming: This field may not be blank.', async () => {
    expect(await charField('  \t ', true)).toEqual({ errors: [FIELD_BLANK] });
  });

  it('whitespace only without trimming: kept as sent', async () => {
    expect(await charField('   ', false)).toBe('   ');
  });

  it('trims surrounding whitespace when trimming', async () => {
    expect(await charField('  admin \n', true)).toBe('admin');
  });

  it('keeps surrounding whitespace when not trimming (passwords are compared as sent)', async () => {
    expect(await charField(' pw with spaces ', false)).toBe(' pw with spaces ');
  });

  it('a NUL character: Null characters are not allowed.', async () => {
    expect(await charField('ad\0min', true)).toEqual({ errors: [FIELD_NULL_CHARACTERS] });
  });
});

describe('validateBody with the login DTO (a DRF Serializer with CharFields)', () => {
  it('valid JSON credentials: the values, username trimmed, password as sent', async () => {
    expect(await validateCharFields({ username: ' admin ', password: ' abc123 ' }, 'json')).toEqual({
      values: { username: 'admin', password: ' abc123 ' },
    });
  });

  it('an empty object: both fields required', async () => {
    expect(await validateCharFields({}, 'json')).toEqual({
      errors: { username: [FIELD_REQUIRED], password: [FIELD_REQUIRED] },
    });
  });

  it('reports only the failing fields', async () => {
    expect(await validateCharFields({ username: 'admin' }, 'json')).toEqual({
      errors: { password: [FIELD_REQUIRED] },
    });
  });

  it('reports each field with its own first message', async () => {
    expect(await validateCharFields({ username: '', password: null }, 'json')).toEqual({
      errors: { username: [FIELD_BLANK], password: [FIELD_NULL] },
    });
  });

  it('ignores unknown fields', async () => {
    expect(await validateCharFields({ username: 'a', password: 'b', extra: 1 }, 'json')).toEqual({
      values: { username: 'a', password: 'b' },
    });
  });

  it('does not read inherited properties (only own fields count)', async () => {
    const data = Object.create({ username: 'admin', password: 'abc123' }) as object;
    expect(await validateCharFields(data, 'json')).toEqual({
      errors: { username: [FIELD_REQUIRED], password: [FIELD_REQUIRED] },
    });
  });

  it('null body: non_field_errors "No data provided"', async () => {
    expect(await validateCharFields(null, 'json')).toEqual({
      errors: { non_field_errors: ['No data provided'] },
    });
  });

  it.each([
    [[1, 2], 'list'],
    ['abc', 'str'],
    [5, 'int'],
    [1.5, 'float'],
    [true, 'bool'],
  ])('a body that is %p: "Invalid data. Expected a dictionary, but got %s."', async (data, typeName) => {
    expect(await validateCharFields(data, 'json')).toEqual({
      errors: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName}.`] },
    });
  });

  it('form data: a repeated field counts with its last value (QueryDict)', async () => {
    expect(await validateCharFields({ username: ['first', 'admin'], password: 'abc123' }, 'form')).toEqual({
      values: { username: 'admin', password: 'abc123' },
    });
  });

  it('form data: a value that is not text (a nested object from the parser) counts as missing', async () => {
    expect(await validateCharFields({ username: { a: 'b' }, password: 'abc123' }, 'form')).toEqual({
      errors: { username: [FIELD_REQUIRED] },
    });
  });

  it('form data: a multipart field part ({ type: "field", value }) counts with its value', async () => {
    const data = { username: { type: 'field', value: 'admin' }, password: [{ type: 'field', value: 'abc123' }] };
    expect(await validateCharFields(data, 'form')).toEqual({
      values: { username: 'admin', password: 'abc123' },
    });
  });

  it('JSON data: an array value is Not a valid string.', async () => {
    expect(await validateCharFields({ username: ['admin'], password: 'abc123' }, 'json')).toEqual({
      errors: { username: [FIELD_NOT_STRING] },
    });
  });
});

describe('@DrfCharField validators after the type checks', () => {
  it('reports a NUL and a surrogate together, NUL first, as DRF runs every validator', async () => {
    expect(await charField('a\0b\ud800', true)).toEqual({ errors: [FIELD_NULL_CHARACTERS, fieldSurrogate(0xd800)] });
  });

  it('a JSON number (Python int or float) is its text', async () => {
    expect(await charField(new PyNumber('float', '1.5'), true)).toBe('1.5');
  });

  it('a multipart file is Not a valid string.', async () => {
    expect(await outcome(CREDENTIALS, { username: new UploadedFile('a.txt'), password: 'pw' }, 'form')).toEqual({
      errors: { username: [FIELD_NOT_STRING] },
    });
  });
});

class OtpLoginDto extends LoginDto {
  @IsString({ message: 'Enter a code.' })
  @Length(6, 6, { message: 'Codes have 6 digits.' })
  otp!: string;

  @IsOptional()
  @IsInt({ message: 'A tenant is a number.' })
  tenant?: number;
}

describe('validateBody with an app DTO extending LoginDto', () => {
  const OTP_LOGIN = loginBodyClass(OtpLoginDto, 'username');

  it('reports the app fields first, then username and password, as DRF lists declared fields first', async () => {
    const result = await outcome(OTP_LOGIN, { tenant: 'x' });
    expect(result).toEqual({
      errors: {
        // Decorators apply bottom up: class-validator reports Length's message first.
        otp: ['Codes have 6 digits.', 'Enter a code.'],
        tenant: ['A tenant is a number.'],
        username: [FIELD_REQUIRED],
        password: [FIELD_REQUIRED],
      },
    });
    expect(Object.keys((result as { errors: object }).errors)).toEqual(['otp', 'tenant', 'username', 'password']);
  });

  it('gives an instance of the app class with its fields, JSON numbers as numbers', async () => {
    const body = { username: ' alice ', password: 'pw', otp: '123456', tenant: new PyNumber('int', '7') };
    const result = await validateBody(OTP_LOGIN, body, 'json', LAST);
    expect('value' in result && result.value).toBeInstanceOf(OtpLoginDto);
    expect(await outcome(OTP_LOGIN, body)).toEqual({
      values: { username: 'alice', password: 'pw', otp: '123456', tenant: 7 },
    });
  });

  it('reads the last of repeated form values for the app fields too', async () => {
    expect(await outcome(OTP_LOGIN, { username: 'a', password: 'b', otp: ['111111', '222222'] }, 'form')).toEqual({
      values: { username: 'a', password: 'b', otp: '222222' },
    });
  });
});

describe('validateBody with another username field (usernameField: "email")', () => {
  const EMAIL_LOGIN = loginBodyClass(LoginDto, 'email');
  const email = (data: unknown) => outcome(EMAIL_LOGIN, data, 'json', ['email', 'password']);

  it('requires that field, and reports it under its name', async () => {
    expect(await email({ username: 'alice', password: 'pw' })).toEqual({ errors: { email: [FIELD_REQUIRED] } });
  });

  it('reads and trims it', async () => {
    expect(await email({ email: ' alice@example.com ', password: 'pw' })).toEqual({
      values: { email: 'alice@example.com', password: 'pw' },
    });
  });

  it('is one class per DTO and field, and leaves LoginDto itself without a username field', async () => {
    expect(loginBodyClass(LoginDto, 'email')).toBe(EMAIL_LOGIN);
    expect(await outcome(LoginDto, { password: 'pw' }, 'json', [])).toEqual({ values: { password: 'pw' } });
  });
});
