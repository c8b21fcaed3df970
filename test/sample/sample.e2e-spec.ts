import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import request, { type Response } from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp, HTTP_ADAPTERS } from '../../sample/create-app.js';
import { UserStore } from '../../sample/users/user-store.js';
import { runUsersCommand } from '../../sample/users/users-command.js';
import { useSampleEnv } from '../support/sample-env.js';

const SECRET = 'sample-e2e-secret-long-enough-for-hs256-signing';
const INVALID_CREDENTIALS = 'Unable to log in with provided credentials.';

/** The variables the sample reads; each test app starts from exactly these. */
const SAMPLE_ENV = ['SAMPLE_DB', 'JWT_SECRET_KEY', 'JWT_EXPIRATION_DELTA', 'JWT_ALLOW_REFRESH', 'JWT_ERROR_FORMAT'];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-sample-e2e-');

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** Whether the token's HS256 signature is made with `secret` (checked without the library). */
function signedWith(token: string, secret: string): boolean {
  const [head, body, signature] = token.split('.');
  return createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url') === signature;
}

function tokenOf(response: Response): string {
  expect(response.status).toBe(200);
  expect(typeof response.body.token).toBe('string');
  return response.body.token as string;
}

describe.each(HTTP_ADAPTERS)('sample app on %s: the README walk-through', (adapter) => {
  const dbFile = join(tempDir, `${adapter}.sqlite3`);
  let app: INestApplication;
  let server: App;
  let token: string;

  beforeAll(async () => {
    setEnv({ SAMPLE_DB: dbFile, JWT_SECRET_KEY: SECRET, JWT_EXPIRATION_DELTA: '10m' });
    app = await createApp(adapter, { logger: false });
    server = app.getHttpServer();
  });
  // Passport's strategy registry is global: the next app must not meet this one's strategy.
  afterAll(() => app?.close());

  it('has no JWKS endpoint with an HMAC secret (nothing public to publish)', async () => {
    expect((await request(server).get('/.well-known/jwks.json')).status).toBe(404);
  });

  it('GET /public/ is open', async () => {
    const response = await request(server).get('/public/');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ message: expect.stringContaining('public') });
  });

  it('created admin / abc123 on first start: a form login gives a token', async () => {
    const response = await request(server).post('/api-token-auth/').type('form').send('username=admin&password=abc123');
    token = tokenOf(response);
    // Signed with JWT_SECRET_KEY, valid for JWT_EXPIRATION_DELTA, refreshable by default.
    expect(signedWith(token, SECRET)).toBe(true);
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ user_id: 1, username: 'admin' });
    expect(claims.email).toBe(''); // no email: the empty one Django's User has
    expect(typeof claims.orig_iat).toBe('number');
    expect((claims.exp as number) - (claims.orig_iat as number)).toBe(600);
  });

  it('a JSON login gives a token too', async () => {
    const response = await request(server)
      .post('/api-token-auth/')
      .set('Content-Type', 'application/json')
      .send('{"username":"admin","password":"abc123"}');
    expect(claimsOf(tokenOf(response)).username).toBe('admin');
  });

  it('a wrong password is refused', async () => {
    const response = await request(server).post('/api-token-auth/').send({ username: 'admin', password: 'abc124' });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(INVALID_CREDENTIALS);
  });

  it.each(['get', 'post'] as const)('%s /protected-url/ with the token answers with the username', async (method) => {
    const response = await request(server)[method]('/protected-url/').set('Authorization', `JWT ${token}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ message: 'Hello, admin!', username: 'admin' });
  });

  it.each(['get', 'post'] as const)('%s /protected-url/ without a token is a 401', async (method) => {
    const response = await request(server)[method]('/protected-url/');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('JWT realm="api"');
    expect(response.body.message).toBe('Authentication credentials were not provided.');
  });

  it('/api-token-refresh/ gives a new token that keeps orig_iat', async () => {
    const response = await request(server)
      .post('/api-token-refresh/')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ token }));
    const refreshed = tokenOf(response);
    expect(refreshed).not.toBe(token);
    expect(signedWith(refreshed, SECRET)).toBe(true);
    expect(claimsOf(refreshed).orig_iat).toBe(claimsOf(token).orig_iat);
    const protectedResponse = await request(server).get('/protected-url/').set('Authorization', `JWT ${refreshed}`);
    expect(protectedResponse.body.username).toBe('admin');
  });

  it('/api-token-verify/ returns the same token', async () => {
    const response = await request(server).post('/api-token-verify/').send({ token });
    expect(tokenOf(response)).toBe(token);
  });

  describe('users managed by the command, on the database the server uses', () => {
    let store: UserStore;
    let aliceToken: string;
    // A connection of its own, as `npm run users` in another process would have.
    beforeAll(() => {
      store = UserStore.open(dbFile);
    });
    afterAll(() => store.close());

    const login = (password = 's3cret') =>
      request(server).post('/api-token-auth/').type('form').send({ username: 'alice', password });
    const users = async (...argv: string[]) => expect((await runUsersCommand(argv, store)).code).toBe(0);
    const protectedAs = (token: string) => request(server).get('/protected-url/').set('Authorization', `JWT ${token}`);

    it('add: the new user can log in; the token carries the email', async () => {
      await users('add', 'alice', 's3cret', '--email', 'alice@example.com');
      aliceToken = tokenOf(await login());
      expect(claimsOf(aliceToken)).toMatchObject({ user_id: 2, username: 'alice', email: 'alice@example.com' });
      // The server now keeps her (RecentUsers): the next changes must reach it all the same.
      expect((await protectedAs(aliceToken)).status).toBe(200);
    });

    it('deactivate: login fails with the usual message and her token stops working', async () => {
      await users('deactivate', 'alice');
      const response = await login();
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(INVALID_CREDENTIALS);
      const protectedResponse = await protectedAs(aliceToken);
      expect(protectedResponse.status).toBe(401);
      expect(protectedResponse.body.message).toBe('User account is disabled.');
    });

    it('activate: she can log in again, and her token works again', async () => {
      await users('activate', 'alice');
      tokenOf(await login());
      expect((await protectedAs(aliceToken)).body).toEqual({ message: 'Hello, alice!', username: 'alice' });
    });

    it('delete: login fails and her token is refused', async () => {
      await users('delete', 'alice');
      const response = await login();
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(INVALID_CREDENTIALS);
      const protectedResponse = await protectedAs(aliceToken);
      expect(protectedResponse.status).toBe(401);
      expect(protectedResponse.body.message).toBe('Invalid signature.');
    });

    it('list shows what is left', async () => {
      expect((await runUsersCommand(['list'], store)).stdout).toEqual(['1\tadmin\t-\tactive']);
    });
  });
});

describe('sample app start-up', () => {
  let app: INestApplication | undefined;
  afterAll(() => app?.close());

  it('keeps existing users: no second admin, and the settings are read at each start', async () => {
    const dbFile = join(tempDir, 'restart.sqlite3');
    const store = UserStore.open(dbFile);
    await store.add({ username: 'alice', password: 's3cret' });
    store.close();
    setEnv({ SAMPLE_DB: dbFile, JWT_SECRET_KEY: SECRET, JWT_ALLOW_REFRESH: 'false', JWT_ERROR_FORMAT: 'drf' });
    app = await createApp('express', { logger: false });
    const server = app.getHttpServer();
    const admin = await request(server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    expect(admin.status).toBe(400);
    expect(admin.body).toEqual({ non_field_errors: [INVALID_CREDENTIALS] });
    const alice = await request(server).post('/api-token-auth/').send({ username: 'alice', password: 's3cret' });
    expect(claimsOf(tokenOf(alice)).orig_iat).toBeUndefined();
  });

  it('stops with an error naming a bad boolean variable', async () => {
    await app?.close();
    app = undefined;
    setEnv({ SAMPLE_DB: join(tempDir, 'bad-boolean.sqlite3'), JWT_SECRET_KEY: SECRET, JWT_ALLOW_REFRESH: 'maybe' });
    await expect(createApp('express', { logger: false })).rejects.toThrow(/^JWT_ALLOW_REFRESH must be true or false/);
  });
});
