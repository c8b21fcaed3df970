import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import { ERROR_FORMATS, expectRefusal } from '../support/refusals.js';
import { payloadOf } from '../support/tokens.js';

describe.each(ADAPTERS)('Full flow: a token from the endpoints opens the guard (%s)', (adapter) => {
  describe.each(ERROR_FORMATS)('errorFormat %s', (errorFormat) => {
    const t = useApp(
      adapter,
      () => JwtAuthModule.forRoot({ secretKey: SECRET, allowRefresh: true, errorFormat, imports: [UsersModule] }),
      { resetUsers: true },
    );

    async function login(username: string, password: string): Promise<string> {
      const response = await request(t.server).post('/api-token-auth/').send({ username, password });
      expect(response.status).toBe(200);
      expect(typeof response.body.token).toBe('string');
      return response.body.token as string;
    }

    it('POST /api-token-auth/ then GET /protected-url with "JWT <token>": 200 and the user', async () => {
      const token = await login('admin', 'abc123');
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('a token from a form-encoded login opens POST /protected-url (@CurrentUser("username"))', async () => {
      const obtained = await request(t.server)
        .post('/api-token-auth/')
        .type('form')
        .send({ username: 'admin', password: 'abc123' });
      expect(obtained.status).toBe(200);
      const response = await request(t.server)
        .post('/protected-url')
        .set('Authorization', `JWT ${obtained.body.token as string}`);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('the UUID-id user logs in (password with a trailing space, kept as sent) and passes the guard', async () => {
      const token = await login('uuid-user', 'pw with spaces ');
      expect(payloadOf(token).user_id).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'uuid-user' });
    });

    it('a token accepted by /api-token-verify/ is accepted by the guard', async () => {
      const token = await login('admin', 'abc123');
      const verified = await request(t.server).post('/api-token-verify/').send({ token });
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({ token });
      expect((await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`)).status).toBe(200);
    });

    it('a refreshed token from /api-token-refresh/ opens the guard too', async () => {
      const token = await login('admin', 'abc123');
      const refreshed = await request(t.server).post('/api-token-refresh/').send({ token });
      expect(refreshed.status).toBe(200);
      const next = refreshed.body.token as string;
      expect(payloadOf(next).orig_iat).toBe(payloadOf(token).orig_iat);
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${next}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('an obtained token stops working once its user is deactivated: User account is disabled.', async () => {
      const token = await login('admin', 'abc123');
      expect((await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`)).status).toBe(200);
      t.users.users.get('admin')!.isActive = false;
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
      expectRefusal(response, 'User account is disabled.', errorFormat);
    });

    it('the token endpoints ignore the Authorization header (a garbage header does not block a login)', async () => {
      const response = await request(t.server)
        .post('/api-token-auth/')
        .set('Authorization', 'JWT a b c')
        .send({ username: 'admin', password: 'abc123' });
      expect(response.status).toBe(200);
    });
  });
});
