import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type ExecutionContext, Get, HttpException, Injectable, Module, UseGuards } from '@nestjs/common';
import request from 'supertest';
import { CurrentUser, JwtAuthGuard, JwtAuthModule, type Refusal } from '../../lib/index.js';
import { ADAPTERS, SECRET, type TestApp, UsersModule } from '../support/apps.js';
import { startCustomApp } from '../support/custom-app.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, signHs } from '../support/tokens.js';

@Controller('feature')
class FeatureController {
  @Get()
  @UseGuards(JwtAuthGuard)
  get(@CurrentUser('username') username: string) {
    return { feature: username };
  }
}

/** A feature module that does not import JwtAuthModule: the guard must find the app's. */
@Module({ controllers: [FeatureController] })
class FeatureModule {}

/** A subclass of the app's, in another feature module: it finds the module the same way. */
@Injectable()
class ProblemGuard extends JwtAuthGuard {
  protected override async renderRefusal(refusal: Refusal, context: ExecutionContext): Promise<Error> {
    if (context.getType() !== 'http') return super.renderRefusal(refusal, context);
    return new HttpException({ title: refusal.message, status: refusal.status }, refusal.status);
  }
}

@Controller('problem')
class ProblemController {
  @Get()
  @UseGuards(ProblemGuard)
  get(@CurrentUser('username') username: string) {
    return { problem: username };
  }
}

@Module({ controllers: [ProblemController] })
class ProblemModule {}

describe.each(ADAPTERS)('JwtAuthGuard in a feature module that does not import JwtAuthModule (%s)', (adapter) => {
  describe('JwtAuthModule.forRoot in the root module, without isGlobal', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startCustomApp(adapter, {
        imports: [
          JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: 'drf', imports: [UsersModule] }),
          FeatureModule,
          ProblemModule,
        ],
        controllers: [],
      });
    });
    afterAll(() => t.close());

    it("answers 401 without a token, with the settings of the app's module (drf body)", async () => {
      expectRefusal(await request(t.server).get('/feature'), 'Authentication credentials were not provided.', 'drf');
    });

    it('answers 200 with a valid token, the user resolved', async () => {
      const response = await request(t.server)
        .get('/feature')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ feature: 'admin' });
    });

    it('refuses a token signed with another secret', async () => {
      const response = await request(t.server)
        .get('/feature')
        .set(
          'Authorization',
          `JWT ${signHs(adminClaims(), { secret: 'another-secret-that-is-long-enough-0123456789' })}`,
        );
      expectRefusal(response, 'Error decoding signature.', 'drf');
    });

    it('a subclass of JwtAuthGuard works there too', async () => {
      const refused = await request(t.server).get('/problem');
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ title: 'Authentication credentials were not provided.', status: 401 });
      const ok = await request(t.server)
        .get('/problem')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expect([ok.status, ok.body]).toEqual([200, { problem: 'admin' }]);
    });
  });

  describe('JwtAuthModule.forRootAsync in the root module', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startCustomApp(adapter, {
        imports: [
          JwtAuthModule.forRootAsync({
            imports: [UsersModule],
            useFactory: () => ({ secretKey: SECRET, authHeaderPrefix: 'Bearer' }),
          }),
          FeatureModule,
        ],
        controllers: [],
      });
    });
    afterAll(() => t.close());

    it('answers 401 without a token, with the challenge of the configured prefix', async () => {
      expectRefusal(
        await request(t.server).get('/feature'),
        'Authentication credentials were not provided.',
        'nest',
        'Bearer',
      );
    });

    it('answers 200 with a valid token', async () => {
      const response = await request(t.server)
        .get('/feature')
        .set('Authorization', `Bearer ${signHs(adminClaims())}`);
      expect([response.status, response.body]).toEqual([200, { feature: 'admin' }]);
    });
  });

  describe('apps the guard cannot serve do not start', () => {
    let t: TestApp | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('an app without JwtAuthModule: the error says what to import, and where', async () => {
      const started = startCustomApp(adapter, { imports: [FeatureModule], controllers: [] });
      await expect(started).rejects.toThrow(
        'nest-rest-jwt: JwtAuthGuard needs JwtAuthModule, and the app has none: import JwtAuthModule.forRoot({ ... }) (or forRootAsync) once, in the root module',
      );
    });

    it('an app with two JwtAuthModules, neither imported where the guard is: it cannot tell which', async () => {
      @Module({
        imports: [
          JwtAuthModule.forRoot({ secretKey: SECRET, controller: false, strategyName: 'one', imports: [UsersModule] }),
        ],
      })
      class OneModule {}
      @Module({
        imports: [
          JwtAuthModule.forRoot({ secretKey: SECRET, controller: false, strategyName: 'two', imports: [UsersModule] }),
        ],
      })
      class TwoModule {}
      const started = startCustomApp(adapter, { imports: [OneModule, TwoModule, FeatureModule], controllers: [] });
      await expect(started).rejects.toThrow(
        /JwtAuthGuard is used in a module that does not import JwtAuthModule, and the app has 2 of them: import the one it should use into that module/,
      );
    });

    it('with two JwtAuthModules, a feature module that imports one uses that one', async () => {
      const drf = JwtAuthModule.forRoot({
        secretKey: SECRET,
        errorFormat: 'drf',
        controller: false,
        strategyName: 'drf',
        imports: [UsersModule],
      });
      @Module({ imports: [drf], controllers: [FeatureController] })
      class DrfFeatureModule {}
      @Module({
        imports: [
          JwtAuthModule.forRoot({ secretKey: SECRET, controller: false, strategyName: 'nest', imports: [UsersModule] }),
        ],
      })
      class OtherModule {}
      t = await startCustomApp(adapter, { imports: [OtherModule, DrfFeatureModule], controllers: [] });
      expectRefusal(await request(t.server).get('/feature'), 'Authentication credentials were not provided.', 'drf');
    });
  });
});
