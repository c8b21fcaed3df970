import { Injectable } from '@nestjs/common';
import { UserLookupService } from '../../lib/index.js';

export interface TestUser {
  id: number | string;
  username: string;
  password: string;
  email?: string;
  isActive: boolean;
}

/** Compared with the password of a login for an unknown user, as a real password would be. */
const DUMMY_PASSWORD = '\0 no user has this password';

/** An in-memory user store; tests change it between requests (deactivate, delete). */
@Injectable()
export class InMemoryUsers extends UserLookupService<TestUser> {
  readonly users = new Map<string, TestUser>();

  constructor() {
    super();
    this.reset();
  }

  reset(): void {
    this.users.clear();
    this.add({ id: 1, username: 'admin', password: 'abc123', email: 'admin@example.com', isActive: true });
    this.add({ id: 2, username: 'inactive', password: 'abc123', isActive: false });
    this.add({
      id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      username: 'uuid-user',
      password: 'pw with spaces ',
      isActive: true,
    });
  }

  add(user: TestUser): void {
    this.users.set(user.username, user);
  }

  async findByUsername(username: string): Promise<TestUser | undefined> {
    return this.users.get(username);
  }

  async verifyPassword(user: TestUser, password: string): Promise<boolean> {
    return user.password === password;
  }

  /** As cheap as verifyPassword (one string comparison), so that tests stay fast. */
  override async verifyDummyPassword(password: string): Promise<void> {
    void (password === DUMMY_PASSWORD);
  }
}
