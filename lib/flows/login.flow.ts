import { Inject, Injectable } from '@nestjs/common';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { UserLookupService } from '../users/user-lookup.service.js';

/** Upstream's JSONWebTokenSerializer.validate: credentials to an active user. */
@Injectable()
export class LoginFlow<TUser extends object = object> {
  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: Pick<JwtAuthSettings, 'usernameField'>,
    private readonly users: UserLookupService<TUser>,
  ) {}

  /**
   * The user for these credentials, or null: unknown, wrong password and inactive alike.
   * `username` is the value of the `usernameField` field (an email with `usernameField: 'email'`).
   */
  async authenticate(username: string, password: string): Promise<TUser | null> {
    const user = await this.users.findForLogin(username, this.settings.usernameField);
    if (!user) {
      // An unknown username costs one password check too, so its answer comes no sooner.
      await this.users.verifyDummyPassword(password);
      return null;
    }
    // The password is checked even for inactive users, so both paths cost the same.
    const passwordMatches = await this.users.verifyPassword(user, password);
    return passwordMatches && this.users.isActive(user) ? user : null;
  }
}
