import type { JwtPayload } from '../common/jwt.js';

/**
 * The user JwtAuthGuard hands out with `stateless: true` (simplejwt's TokenUser): what the
 * token says, nothing looked up. A user deactivated or deleted after the token was issued keeps
 * access until the token expires.
 */
export class TokenUser {
  readonly id: string | number | undefined;
  readonly email: string | undefined;

  constructor(
    readonly username: string,
    /** Every claim of the token, frozen. */
    readonly payload: Readonly<JwtPayload>,
  ) {
    this.id = payload.user_id;
    this.email = typeof payload.email === 'string' ? payload.email : undefined;
  }
}
