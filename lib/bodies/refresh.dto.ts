import { DrfCharField } from './drf-char-field.js';

/** The body of simplejwt's refresh and blacklist views: TokenRefreshSerializer's `refresh = CharField()`. */
export class RefreshDto {
  @DrfCharField()
  refresh!: string;
}
