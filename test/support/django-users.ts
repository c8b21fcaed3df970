import { type DynamicModule, Module } from '@nestjs/common';
import { JwtAuthModule, type JwtAuthModuleOptions, UserLookupService } from '../../lib/index.js';
import { DjangoPasswordHasher } from '../../lib/passwords/index.js';
import { type AdapterName, SECRET, startApp, type TestApp } from './apps.js';

/** A user whose password is stored as Django stores it. */
export interface DjangoUser {
  id: number;
  username: string;
  password: string;
  isActive: boolean;
}

/**
 * A UserLookupService over Django password hashes, at whatever cost its hasher has; it counts
 * the password verifications (real or dummy) running at any moment.
 */
export class DjangoHashedUsers extends UserLookupService<DjangoUser> {
  readonly users = new Map<string, DjangoUser>();
  /** Verifications started and not finished yet. */
  inFlight = 0;
  /** Verifications started in all. */
  started = 0;

  constructor(readonly hasher: DjangoPasswordHasher) {
    super();
  }

  async add(username: string, password: string, isActive = true): Promise<void> {
    const user = { id: this.users.size + 1, username, password: await this.hasher.hash(password), isActive };
    this.users.set(username, user);
  }

  async findByUsername(username: string): Promise<DjangoUser | undefined> {
    return this.users.get(username);
  }

  async verifyPassword(user: DjangoUser, password: string): Promise<boolean> {
    return (await this.track(this.hasher.verify(password, user.password))).valid;
  }

  /** The same hasher and cost as verifyPassword, as UserLookupService asks. */
  override async verifyDummyPassword(password: string): Promise<void> {
    await this.track(this.hasher.verifyDummy(password));
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    this.started++;
    try {
      return await work;
    } finally {
      this.inFlight--;
    }
  }
}

/** A Nest module that provides these users as the app's UserLookupService. */
export function djangoUsersModule(users: DjangoHashedUsers): DynamicModule {
  @Module({})
  class DjangoUsersModule {}
  return {
    module: DjangoUsersModule,
    providers: [{ provide: UserLookupService, useValue: users }],
    exports: [UserLookupService],
  };
}

export interface ListeningApp extends TestApp {
  /** `http://127.0.0.1:<port>`: concurrent requests need a server that is already listening. */
  url: string;
}

/** An app whose token endpoints log these users in, listening on a random loopback port. */
export async function startDjangoUsersApp(
  adapter: AdapterName,
  users: DjangoHashedUsers,
  options: Partial<JwtAuthModuleOptions<DjangoUser>> = {},
): Promise<ListeningApp> {
  const jwtModule = JwtAuthModule.forRoot({
    secretKey: SECRET,
    imports: [djangoUsersModule(users)],
    ...(options as Partial<JwtAuthModuleOptions>),
  });
  const app = await startApp(adapter, jwtModule);
  try {
    await app.app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  return { ...app, url: (await app.app.getUrl()).replace('[::1]', '127.0.0.1') };
}
