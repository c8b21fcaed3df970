import { describe, expect, it } from '@jest/globals';
import { type DynamicModule, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { JwtAuthModule } from '../../lib/jwt-auth.module.js';
import { UserLookupService } from '../../lib/users/user-lookup.service.js';
import { JwtAuthService } from '../../lib/flows/jwt-auth.service.js';

interface User {
  id: number;
  username: string;
  password: string;
  isActive: boolean;
}

/** Records which password checks a login runs. */
class RecordingUsers extends UserLookupService<User> {
  readonly checks: string[] = [];
  private readonly users = new Map<string, User>([
    ['alice', { id: 1, username: 'alice', password: 's3cret', isActive: true }],
    ['bob', { id: 2, username: 'bob', password: 's3cret', isActive: false }],
  ]);

  async findByUsername(username: string): Promise<User | undefined> {
    return this.users.get(username);
  }

  async verifyPassword(user: User, password: string): Promise<boolean> {
    this.checks.push(`verifyPassword(${user.username}, ${password})`);
    return user.password === password;
  }

  override async verifyDummyPassword(password: string): Promise<void> {
    this.checks.push(`verifyDummyPassword(${password})`);
  }
}

function usersModule(users: RecordingUsers): DynamicModule {
  @Module({})
  class RecordingUsersModule {}
  return {
    module: RecordingUsersModule,
    providers: [{ provide: UserLookupService, useValue: users }],
    exports: [UserLookupService],
  };
}

async function serviceWith(users: RecordingUsers): Promise<JwtAuthService<User>> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      JwtAuthModule.forRoot({
        secretKey: 'unit-test-secret-that-is-long-enough-for-hs256',
        imports: [usersModule(users)],
        controller: false,
        strategyName: 'jwt-authenticate-spec',
      }),
    ],
  }).compile();
  return moduleRef.get<JwtAuthService<User>>(JwtAuthService);
}

describe('JwtAuthService.authenticate runs one password check on every path', () => {
  it.each([
    [
      'an unknown username: the dummy check, with the password sent',
      'nobody',
      's3cret',
      null,
      ['verifyDummyPassword(s3cret)'],
    ],
    ['a wrong password: the real check only', 'alice', 'wrong', null, ['verifyPassword(alice, wrong)']],
    ['an inactive user: the real check only', 'bob', 's3cret', null, ['verifyPassword(bob, s3cret)']],
    ['the right password: the real check only', 'alice', 's3cret', 'alice', ['verifyPassword(alice, s3cret)']],
  ])('%s', async (_case, username, password, loggedIn, checks) => {
    const users = new RecordingUsers();
    const service = await serviceWith(users);
    const user = await service.authenticate(username, password);
    expect(user?.username ?? null).toBe(loggedIn);
    expect(users.checks).toEqual(checks);
  });
});
