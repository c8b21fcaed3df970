import { Injectable } from '@nestjs/common';
import { UserLookupService } from '../../lib/index.js';
import { verifyPassword } from './passwords.js';
import { type User, UserStore } from './user-store.js';

/** What nest-rest-jwt asks about users, answered from the SQLite store. */
@Injectable()
export class SqliteUserLookup extends UserLookupService<User> {
  constructor(private readonly store: UserStore) {
    super();
  }

  // The store is synchronous (better-sqlite3); the library awaits whatever it returns.
  async findByUsername(username: string): Promise<User | undefined> {
    return this.store.find(username);
  }

  verifyPassword(user: User, password: string): Promise<boolean> {
    return verifyPassword(password, user.passwordHash);
  }
}
