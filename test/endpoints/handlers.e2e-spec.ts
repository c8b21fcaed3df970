import { describe, expect, it } from '@jest/globals';
import { ADAPTERS } from '../support/apps.js';
import {
  expectError,
  nonField,
  OBTAIN,
  postJson,
  REFRESH,
  USER_NOT_FOUND,
  useTokenApp,
  VERIFY,
} from '../support/endpoints.js';
import { adminClaims, now, payloadOf, signHs } from '../support/tokens.js';
import type { TestUser } from '../support/users.js';

interface HandlerBody {
  token: string;
  user: { username: string };
}

function handlerBody(body: unknown): HandlerBody {
  expect(body).toEqual({ token: expect.any(String), user: { username: expect.any(String) } });
  return body as HandlerBody;
}

describe.each(ADAPTERS)('custom handlers on %s', (adapter) => {
  describe('responsePayloadHandler returning { token, user: { username } }', () => {
    const app = useTokenApp(adapter, {
      allowRefresh: true,
      responsePayloadHandler: (token: string, user: TestUser) => ({ token, user: { username: user.username } }),
    });

    it('shapes the body of /api-token-auth/', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' });
      expect(response.status).toBe(200);
      const body = handlerBody(response.body);
      expect(body.user).toEqual({ username: 'admin' });
      expect(payloadOf(body.token).username).toBe('admin');
    });

    it('shapes the body of /api-token-verify/, with the same token', async () => {
      const token = signHs(adminClaims());
      const response = await postJson(app.server, VERIFY, { token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ token, user: { username: 'admin' } });
    });

    it('shapes the body of /api-token-refresh/, with the new token', async () => {
      const token = signHs(adminClaims({ orig_iat: now() - 10 }));
      const response = await postJson(app.server, REFRESH, { token });
      expect(response.status).toBe(200);
      const body = handlerBody(response.body);
      expect(body.user).toEqual({ username: 'admin' });
      expect(body.token).not.toBe(token);
      expect(payloadOf(body.token).orig_iat).toBe(payloadOf(token).orig_iat);
    });

    it('is not used for errors', async () => {
      const token = signHs(adminClaims({ username: 'ghost' }));
      expectError(await postJson(app.server, VERIFY, { token }), 'nest', 400, nonField(USER_NOT_FOUND));
    });

    it('keeps Cache-Control: no-store on the custom body', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' });
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
    });
  });

  describe('payloadHandler adding a claim', () => {
    const app = useTokenApp(adapter, {
      allowRefresh: true,
      payloadHandler: (user: TestUser, defaults) => ({ ...defaults, role: `role-of-${user.username}` }),
    });

    it('puts the claim in tokens from /api-token-auth/, next to the default claims', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' });
      expect(response.status).toBe(200);
      const payload = payloadOf((response.body as { token: string }).token);
      expect(payload.role).toBe('role-of-admin');
      expect(payload).toMatchObject({ user_id: 1, username: 'admin', email: 'admin@example.com' });
      expect(typeof payload.orig_iat).toBe('number');
    });

    it('puts the claim in tokens from /api-token-refresh/, keeping orig_iat', async () => {
      const origIat = now() - 50;
      const response = await postJson(app.server, REFRESH, { token: signHs(adminClaims({ orig_iat: origIat })) });
      expect(response.status).toBe(200);
      const payload = payloadOf((response.body as { token: string }).token);
      expect(payload.role).toBe('role-of-admin');
      expect(payload.orig_iat).toBe(origIat);
    });

    it('gives tokens that /api-token-verify/ accepts', async () => {
      const obtained = await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' });
      const token = (obtained.body as { token: string }).token;
      expect((await postJson(app.server, VERIFY, { token })).body).toEqual({ token });
    });
  });
});
