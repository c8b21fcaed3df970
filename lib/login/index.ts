// nest-rest-jwt/login: the login body as a class-validator DTO an app extends, and the login check.

export { LoginDto, type LoginDtoClass } from '../bodies/login.dto.js';
export { TokenDto } from '../bodies/token.dto.js';
export { DrfCharField, type DrfCharFieldOptions } from '../bodies/drf-char-field.js';
export { allowLogin, refuseLogin, type LoginAttempt, type LoginVerdict } from '../events/login-verdict.js';
export { InactiveUserError } from '../common/errors.js';
