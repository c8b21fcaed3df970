import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import { ERROR_FORMATS, expectRefusal } from '../support/refusals.js';
import { adminClaims, signHs } from '../support/tokens.js';

const NOT_PROVIDED = 'Authentication credentials were not provided.';
const NO_CREDENTIALS = 'Invalid Authorization header. No credentials provided.';
const WITH_SPACES = 'Invalid Authorization header. Credentials string should not contain spaces.';

describe.each(ADAPTERS)('JwtAuthGuard reads the Authorization header (%s)', (adapter) => {
  describe.each(ERROR_FORMATS)('errorFormat %s', (errorFormat) => {
    const t = useApp(adapter, () => JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat, imports: [UsersModule] }));
    const get = (authorization?: string) => {
      const req = request(t.server).get('/protected-url');
      return authorization === undefined ? req : req.set('Authorization', authorization);
    };

    it('refuses a request with no Authorization header: credentials were not provided', async () => {
      expectRefusal(await get(), NOT_PROVIDED, errorFormat);
    });

    it('refuses an empty Authorization header: credentials were not provided', async () => {
      expectRefusal(await get(''), NOT_PROVIDED, errorFormat);
    });

    it('refuses a header of whitespace only: credentials were not provided', async () => {
      expectRefusal(await get('   '), NOT_PROVIDED, errorFormat);
    });

    it('treats another scheme ("Bearer <valid token>") as not ours: credentials were not provided', async () => {
      expectRefusal(await get(`Bearer ${signHs(adminClaims())}`), NOT_PROVIDED, errorFormat);
    });

    it('treats a scheme that merely starts with the prefix ("JWTX <token>") as not ours', async () => {
      expectRefusal(await get(`JWTX ${signHs(adminClaims())}`), NOT_PROVIDED, errorFormat);
    });

    it('refuses the prefix alone ("JWT"): no credentials provided', async () => {
      expectRefusal(await get('JWT'), NO_CREDENTIALS, errorFormat);
    });

    it('refuses the prefix followed by spaces only ("JWT   "): no credentials provided', async () => {
      // Node trims the header value, so this is the same as "JWT" on the wire.
      expectRefusal(await get('JWT   '), NO_CREDENTIALS, errorFormat);
    });

    it('refuses "JWT a b": credentials string should not contain spaces', async () => {
      expectRefusal(await get('JWT a b'), WITH_SPACES, errorFormat);
    });

    it('refuses a valid token followed by junk ("JWT <token> junk"): should not contain spaces', async () => {
      expectRefusal(await get(`JWT ${signHs(adminClaims())} junk`), WITH_SPACES, errorFormat);
    });

    it('accepts "JWT <valid token>" and injects the user', async () => {
      const response = await get(`JWT ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('compares the prefix case-insensitively ("jwt <token>")', async () => {
      const response = await get(`jwt ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('compares the prefix case-insensitively ("JwT <token>")', async () => {
      const response = await get(`JwT ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('splits on runs of whitespace: several spaces between prefix and token are fine', async () => {
      const response = await get(`JWT    ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('splits on runs of whitespace: a tab between prefix and token is fine', async () => {
      const response = await get(`JWT\t${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('splits on runs of whitespace: a tab and spaces between prefix and token are fine', async () => {
      const response = await get(`JWT \t  ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('POST on a guarded route gets the username through @CurrentUser("username")', async () => {
      const response = await request(t.server)
        .post('/protected-url')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('POST on a guarded route without a header is refused like GET', async () => {
      expectRefusal(await request(t.server).post('/protected-url'), NOT_PROVIDED, errorFormat);
    });

    it('leaves an unguarded route (/plain) open', async () => {
      const plain = await request(t.server).get('/plain');
      expect(plain.status).toBe(200);
      expect(plain.body).toEqual({ plain: true });
      expect(plain.headers['www-authenticate']).toBeUndefined();
    });
  });

  describe('authHeaderPrefix "Bearer"', () => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        authHeaderPrefix: 'Bearer',
        errorFormat: 'drf',
        imports: [UsersModule],
      }),
    );

    it('accepts "Bearer <token>"', async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `Bearer ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('accepts "bearer <token>" (case-insensitive)', async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `bearer ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
    });

    it('treats "JWT <token>" as not ours and challenges with Bearer realm="api"', async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expectRefusal(response, NOT_PROVIDED, 'drf', 'Bearer');
    });

    it('challenges every refusal with Bearer realm="api" (no header)', async () => {
      expectRefusal(await request(t.server).get('/protected-url'), NOT_PROVIDED, 'drf', 'Bearer');
    });

    it('challenges token refusals with Bearer realm="api" (expired token)', async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `Bearer ${signHs(adminClaims({ exp: 1000 }))}`);
      expectRefusal(response, 'Signature has expired.', 'drf', 'Bearer');
    });

    it('refuses "Bearer" alone: no credentials provided', async () => {
      expectRefusal(
        await request(t.server).get('/protected-url').set('Authorization', 'Bearer'),
        NO_CREDENTIALS,
        'drf',
        'Bearer',
      );
    });
  });
});
