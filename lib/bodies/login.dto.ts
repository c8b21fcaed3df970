import { DrfCharField, registerDrfCharField } from './drf-char-field.js';

/**
 * The body of POST /api-token-auth/, upstream's JSONWebTokenSerializer: the username field (its
 * name is the `usernameField` option, `'username'` by default, as Django's `USERNAME_FIELD`)
 * and `password`. An app adds fields (a one-time code, a tenant) by extending it with
 * class-validator decorators and passing its class as the `loginDto` option; their errors
 * answer in the same 400 shape, before the username's and the password's, as a DRF serializer
 * lists its declared fields before the ones upstream adds in `__init__`.
 */
export class LoginDto {
  /** Deliberately not trimmed (upstream trims): a password is compared exactly as sent. */
  @DrfCharField({ trimWhitespace: false })
  password!: string;
}

/** A class of login bodies: LoginDto or a class extending it. */
export type LoginDtoClass<T extends LoginDto = LoginDto> = new () => T;

export function isLoginDtoClass(value: unknown): value is LoginDtoClass {
  return typeof value === 'function' && (value === LoginDto || value.prototype instanceof LoginDto);
}

const withUsernameFields = new WeakMap<LoginDtoClass, Map<string, LoginDtoClass>>();

/**
 * The class the login endpoint validates: `dto` with the username field (`usernameField`)
 * added, as upstream's serializer adds `self.fields[self.username_field]`. Made once per pair.
 */
export function loginBodyClass<T extends LoginDto>(dto: LoginDtoClass<T>, usernameField: string): LoginDtoClass<T> {
  const byField = withUsernameFields.get(dto) ?? new Map<string, LoginDtoClass>();
  withUsernameFields.set(dto, byField);
  let body = byField.get(usernameField);
  if (body === undefined) {
    // A subclass of the app's own class keeps its name in class-validator's messages.
    body = { [dto.name]: class extends dto {} }[dto.name] as LoginDtoClass;
    registerDrfCharField(body, usernameField);
    byField.set(usernameField, body);
  }
  return body as LoginDtoClass<T>;
}
