import { describe, expect, it } from '@jest/globals';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { Injectable, Module } from '@nestjs/common';
import {
  JwtAuthModule,
  type JwtAuthModuleExtras,
  type JwtAuthModuleOptions,
  UserLookupService,
} from '../../lib/index.js';
import { ADAPTERS, SECRET, startApp, UsersModule } from '../support/apps.js';
import { SimpleJwtUsersModule } from '../support/simplejwt.js';
import { InMemoryUsers, type TestUser } from '../support/users.js';

/** Users found by id, with no updateLastLogin. */
@Injectable()
class FindByIdOnly extends InMemoryUsers {
  override async findById(id: string): Promise<TestUser | undefined> {
    return [...this.users.values()].find((user) => String(user.id) === id);
  }
}

@Module({ providers: [{ provide: UserLookupService, useClass: FindByIdOnly }], exports: [UserLookupService] })
class FindByIdOnlyModule {}

/** Wrong on purpose: typed loosely, as a JavaScript caller could pass them. */
type AnyOptions = JwtAuthModuleOptions & JwtAuthModuleExtras;
const bad = (options: Record<string, unknown>): AnyOptions => options as AnyOptions;

const INVALID: [string, AnyOptions, string][] = [
  ['tokenProtocol "jwt"', bad({ tokenProtocol: 'jwt' }), 'tokenProtocol'],
  ['simpleJwt with tokenProtocol drf-jwt', { simpleJwt: {} }, 'simpleJwt'],
  [
    'a misspelt simpleJwt setting',
    bad({ tokenProtocol: 'simplejwt', simpleJwt: { acessTokenLifetime: 60 } }),
    'simpleJwt.acessTokenLifetime',
  ],
  [
    'accessTokenLifetime 0',
    { tokenProtocol: 'simplejwt', simpleJwt: { accessTokenLifetime: 0 } },
    'simpleJwt.accessTokenLifetime',
  ],
  [
    'refreshTokenLifetime "1 fortnight"',
    bad({ tokenProtocol: 'simplejwt', simpleJwt: { refreshTokenLifetime: '1 fortnight' } }),
    'simpleJwt.refreshTokenLifetime',
  ],
  [
    'rotateRefreshTokens "yes"',
    bad({ tokenProtocol: 'simplejwt', simpleJwt: { rotateRefreshTokens: 'yes' } }),
    'simpleJwt.rotateRefreshTokens',
  ],
  [
    'authHeaderTypes []',
    { tokenProtocol: 'simplejwt', simpleJwt: { authHeaderTypes: [] } },
    'simpleJwt.authHeaderTypes',
  ],
  [
    'authHeaderTypes "Bearer JWT"',
    { tokenProtocol: 'simplejwt', simpleJwt: { authHeaderTypes: 'Bearer JWT' } },
    'simpleJwt.authHeaderTypes',
  ],
  ['userIdClaim ""', { tokenProtocol: 'simplejwt', simpleJwt: { userIdClaim: '' } }, 'simpleJwt.userIdClaim'],
  [
    'authTokenClasses ["refresh"]',
    bad({ tokenProtocol: 'simplejwt', simpleJwt: { authTokenClasses: ['refresh'] } }),
    'simpleJwt.authTokenClasses',
  ],
  ['a negative leeway', { tokenProtocol: 'simplejwt', simpleJwt: { leeway: -1 } }, 'simpleJwt.leeway'],
  [
    'simpleJwtPaths with a query',
    { tokenProtocol: 'simplejwt', simpleJwtPaths: { obtain: 'api/token?x' } },
    'simpleJwtPaths.obtain',
  ],
  [
    'simpleJwtPaths twice the same',
    { tokenProtocol: 'simplejwt', simpleJwtPaths: { verify: 'api/token' } },
    'simpleJwtPaths.verify',
  ],
  [
    'an unknown simpleJwtPaths name',
    bad({ tokenProtocol: 'simplejwt', simpleJwtPaths: { login: 'x' } }),
    'simpleJwtPaths.login',
  ],
  ['getUserSecretKey with simplejwt', { tokenProtocol: 'both', getUserSecretKey: () => SECRET }, 'getUserSecretKey'],
  [
    'a refreshCookie named as the CSRF cookie',
    { tokenProtocol: 'simplejwt', simpleJwt: { refreshCookie: 'csrftoken' } },
    'simpleJwt.refreshCookie',
  ],
];

describe.each(ADAPTERS)('simplejwt start-up validation (%s)', (adapter) => {
  it.each(INVALID)('refuses to start with %s, naming the option', async (_label, options, option) => {
    const module = JwtAuthModule.forRoot({ secretKey: SECRET, ...options, imports: [SimpleJwtUsersModule] });
    const started = startApp(adapter, module);
    await expect(started).rejects.toThrow(`option "${option}"`);
    await expect(started).rejects.toBeInstanceOf(JwtAuthConfigError);
  });

  it('refuses a UserLookupService without findById, saying what to implement', async () => {
    const started = startApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, tokenProtocol: 'simplejwt', imports: [UsersModule] }),
    );
    await expect(started).rejects.toThrow(/option "tokenProtocol" is "simplejwt": .* must implement findById\(id\)/);
  });

  it('refuses updateLastLogin without UserLookupService.updateLastLogin', async () => {
    const module = JwtAuthModule.forRoot({
      secretKey: SECRET,
      tokenProtocol: 'both',
      simpleJwt: { updateLastLogin: true },
      imports: [FindByIdOnlyModule],
    });
    await expect(startApp(adapter, module)).rejects.toThrow(
      /option "simpleJwt.updateLastLogin" is true: .* updateLastLogin\(user\)/,
    );
  });

  it('starts an app that speaks only drf-jwt without findById (the default stays as it was)', async () => {
    const app = await startApp(adapter, JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] }));
    await app.close();
  });
});
