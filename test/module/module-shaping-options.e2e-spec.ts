import { afterEach, describe, expect, it } from '@jest/globals';
import { type ConfigurableModuleOptionsFactory, type DynamicModule, Injectable, Module } from '@nestjs/common';
import request from 'supertest';
import {
  JwtAuthConfigError,
  JwtAuthModule,
  type JwtAuthModuleForRootOptions,
  type JwtAuthModuleOptions,
  MemoryRevocationStore,
} from '../../lib/index.js';
import { ADAPTERS, SECRET, startApp, type TestApp, UsersModule } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, signHs } from '../support/tokens.js';

/**
 * Options as a factory typed loosely returns them (a config object spread in, a value read from
 * the environment): the module-shaping options and typos reach the module at run time.
 */
const loose = (options: Record<string, unknown>): JwtAuthModuleOptions => options as JwtAuthModuleOptions;
const looseForRoot = (options: Record<string, unknown>): typeof JwtAuthModuleForRootOptions =>
  options as typeof JwtAuthModuleForRootOptions;

/** The class form: createJwtAuthOptions() returns isGlobal, which it cannot decide. */
@Injectable()
class OptionsWithIsGlobal implements ConfigurableModuleOptionsFactory<JwtAuthModuleOptions, 'createJwtAuthOptions'> {
  createJwtAuthOptions(): JwtAuthModuleOptions {
    return loose({ secretKey: SECRET, isGlobal: true });
  }
}

@Module({ providers: [OptionsWithIsGlobal], exports: [OptionsWithIsGlobal] })
class OptionsModule {}

describe.each(ADAPTERS)('Module-shaping options and option names at start-up (%s)', (adapter) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Starting the app with this module fails with exactly this JwtAuthConfigError. */
  async function expectStartError(jwtModule: DynamicModule, message: string): Promise<void> {
    const started = startApp(adapter, jwtModule);
    await expect(started).rejects.toBeInstanceOf(JwtAuthConfigError);
    await expect(started).rejects.toThrow(`nest-rest-jwt: ${message}`);
  }

  describe('returned by the factory, a module-shaping option would be ignored: the app does not start', () => {
    it('useFactory returning globalGuard and routePrefix (every route would stay open)', async () => {
      await expectStartError(
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => loose({ secretKey: SECRET, globalGuard: true, routePrefix: 'auth' }),
        }),
        'option "globalGuard" shapes the module and is read beside the factory: JwtAuthModule.forRootAsync({ globalGuard: true, useFactory })',
      );
    });

    it('useFactory returning routePrefix', async () => {
      await expectStartError(
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: async () => loose({ secretKey: SECRET, routePrefix: 'auth' }),
        }),
        'option "routePrefix" shapes the module and is read beside the factory: JwtAuthModule.forRootAsync({ routePrefix: \'auth\', useFactory })',
      );
    });

    it('useClass: createJwtAuthOptions() returning isGlobal', async () => {
      await expectStartError(
        JwtAuthModule.forRootAsync({ imports: [UsersModule], useClass: OptionsWithIsGlobal }),
        'option "isGlobal" shapes the module and is read beside useClass, not from createJwtAuthOptions(): JwtAuthModule.forRootAsync({ isGlobal: true, useClass })',
      );
    });

    it('useExisting: createJwtAuthOptions() returning isGlobal', async () => {
      await expectStartError(
        JwtAuthModule.forRootAsync({ imports: [OptionsModule, UsersModule], useExisting: OptionsWithIsGlobal }),
        'option "isGlobal" shapes the module and is read beside useExisting, not from createJwtAuthOptions(): JwtAuthModule.forRootAsync({ isGlobal: true, useExisting })',
      );
    });

    it('useFactory returning controller, jwks or imports', async () => {
      for (const [name, shown] of [
        ['controller', 'controller: false'],
        ['jwks', 'jwks: true'],
        ['imports', 'imports: [...]'],
      ] as const) {
        const value = name === 'imports' ? [UsersModule] : name === 'jwks';
        await expectStartError(
          JwtAuthModule.forRootAsync({
            imports: [UsersModule],
            useFactory: () => loose({ secretKey: SECRET, [name]: value }),
          }),
          `option "${name}" shapes the module and is read beside the factory: JwtAuthModule.forRootAsync({ ${shown}, useFactory })`,
        );
      }
    });
  });

  describe('beside the factory, they work', () => {
    it('globalGuard and routePrefix beside useFactory: routes are guarded, the endpoints under the prefix', async () => {
      t = await startApp(
        adapter,
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => ({ secretKey: SECRET }),
          globalGuard: true,
          routePrefix: 'auth',
        }),
      );
      expectRefusal(await request(t.server).get('/plain'), 'Authentication credentials were not provided.', 'nest');
      const ok = await request(t.server)
        .get('/plain')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expect(ok.status).toBe(200);
      const login = await request(t.server)
        .post('/auth/api-token-auth/')
        .send({ username: 'admin', password: 'abc123' });
      expect(login.status).toBe(200);
      expect(
        (await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' })).status,
      ).toBe(404);
    });

    it('an option of the factory given beside it would be ignored: the app does not start', async () => {
      await expectStartError(
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => ({ secretKey: SECRET }),
          ...{ allowRefresh: true },
        }),
        'option "allowRefresh" is given beside the factory, where only the module-shaping options (isGlobal, globalGuard, controller, jwks, routePrefix, imports, globalGuardExclude, tokenProtocol, simpleJwtPaths) are read: return it from the factory',
      );
    });

    it('a misspelt module-shaping option beside the factory: the app does not start', async () => {
      await expectStartError(
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => ({ secretKey: SECRET }),
          ...{ globalGaurd: true },
        }),
        'option "globalGaurd" is unknown: did you mean "globalGuard"?',
      );
    });
  });

  describe('module-shaping options of the wrong type stop the app', () => {
    it.each([
      [{ globalGuard: 'yes' }, 'option "globalGuard" must be true or false (got "yes")'],
      [{ isGlobal: 'false' }, 'option "isGlobal" must be true or false (got "false")'],
      [{ controller: 0 }, 'option "controller" must be true or false (got 0)'],
      [{ routePrefix: 5 }, 'option "routePrefix" must be a path such as \'auth\' (got 5)'],
    ])('forRoot with %j', async (given, message) => {
      await expectStartError(
        JwtAuthModule.forRoot(looseForRoot({ secretKey: SECRET, imports: [UsersModule], ...given })),
        message,
      );
    });

    it('forRoot with imports that are not an array', async () => {
      await expectStartError(
        JwtAuthModule.forRoot(looseForRoot({ secretKey: SECRET, imports: UsersModule })),
        'option "imports" must be an array of modules',
      );
    });

    it('forRootAsync with globalGuard: "true" beside the factory', async () => {
      await expectStartError(
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => ({ secretKey: SECRET }),
          ...({ globalGuard: 'true' } as object),
        }),
        'option "globalGuard" must be true or false (got "true")',
      );
    });
  });

  describe('unknown option names stop the app, forRoot and forRootAsync alike', () => {
    it.each([
      [
        { expiresIn: '60s' },
        'option "expiresIn" is unknown (it is @nestjs/jwt\'s name): did you mean "expirationDelta"?',
      ],
      [{ alowRefresh: true }, 'option "alowRefresh" is unknown: did you mean "allowRefresh"?'],
      [{ loginThrottle: { limt: 5 } }, 'option "loginThrottle.limt" is unknown: did you mean "loginThrottle.limit"?'],
      [{ authCookie: { nmae: 'x' } }, 'option "authCookie.nmae" is unknown: did you mean "authCookie.name"?'],
      [
        { authCookie: 'jwt', csrf: { header: 'x' } },
        'option "csrf.header" is unknown: did you mean "csrf.headerName"?',
      ],
      [
        { verifyKeys: [{ kid: 'old', key: SECRET, alg: 'HS256' }] },
        'option "verifyKeys[0].alg" is unknown: did you mean "verifyKeys[0].algorithm"?',
      ],
      [
        { global: true },
        'option "global" is unknown (it is @nestjs/jwt\'s name): did you mean "isGlobal" (given to forRoot, or beside the factory)?',
      ],
    ])('%j', async (given, message) => {
      await expectStartError(
        JwtAuthModule.forRoot(looseForRoot({ secretKey: SECRET, imports: [UsersModule], ...given })),
        message,
      );
      await expectStartError(
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => loose({ secretKey: SECRET, ...given }),
        }),
        message,
      );
    });

    it('closes the revocation store it was given when a name stops the start', async () => {
      let closed = 0;
      const store = Object.assign(new MemoryRevocationStore(), {
        close: async () => {
          closed += 1;
        },
      });
      await expectStartError(
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => loose({ secretKey: SECRET, revocationStore: store, secret: SECRET }),
        }),
        'option "secret" is unknown (it is @nestjs/jwt\'s name): did you mean "secretKey"?',
      );
      expect(closed).toBe(1);
    });
  });
});
