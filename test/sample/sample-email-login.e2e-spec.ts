import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp, HTTP_ADAPTERS } from '../../sample/create-app.js';
import { UserStore } from '../../sample/users/user-store.js';
import { runUsersCommand } from '../../sample/users/users-command.js';
import { useSampleEnv } from '../support/sample-env.js';

const SAMPLE_ENV = ['SAMPLE_DB', 'JWT_SECRET_KEY', 'JWT_ERROR_FORMAT', 'JWT_USERNAME_FIELD'];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-sample-email-');
const SECRET = 'sample-email-secret-long-enough-for-hs256-signing';

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

describe.each(HTTP_ADAPTERS)('sample app on %s with JWT_USERNAME_FIELD=email', (adapter) => {
  const dbFile = join(tempDir, `${adapter}.sqlite3`);
  let app: INestApplication;
  let server: App;
  let store: UserStore;

  beforeAll(async () => {
    setEnv({ SAMPLE_DB: dbFile, JWT_SECRET_KEY: SECRET, JWT_ERROR_FORMAT: 'drf', JWT_USERNAME_FIELD: 'email' });
    app = await createApp(adapter, { logger: false });
    server = app.getHttpServer();
    store = UserStore.open(dbFile);
    const added = await runUsersCommand(['add', 'alice', 'pw', '--email', 'alice@example.com'], store);
    expect(added.code).toBe(0);
  });
  afterAll(async () => {
    store?.close();
    await app?.close();
  });

  it('logs alice in by email; the token names her by username and lets her in', async () => {
    const response = await request(server)
      .post('/api-token-auth/')
      .send({ email: 'alice@example.com', password: 'pw' });
    expect(response.status).toBe(200);
    const token = (response.body as { token: string }).token;
    expect(claimsOf(token)).toMatchObject({ username: 'alice', email: 'alice@example.com' });
    const me = await request(server).get('/protected-url/').set('Authorization', `JWT ${token}`);
    expect(me.status).toBe(200);
  });

  it('a form login by email works too', async () => {
    const response = await request(server)
      .post('/api-token-auth/')
      .type('form')
      .send('email=alice%40example.com&password=pw');
    expect(response.status).toBe(200);
  });

  it('asks for the email field, by its name, when it is missing', async () => {
    const response = await request(server).post('/api-token-auth/').send({ username: 'alice', password: 'pw' });
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 400,
      body: { email: ['This field is required.'] },
    });
  });

  it('an address two users share logs nobody in', async () => {
    expect((await runUsersCommand(['add', 'bob', 'pw', '--email', 'shared@example.com'], store)).code).toBe(0);
    expect((await runUsersCommand(['add', 'carol', 'pw', '--email', 'shared@example.com'], store)).code).toBe(0);
    const response = await request(server)
      .post('/api-token-auth/')
      .send({ email: 'shared@example.com', password: 'pw' });
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 400,
      body: { non_field_errors: ['Unable to log in with provided credentials.'] },
    });
  });
});

describe('sample start-up with a bad JWT_USERNAME_FIELD', () => {
  it('stops with an error naming the variable', async () => {
    setEnv({ SAMPLE_DB: join(tempDir, 'bad.sqlite3'), JWT_SECRET_KEY: SECRET, JWT_USERNAME_FIELD: 'phone' });
    await expect(createApp('express', { logger: false })).rejects.toThrow('JWT_USERNAME_FIELD');
  });
});
