import { Injectable } from '@nestjs/common';
import { UserLookupService } from '../users/user-lookup.service.js';

/** Upstream's JSONWebTokenSerializer.validate: credentials to an active user. */
@Injectable()
export class LoginFlow<TUser extends object = object> {
  constructor(private readonly users: UserLookupService<TUser>) {}

  /** The user for these credentials, or null: unknown, wrong password and inactive alike. */
  async authenticate(username: string, password: string): Promise<TUser | null> {
    const user = await this.users.findByUsername(username);
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
