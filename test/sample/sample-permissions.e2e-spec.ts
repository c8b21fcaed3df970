import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import Database from 'better-sqlite3';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp, HTTP_ADAPTERS } from '../../sample/create-app.js';
import { UserStore } from '../../sample/users/user-store.js';
import { runUsersCommand } from '../../sample/users/users-command.js';
import { useSampleEnv } from '../support/sample-env.js';

const SECRET = 'sample-permissions-secret-long-enough-for-hs256';
const NOT_PROVIDED = 'Authentication credentials were not provided.';
const PERMISSION_DENIED = 'You do not have permission to perform this action.';
const RECENT_LOGIN = 'This action requires a recent login. Log in again.';

const { tempDir, setEnv } = useSampleEnv(
  ['SAMPLE_DB', 'JWT_SECRET_KEY', 'JWT_ERROR_FORMAT'],
  'nest-rest-jwt-sample-perms-',
);

/** An HS256 token signed with the sample's secret, without the library: any claims the test needs. */
function sign(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe.each(HTTP_ADAPTERS)('sample app on %s: the permission routes', (adapter) => {
  const dbFile = join(tempDir, `${adapter}.sqlite3`);
  let app: INestApplication;
  let server: App;
  let adminToken: string;
  let aliceToken: string;

  const login = async (username: string, password: string): Promise<string> => {
    const response = await request(server).post('/api-token-auth/').send({ username, password });
    expect(response.status).toBe(200);
    return response.body.token as string;
  };

  beforeAll(async () => {
    setEnv({ SAMPLE_DB: dbFile, JWT_SECRET_KEY: SECRET, JWT_ERROR_FORMAT: 'drf' });
    app = await createApp(adapter, { logger: false });
    server = app.getHttpServer();
    const store = UserStore.open(dbFile);
    const added = await runUsersCommand(['add', 'alice', 'pw', '--staff'], store);
    store.close();
    expect(added).toEqual({ code: 0, stdout: ['Created user "alice" (id 2, staff).'], stderr: [] });
    adminToken = await login('admin', 'abc123');
    aliceToken = await login('alice', 'pw');
  });
  afterAll(() => app?.close());

  it('/admin-url/: staff only (alice, added with --staff); admin is not staff: 403; anonymous: 401', async () => {
    const alice = await request(server).get('/admin-url/').set('Authorization', `JWT ${aliceToken}`);
    expect(alice.status).toBe(200);
    expect(alice.body.username).toBe('alice');
    const admin = await request(server).get('/admin-url/').set('Authorization', `JWT ${adminToken}`);
    expect({ status: admin.status, body: admin.body as unknown }).toEqual({
      status: 403,
      body: { detail: PERMISSION_DENIED },
    });
    const anonymous = await request(server).get('/admin-url/');
    expect({ status: anonymous.status, body: anonymous.body as unknown }).toEqual({
      status: 401,
      body: { detail: NOT_PROVIDED },
    });
    expect(anonymous.headers['www-authenticate']).toBe('JWT realm="api"');
  });

  it('/optional-url/: the username, or anonymous; a bad token is a 401', async () => {
    const alice = await request(server).get('/optional-url/').set('Authorization', `JWT ${aliceToken}`);
    expect(alice.body).toEqual({ username: 'alice' });
    expect((await request(server).get('/optional-url/')).body).toEqual({ username: 'anonymous' });
    const bad = await request(server).get('/optional-url/').set('Authorization', 'JWT abc');
    expect({ status: bad.status, body: bad.body as unknown }).toEqual({
      status: 401,
      body: { detail: 'Error decoding signature.' },
    });
  });

  it('/readonly-url/: GET for anyone, POST authenticated only', async () => {
    expect((await request(server).get('/readonly-url/')).body).toEqual({ read: true, username: 'anonymous' });
    const anonymous = await request(server).post('/readonly-url/');
    expect({ status: anonymous.status, body: anonymous.body as unknown }).toEqual({
      status: 401,
      body: { detail: NOT_PROVIDED },
    });
    const admin = await request(server).post('/readonly-url/').set('Authorization', `JWT ${adminToken}`);
    expect({ status: admin.status, body: admin.body as unknown }).toEqual({
      status: 200,
      body: { written: true, username: 'admin' },
    });
  });

  it('/fresh-url/: a token just obtained by logging in passes', async () => {
    const response = await request(server).post('/fresh-url/').set('Authorization', `JWT ${adminToken}`);
    expect(response.status).toBe(200);
    expect(response.body.username).toBe('admin');
  });

  it('/fresh-url/: a refresh does not renew the login (orig_iat carried over): 403', async () => {
    // Logged in 10 minutes ago, refreshed by the sample's own /api-token-refresh/ just now.
    const old = sign({
      user_id: 1,
      username: 'admin',
      email: '',
      exp: now() + 60,
      orig_iat: now() - 600,
      iat: now() - 600,
    });
    const refreshed = await request(server).post('/api-token-refresh/').send({ token: old });
    expect(refreshed.status).toBe(200);
    const token = refreshed.body.token as string;
    const claims = payloadOf(token);
    // orig_iat is the old token's (upstream's refresh keeps it); iat is the refresh's.
    expect(claims.orig_iat).toBe(payloadOf(old).orig_iat);
    expect(claims.iat).toBeGreaterThan(claims.orig_iat);
    const response = await request(server).post('/fresh-url/').set('Authorization', `JWT ${token}`);
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 403,
      body: { detail: RECENT_LOGIN },
    });
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it('/fresh-url/ without a token: 401', async () => {
    expect((await request(server).get('/fresh-url/')).status).toBe(401);
  });
});

describe('sample user store: the staff column', () => {
  it('is added to a database made before it, every user not staff', () => {
    const dbFile = join(tempDir, 'before-staff.sqlite3');
    const db = new Database(dbFile);
    db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password TEXT NOT NULL,
      email TEXT NULL, is_active INTEGER NOT NULL DEFAULT 1)`);
    db.prepare('INSERT INTO users (username, password) VALUES (?, ?)').run('old', 'x');
    db.close();
    const store = UserStore.open(dbFile);
    try {
      expect(store.find('old')).toMatchObject({ username: 'old', isActive: true, isStaff: false });
    } finally {
      store.close();
    }
  });
});
