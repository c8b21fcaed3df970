import { DrfCharField } from './drf-char-field.js';

/** The body of refresh, verify and logout: upstream's VerificationBaseSerializer (`token = CharField()`). */
export class TokenDto {
  @DrfCharField()
  token!: string;
}
