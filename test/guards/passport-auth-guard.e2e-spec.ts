import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import request from 'supertest';
import { CurrentUser, JwtAuthModule } from '../../lib/index.js';
import { ADAPTERS, SECRET, startApp, type TestApp, UsersModule } from '../support/apps.js';
import type { TestUser } from '../support/users.js';
import { adminClaims, signHs } from '../support/tokens.js';

@Controller()
class RecipeStyleController {
  @Get('recipe')
  @UseGuards(AuthGuard('recipe-jwt'))
  get(@CurrentUser() user: TestUser) {
    return { username: user.username };
  }
}

/** Code written for the official recipe: Passport's AuthGuard with the module's strategy name. */
describe.each(ADAPTERS)("Passport's AuthGuard(strategyName) (%s)", (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, strategyName: 'recipe-jwt', imports: [UsersModule] }),
      [RecipeStyleController],
    );
  });
  afterAll(() => t.close());

  const get = (authorization?: string) => {
    const req = request(t.server).get('/recipe');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  it('lets a valid token in and hands the looked-up user to the route', async () => {
    const response = await get(`JWT ${signHs(adminClaims())}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ username: 'admin' });
  });

  it.each([
    ['no header', undefined],
    ['a bad signature', `JWT ${signHs(adminClaims(), { secret: 'another-secret-that-is-long-enough-!!!!' })}`],
    ['an expired token', `JWT ${signHs(adminClaims({ exp: 1000 }))}`],
    ['the wrong prefix', `Bearer ${signHs(adminClaims())}`],
    ['an unknown user', `JWT ${signHs(adminClaims({ username: 'nobody' }))}`],
  ])('refuses %s with a 401', async (_name, authorization) => {
    const response = await get(authorization);
    expect(response.status).toBe(401);
  });

  it('refuses a user deactivated after issue', async () => {
    t.users.users.get('admin')!.isActive = false;
    try {
      expect((await get(`JWT ${signHs(adminClaims())}`)).status).toBe(401);
    } finally {
      t.users.reset();
    }
  });
});
