import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule, type JwtAuthModuleOptions } from '../../lib/index.js';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { and, IsAdminUser, IsAuthenticated, IsAuthenticatedOrReadOnly } from '../../lib/permissions/index.js';
import { ADAPTERS, ProtectedController, SECRET, startApp, type TestApp, UsersModule } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, signHs } from '../support/tokens.js';
import { NOT_PROVIDED, type OpeningHours, startPermissionsApp } from './permission-app.js';

const admin = `JWT ${signHs(adminClaims())}`;

describe.each(ADAPTERS)('permissions.defaultPermissionClasses under the global guard (%s)', (adapter) => {
  let t: TestApp & { hours: OpeningHours };
  beforeAll(async () => {
    t = await startPermissionsApp(
      adapter,
      { errorFormat: 'drf', permissions: { defaultPermissionClasses: [IsAuthenticatedOrReadOnly] } },
      { globalGuard: true },
    );
  });
  afterAll(() => t.close());

  it('DRF DEFAULT_PERMISSION_CLASSES: routes without classes use the default (GET for anyone)', async () => {
    const response = await request(t.server).get('/perm/default');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
  });

  it('and authenticate a token sent to them', async () => {
    const response = await request(t.server).get('/perm/default').set('Authorization', admin);
    expect(response.body).toEqual({ username: 'admin' });
  });

  it("a route's own classes replace the default", async () => {
    expectRefusal(await request(t.server).get('/perm/admin'), NOT_PROVIDED, 'drf');
  });

  it('the token endpoints stay public', async () => {
    const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    expect(response.status).toBe(200);
  });
});

describe.each(ADAPTERS)('a composed default on a per-route guard (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(
      adapter,
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        errorFormat: 'drf',
        imports: [UsersModule],
        permissions: { defaultPermissionClasses: [and(IsAuthenticated, IsAdminUser)] },
      }),
      [ProtectedController],
    );
  });
  afterAll(() => t.close());

  it('applies to @UseGuards(JwtAuthGuard) routes too, as DRF applies its default to every view', async () => {
    const response = await request(t.server).get('/protected-url').set('Authorization', admin);
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
    });
  });
});

/** Options wrong on purpose, as a JavaScript caller could pass them. */
const bad = (permissions: unknown): JwtAuthModuleOptions =>
  ({ secretKey: SECRET, imports: [UsersModule], permissions }) as JwtAuthModuleOptions;

describe.each(ADAPTERS)('the permissions option is checked at start-up (%s)', (adapter) => {
  it.each([
    ['a string', bad('IsAuthenticated'), 'option "permissions" must be an object'],
    [
      'a class, not a list',
      bad({ defaultPermissionClasses: IsAuthenticated }),
      'option "permissions.defaultPermissionClasses" must be a list',
    ],
    [
      'a class name',
      bad({ defaultPermissionClasses: ['IsAuthenticated'] }),
      'option "permissions.defaultPermissionClasses" must list permission classes',
    ],
    [
      'a class without hasPermission',
      bad({ defaultPermissionClasses: [class NotAPermission {}] }),
      'got class NotAPermission',
    ],
    ['an empty claim name', bad({ scopesClaim: '' }), 'option "permissions.scopesClaim" must be a non-empty string'],
    ['a misspelt name', bad({ defaultPermissions: [] }), 'did you mean "permissions.defaultPermissionClasses"?'],
  ])('refuses %s, naming the option', async (_label, options, message) => {
    const started = startApp(adapter, JwtAuthModule.forRoot(options), []);
    await expect(started).rejects.toThrow(JwtAuthConfigError);
    await expect(startApp(adapter, JwtAuthModule.forRoot(options), [])).rejects.toThrow(message);
  });
});
