import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { JwtAuthService } from '../../lib/flows/jwt-auth.service.js';
import { ADAPTERS, SECRET, type TestApp, useApp, UsersModule } from '../support/apps.js';
import { startCustomApp } from '../support/custom-app.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, signHs } from '../support/tokens.js';

const CREDENTIALS = { username: 'admin', password: 'abc123' };

describe.each(ADAPTERS)('Token endpoint routes (%s)', (adapter) => {
  describe('controller: false', () => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({ secretKey: SECRET, controller: false, allowRefresh: true, imports: [UsersModule] }),
    );

    it.each(['/api-token-auth/', '/api-token-refresh/', '/api-token-verify/', '/api-token-auth'])(
      'POST %s answers 404',
      async (path) => {
        const response = await request(t.server).post(path).send(CREDENTIALS);
        expect(response.status).toBe(404);
      },
    );

    it('the guard still accepts a token issued by JwtAuthService.issueToken()', async () => {
      const token = t.app.get(JwtAuthService).issueToken(t.users.users.get('admin')!);
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('the guard still refuses with the reference messages', async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `JWT ${signHs(adminClaims({ exp: 1000 }))}`);
      expectRefusal(response, 'Signature has expired.', 'nest');
    });
  });

  describe.each(['auth', '/auth', 'auth/', '/auth/'])('routePrefix %j', (routePrefix) => {
    const t = useApp(adapter, () => JwtAuthModule.forRoot({ secretKey: SECRET, routePrefix, imports: [UsersModule] }));

    it('POST /auth/api-token-auth/ (trailing slash) gives a token', async () => {
      const response = await request(t.server).post('/auth/api-token-auth/').send(CREDENTIALS);
      expect(response.status).toBe(200);
      expect(typeof response.body.token).toBe('string');
    });

    it('POST /auth/api-token-auth (no trailing slash) gives a token', async () => {
      const response = await request(t.server).post('/auth/api-token-auth').send(CREDENTIALS);
      expect(response.status).toBe(200);
      expect(typeof response.body.token).toBe('string');
    });

    it('POST /auth/api-token-verify/ and /auth/api-token-refresh/ are served under the prefix', async () => {
      const login = await request(t.server).post('/auth/api-token-auth/').send(CREDENTIALS);
      const token = login.body.token as string;
      const verify = await request(t.server).post('/auth/api-token-verify/').send({ token });
      expect(verify.status).toBe(200);
      expect(verify.body).toEqual({ token });
      // allowRefresh is off: the endpoint exists and answers with its own message.
      const refresh = await request(t.server).post('/auth/api-token-refresh/').send({ token });
      expect(refresh.status).toBe(400);
      expect(refresh.body.message).toBe('orig_iat field is required.');
    });

    it('GET /auth/api-token-auth/ answers 405 (the slash twin serves every method)', async () => {
      const response = await request(t.server).get('/auth/api-token-auth/');
      expect(response.status).toBe(405);
      expect(response.body.message).toBe('Method "GET" not allowed.');
    });

    it('POST /api-token-auth/ (without the prefix) answers 404', async () => {
      const response = await request(t.server).post('/api-token-auth/').send(CREDENTIALS);
      expect(response.status).toBe(404);
    });

    it('a token from the prefixed endpoint opens the guard', async () => {
      const login = await request(t.server).post('/auth/api-token-auth/').send(CREDENTIALS);
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `JWT ${login.body.token as string}`);
      expect(response.status).toBe(200);
    });
  });

  describe('routePrefix "auth" with app.setGlobalPrefix("api")', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startCustomApp(adapter, {
        imports: [JwtAuthModule.forRoot({ secretKey: SECRET, routePrefix: 'auth', imports: [UsersModule] })],
        globalPrefix: 'api',
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('POST /api/auth/api-token-auth/ (trailing slash) gives a token', async () => {
      const response = await request(t.server).post('/api/auth/api-token-auth/').send(CREDENTIALS);
      expect(response.status).toBe(200);
      expect(typeof response.body.token).toBe('string');
    });

    it('POST /api/auth/api-token-auth (no trailing slash) gives a token', async () => {
      const response = await request(t.server).post('/api/auth/api-token-auth').send(CREDENTIALS);
      expect(response.status).toBe(200);
    });

    it('POST /api/auth/api-token-verify/ (trailing slash) verifies a token', async () => {
      const login = await request(t.server).post('/api/auth/api-token-auth/').send(CREDENTIALS);
      const verify = await request(t.server)
        .post('/api/auth/api-token-verify/')
        .send({ token: login.body.token as string });
      expect(verify.status).toBe(200);
    });

    it('POST /auth/api-token-auth/ (without the global prefix) answers 404', async () => {
      expect((await request(t.server).post('/auth/api-token-auth/').send(CREDENTIALS)).status).toBe(404);
    });

    it('POST /api/api-token-auth/ (without the route prefix) answers 404', async () => {
      expect((await request(t.server).post('/api/api-token-auth/').send(CREDENTIALS)).status).toBe(404);
    });

    it('the guard works under the global prefix (/api/protected-url)', async () => {
      const login = await request(t.server).post('/api/auth/api-token-auth/').send(CREDENTIALS);
      const response = await request(t.server)
        .get('/api/protected-url')
        .set('Authorization', `JWT ${login.body.token as string}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });
  });

  describe('app.setGlobalPrefix("/api/") with no routePrefix', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startCustomApp(adapter, {
        imports: [JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] })],
        globalPrefix: '/api/',
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('POST /api/api-token-auth/ (trailing slash) gives a token', async () => {
      const response = await request(t.server).post('/api/api-token-auth/').send(CREDENTIALS);
      expect(response.status).toBe(200);
    });

    it('POST /api/api-token-auth (no trailing slash) gives a token', async () => {
      const response = await request(t.server).post('/api/api-token-auth').send(CREDENTIALS);
      expect(response.status).toBe(200);
    });
  });

  describe('routePrefix "v1/auth" (two segments)', () => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({ secretKey: SECRET, routePrefix: 'v1/auth', imports: [UsersModule] }),
    );

    it('POST /v1/auth/api-token-auth/ (trailing slash) gives a token', async () => {
      expect((await request(t.server).post('/v1/auth/api-token-auth/').send(CREDENTIALS)).status).toBe(200);
    });

    it('POST /v1/auth/api-token-auth (no trailing slash) gives a token', async () => {
      expect((await request(t.server).post('/v1/auth/api-token-auth').send(CREDENTIALS)).status).toBe(200);
    });
  });
});
