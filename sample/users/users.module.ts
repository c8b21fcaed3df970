import { Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UserLookupService } from '../../lib/index.js';
import { databasePath } from '../paths.js';
import { SqliteUserLookup } from './sqlite-user-lookup.js';
import { UserStore } from './user-store.js';

/** The account created when the database has no users, so the README's curl commands work. */
export const INITIAL_USER = { username: 'admin', password: 'abc123' } as const;

@Module({
  providers: [
    {
      provide: UserStore,
      useFactory: (config: ConfigService) => UserStore.open(databasePath(config.get<string>('SAMPLE_DB'))),
      inject: [ConfigService],
    },
    SqliteUserLookup,
    { provide: UserLookupService, useExisting: SqliteUserLookup },
  ],
  exports: [UserLookupService, UserStore],
})
export class UsersModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Users');

  constructor(private readonly store: UserStore) {}

  async onApplicationBootstrap(): Promise<void> {
    const created = await this.store.addIfNoUsers(INITIAL_USER);
    if (created) {
      this.logger.warn(
        `No users in ${this.store.file}: created user "${INITIAL_USER.username}" with password ` +
          `"${INITIAL_USER.password}". Replace it: npm run users -- add <name> <password>, ` +
          `then npm run users -- delete ${INITIAL_USER.username}`,
      );
    }
  }

  onModuleDestroy(): void {
    this.store.close();
  }
}
