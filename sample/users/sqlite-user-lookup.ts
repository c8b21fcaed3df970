import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { UserLookupService } from '../../lib/index.js';
import { passwordHasher } from './passwords.js';
import { RecentUsers } from './recent-users.js';
import { type User, UserStore } from './user-store.js';

/** What nest-rest-jwt asks about users, answered from the SQLite store. */
@Injectable()
export class SqliteUserLookup extends UserLookupService<User> implements OnModuleDestroy {
  private readonly recent: RecentUsers<User>;

  constructor(private readonly store: UserStore) {
    super();
    this.recent = new RecentUsers(store.file);
  }

  /**
   * The guard's lookup, on every request: kept until the database file changes (RecentUsers),
   * so `npm run users` still applies at the next request. The store is synchronous
   * (better-sqlite3); the library awaits whatever this returns.
   */
  async findByUsername(username: string): Promise<User | undefined> {
    const recent = this.recent.get(username);
    if (recent !== undefined) return recent;
    const user = this.store.find(username);
    if (user !== undefined) this.recent.set(username, user);
    return user;
  }

  onModuleDestroy(): void {
    this.recent.stop();
  }

  /** JWT_USERNAME_FIELD=email: logins name users by email; tokens still name them by username. */
  override async findForLogin(value: string, field: string): Promise<User | undefined> {
    return field === 'email' ? this.store.findByEmail(value) : this.store.find(value);
  }

  /** simplejwt's lookup: by id, never by username (JWT_TOKEN_PROTOCOL=simplejwt or both). */
  override async findById(id: string): Promise<User | undefined> {
    return /^[1-9][0-9]{0,15}$/.test(id) ? this.store.findById(Number(id)) : undefined;
  }

  /** simplejwt's CHECK_REVOKE_TOKEN digests the stored hash: a password change refuses older tokens. */
  override getPasswordHash(user: User): string {
    return user.passwordHash;
  }

  async verifyPassword(user: User, password: string): Promise<boolean> {
    return (await passwordHasher.verify(password, user.passwordHash)).valid;
  }

  /** An unknown username costs one scrypt verification too, as a wrong password does. */
  override verifyDummyPassword(password: string): Promise<void> {
    return passwordHasher.verifyDummy(password);
  }
}
