import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Controller,
  type ConfigurableModuleOptionsFactory,
  Get,
  Inject,
  Injectable,
  Module,
  UseGuards,
} from '@nestjs/common';
import passport from 'passport';
import request from 'supertest';
import { CurrentUser, JwtAuthGuard, JwtAuthModule, type JwtAuthModuleOptions, Public } from '../../lib/index.js';
import { JwtAuthService } from '../../lib/flows/jwt-auth.service.js';
import { ADAPTERS, ProtectedController, SECRET, startApp, type TestApp, useApp, UsersModule } from '../support/apps.js';
import { startCustomApp } from '../support/custom-app.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, payloadOf, signHs } from '../support/tokens.js';

/** A secret only the config provider knows: a token signed with it proves the options were used. */
const CONFIG_SECRET = 'secret-from-the-config-provider-0123456789abcdef';

@Injectable()
class JwtConfig {
  readonly secret = CONFIG_SECRET;
  readonly prefix = 'Bearer';
}

@Module({ providers: [JwtConfig], exports: [JwtConfig] })
class JwtConfigModule {}

/** The class form of the options: `useClass`/`useExisting` call createJwtAuthOptions(). */
@Injectable()
class JwtOptionsFromConfig implements ConfigurableModuleOptionsFactory<JwtAuthModuleOptions, 'createJwtAuthOptions'> {
  constructor(@Inject(JwtConfig) private readonly config: JwtConfig) {}

  async createJwtAuthOptions(): Promise<JwtAuthModuleOptions> {
    return { secretKey: this.config.secret, authHeaderPrefix: this.config.prefix, errorFormat: 'drf' };
  }
}

@Module({
  imports: [JwtConfigModule],
  providers: [JwtOptionsFromConfig],
  exports: [JwtOptionsFromConfig],
})
class JwtOptionsModule {}

@Controller('feature')
class FeatureController {
  @Get()
  @UseGuards(JwtAuthGuard)
  get(@CurrentUser('username') username: string) {
    return { feature: username };
  }
}

/** A feature module that does not import JwtAuthModule. */
@Module({ controllers: [FeatureController] })
class FeatureModule {}

/** A provider outside JwtAuthModule that needs JwtAuthService. */
@Injectable()
class FeatureTokens {
  constructor(@Inject(JwtAuthService) readonly tokens: JwtAuthService) {}
}

@Module({ providers: [FeatureTokens] })
class FeatureServiceModule {}

/** Every route open through `@Public()` on the class. */
@Public()
@Controller('open')
class OpenController {
  @Get('one')
  one() {
    return { open: 1 };
  }

  @Get('two')
  two() {
    return { open: 2 };
  }
}

const configToken = () => signHs(adminClaims(), { secret: CONFIG_SECRET });

describe.each(ADAPTERS)('JwtAuthModule configuration (%s)', (adapter) => {
  /** Checks that an app was configured from JwtConfig: its secret, its "Bearer" prefix, drf bodies. */
  async function expectConfiguredFromProvider(t: TestApp): Promise<void> {
    const ok = await request(t.server).get('/protected-url').set('Authorization', `Bearer ${configToken()}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ username: 'admin' });
    const wrongSecret = await request(t.server)
      .get('/protected-url')
      .set('Authorization', `Bearer ${signHs(adminClaims())}`);
    expectRefusal(wrongSecret, 'Error decoding signature.', 'drf', 'Bearer');
    const login = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    expect(login.status).toBe(200);
    const me = await request(t.server)
      .get('/protected-url')
      .set('Authorization', `Bearer ${login.body.token as string}`);
    expect(me.status).toBe(200);
  }

  describe('forRootAsync', () => {
    let t: TestApp | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('useFactory with inject of a provider from an imported module', async () => {
      t = await startApp(
        adapter,
        JwtAuthModule.forRootAsync({
          imports: [JwtConfigModule, UsersModule],
          inject: [JwtConfig],
          useFactory: (config: JwtConfig): JwtAuthModuleOptions => ({
            secretKey: config.secret,
            authHeaderPrefix: config.prefix,
            errorFormat: 'drf',
          }),
        }),
      );
      await expectConfiguredFromProvider(t);
    });

    it('useFactory returning a promise', async () => {
      t = await startApp(
        adapter,
        JwtAuthModule.forRootAsync({
          imports: [JwtConfigModule, UsersModule],
          inject: [JwtConfig],
          useFactory: async (config: JwtConfig): Promise<JwtAuthModuleOptions> => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            return { secretKey: config.secret, authHeaderPrefix: config.prefix, errorFormat: 'drf' };
          },
        }),
      );
      await expectConfiguredFromProvider(t);
    });

    it('useClass: a class implementing createJwtAuthOptions()', async () => {
      t = await startApp(
        adapter,
        JwtAuthModule.forRootAsync({ imports: [JwtConfigModule, UsersModule], useClass: JwtOptionsFromConfig }),
      );
      await expectConfiguredFromProvider(t);
    });

    it('useExisting: a provider exported by an imported module', async () => {
      t = await startApp(
        adapter,
        JwtAuthModule.forRootAsync({ imports: [JwtOptionsModule, UsersModule], useExisting: JwtOptionsFromConfig }),
      );
      await expectConfiguredFromProvider(t);
    });

    it('a factory that returns invalid options stops the app with the option named', async () => {
      await expect(
        startApp(
          adapter,
          JwtAuthModule.forRootAsync({ imports: [UsersModule], useFactory: () => ({ secretKey: 'too short' }) }),
        ),
      ).rejects.toThrow(/option "secretKey"/);
    });

    it('accepts the module extras (globalGuard) next to useFactory', async () => {
      t = await startApp(
        adapter,
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => ({ secretKey: SECRET }),
          globalGuard: true,
        }),
      );
      expectRefusal(await request(t.server).get('/plain'), 'Authentication credentials were not provided.', 'nest');
      const ok = await request(t.server)
        .get('/plain')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expect(ok.status).toBe(200);
    });
  });

  describe('forRoot imports', () => {
    let t: TestApp | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it("imports: [UsersModule] gives the module the app's UserLookupService (login works)", async () => {
      t = await startApp(adapter, JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] }));
      const login = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      expect(login.status).toBe(200);
      expect(payloadOf(login.body.token as string).username).toBe('admin');
    });

    it('without imports the app cannot start: UserLookupService is not resolvable', async () => {
      await expect(startApp(adapter, JwtAuthModule.forRoot({ secretKey: SECRET }))).rejects.toThrow(
        /UserLookupService/,
      );
    });
  });

  describe('isGlobal', () => {
    let t: TestApp | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('isGlobal: true makes JwtAuthGuard usable in a feature module that does not import JwtAuthModule', async () => {
      t = await startCustomApp(adapter, {
        imports: [JwtAuthModule.forRoot({ secretKey: SECRET, isGlobal: true, imports: [UsersModule] }), FeatureModule],
      });
      const ok = await request(t.server)
        .get('/feature')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ feature: 'admin' });
      expectRefusal(await request(t.server).get('/feature'), 'Authentication credentials were not provided.', 'nest');
    });

    it('isGlobal: true makes JwtAuthService injectable anywhere', async () => {
      t = await startCustomApp(adapter, {
        imports: [
          JwtAuthModule.forRoot({ secretKey: SECRET, isGlobal: true, imports: [UsersModule] }),
          FeatureServiceModule,
        ],
      });
      const { tokens } = t.app.get(FeatureTokens);
      expect(tokens).toBeInstanceOf(JwtAuthService);
      const token = tokens.issueToken(t.users.users.get('admin')!);
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
      expect(response.status).toBe(200);
    });

    it('without isGlobal a provider in another module cannot inject JwtAuthService: the app does not start', async () => {
      await expect(
        startCustomApp(adapter, {
          imports: [JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] }), FeatureServiceModule],
        }),
      ).rejects.toThrow(/JwtAuthService/);
    });

    // Without isGlobal the guard works in that feature module too: guard-in-feature-module.e2e-spec.ts.
  });

  describe('globalGuard: true', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startCustomApp(adapter, {
        imports: [
          JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, errorFormat: 'drf', imports: [UsersModule] }),
        ],
        controllers: [ProtectedController, OpenController],
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('protects a route without a guard of its own (/plain): 401 with the challenge', async () => {
      expectRefusal(await request(t.server).get('/plain'), 'Authentication credentials were not provided.', 'drf');
    });

    it('lets a valid token through to /plain', async () => {
      const response = await request(t.server)
        .get('/plain')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ plain: true });
    });

    it('gives /plain the token messages (expired: Signature has expired.)', async () => {
      const response = await request(t.server)
        .get('/plain')
        .set('Authorization', `JWT ${signHs(adminClaims({ exp: 1000 }))}`);
      expectRefusal(response, 'Signature has expired.', 'drf');
    });

    it('leaves a route marked @Public() open (/public)', async () => {
      const response = await request(t.server).get('/public');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ok: true });
    });

    it('leaves a @Public() route open even with a broken Authorization header', async () => {
      const response = await request(t.server).get('/public').set('Authorization', 'JWT a b');
      expect(response.status).toBe(200);
    });

    it('@Public() on a controller class opens all of its routes', async () => {
      const one = await request(t.server).get('/open/one');
      const two = await request(t.server).get('/open/two');
      expect([one.status, one.body, two.status, two.body]).toEqual([200, { open: 1 }, 200, { open: 2 }]);
    });

    it('keeps the token endpoints open (login without a token)', async () => {
      const login = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      expect(login.status).toBe(200);
      const verify = await request(t.server)
        .post('/api-token-verify/')
        .send({ token: login.body.token as string });
      expect(verify.status).toBe(200);
    });

    it("keeps the token endpoints' own errors (400, not 401) for a bad login", async () => {
      const login = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'wrong' });
      expect(login.status).toBe(400);
      expect(login.body).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] });
    });

    it('a route with its own @UseGuards(JwtAuthGuard) still works under the global guard', async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });
  });

  describe('without globalGuard (default)', () => {
    const t = useApp(adapter, () => JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] }));

    it('leaves /plain open', async () => {
      const response = await request(t.server).get('/plain');
      expect(response.status).toBe(200);
    });
  });

  describe('strategyName', () => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        strategyName: 'custom-jwt',
        errorFormat: 'drf',
        imports: [UsersModule],
      }),
    );

    it('a custom strategy name: the Passport strategy is registered under it', () => {
      // Passport's private lookup; the registry is process-wide (see toolchain notes).
      const registry = passport as unknown as { _strategy(name: string): unknown };
      expect(registry._strategy('custom-jwt')).toBeDefined();
    });

    it('a custom strategy name: valid tokens pass', async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('a custom strategy name: refusals keep their messages', async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `JWT ${signHs(adminClaims({ username: 'nobody' }))}`);
      expectRefusal(response, 'Invalid signature.', 'drf');
    });
  });
});
