import { Injectable } from '@nestjs/common';
import { UserLookupService } from '../../lib/index.js';
import { DEFAULT_PARAMS, verifyPassword } from './passwords.js';
import { type User, UserStore } from './user-store.js';

/**
 * A well-formed hash with the parameters new hashes get (16-byte salt, 64-byte hash, all zero
 * bytes) that no password matches: logins for unknown usernames are checked against it.
 */
const DUMMY_HASH = [
  'scrypt',
  ...[DEFAULT_PARAMS.N, DEFAULT_PARAMS.r, DEFAULT_PARAMS.p].map(String),
  Buffer.alloc(16).toString('base64'),
  Buffer.alloc(64).toString('base64'),
].join('$');

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

  /** An unknown username costs one scrypt verification too, as a wrong password does. */
  override async verifyDummyPassword(password: string): Promise<void> {
    await verifyPassword(password, DUMMY_HASH);
  }
}
