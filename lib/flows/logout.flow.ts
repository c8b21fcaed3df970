import { Injectable } from '@nestjs/common';
import { TokenRejectedError } from '../common/errors.js';
import type { JwtPayload } from '../common/jwt.js';
import { UserLookupService } from '../users/user-lookup.service.js';
import { simpleJwtSubject } from './simplejwt-authentication.js';
import { TokenAuthentication, type VerifiedToken } from './token-authentication.js';
import { TokenRevocation } from './token-revocation.js';

/** Logout (`/api-token-revoke/`) and log out everywhere (`/api-token-revoke-all/`). */
@Injectable()
export class LogoutFlow<TUser extends object = object> {
  constructor(
    private readonly authentication: TokenAuthentication<TUser>,
    private readonly revocation: TokenRevocation,
    private readonly users: UserLookupService<TUser>,
  ) {}

  /**
   * The token is refused from now on, and under rotation its whole chain. Resolves to the
   * claims it revoked, or undefined when there was nothing to do (the token had expired, or was
   * already revoked). A token that is not valid (bad signature...) is refused with its reason.
   */
  async revokeToken(token: string): Promise<Readonly<JwtPayload> | undefined> {
    let verified: VerifiedToken<TUser>;
    try {
      verified = await this.authentication.verify(token);
    } catch (error) {
      if (error instanceof TokenRejectedError && error.reason === 'expired') return undefined;
      throw error;
    }
    const { payload } = verified;
    const subject = this.authentication.usernameIn(payload);
    await this.authentication.refuseIfReassigned(verified);
    return (await this.revocation.revoke(payload, subject)) ? payload : undefined;
  }

  /**
   * Every token of this user issued until now is refused, without listing them (call it when
   * the password changes). Resolves when tokens issued from then on pass.
   */
  async revokeAllForUser(user: TUser): Promise<void> {
    const username = this.users.getUsername(user);
    if (typeof username !== 'string' || username === '') {
      throw new TypeError('nest-rest-jwt: revokeAllForUser: the user has no username');
    }
    // simplejwt's tokens name the user by id: refused under that subject too, at the same second.
    const simpleJwt = this.authentication.simpleJwt;
    if (simpleJwt === undefined) return this.revocation.revokeSubject(username);
    await this.revocation.revokeSubject(username, simpleJwtSubject(simpleJwt.tokens.userIdOf(user)));
  }
}
