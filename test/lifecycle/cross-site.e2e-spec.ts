import { describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { JwtAuthModule, type JwtAuthModuleOptions } from '../../lib/index.js';
import { ADAPTERS, type LiveTestApp, SECRET, useApp, UsersModule } from '../support/apps.js';

/**
 * Issue #15, item 7: in cookie mode the endpoints that set or clear the auth cookies refuse a
 * browser's cross-site request, by Origin (Django's CSRF origin check) or, without one, by
 * Sec-Fetch-Site. The attacks are a page on evil.example posting a form to this API in the
 * victim's browser: the attacker's own token to verify (login CSRF: the victim's cookie becomes
 * the attacker's session) or to revoke (logout CSRF: the victim's cookies are cleared).
 */
const EVIL = 'https://evil.example';
const APP_HOST = 'app.example.com';
const badOrigin = (origin: string) =>
  `CSRF Failed: Origin checking failed - ${origin} does not match any trusted origins.`;
const crossSite = (site: string) => `CSRF Failed: Cross-site request refused (Sec-Fetch-Site: ${site}).`;

function moduleWith(options: Partial<JwtAuthModuleOptions> = {}) {
  return () =>
    JwtAuthModule.forRoot({
      secretKey: SECRET,
      allowRefresh: true,
      errorFormat: 'drf',
      authCookie: 'jwt',
      loginThrottle: false,
      imports: [UsersModule],
      ...options,
    });
}

/** The attacker's own session: a token they obtained as themselves (here: the test user). */
async function attackerToken(t: LiveTestApp): Promise<string> {
  const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
  return response.body.token as string;
}

/** A form POST from the attacker's page, as the victim's browser sends it. */
function formPost(t: LiveTestApp, path: string, fields: string, headers: Record<string, string>) {
  const sent = request(t.server).post(path).type('form').set(headers);
  return sent.send(fields);
}

function expectForbidden(response: Response, message: string): void {
  expect({ status: response.status, body: response.body as unknown }).toEqual({
    status: 403,
    body: { detail: message },
  });
  // Nothing set nor cleared: the victim's cookies are as they were.
  expect(response.headers['set-cookie']).toBeUndefined();
}

const guarded = (t: LiveTestApp, token: string) =>
  request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);

describe.each(ADAPTERS)('Cross-site requests to the cookie endpoints (%s)', (adapter) => {
  const t = useApp(adapter, moduleWith(), { resetUsers: true });

  it("login CSRF: a cross-site form posting the attacker's token to verify is refused, no cookie set", async () => {
    const token = await attackerToken(t);
    expectForbidden(await formPost(t, '/api-token-verify/', `token=${token}`, { Origin: EVIL }), badOrigin(EVIL));
    // Browsers that send no Origin say where the request came from.
    expectForbidden(
      await formPost(t, '/api-token-verify/', `token=${token}`, { 'Sec-Fetch-Site': 'cross-site' }),
      crossSite('cross-site'),
    );
    // The same through obtain (the attacker's credentials) and refresh.
    expectForbidden(
      await formPost(t, '/api-token-auth/', 'username=admin&password=abc123', { Origin: EVIL }),
      badOrigin(EVIL),
    );
    expectForbidden(await formPost(t, '/api-token-refresh/', `token=${token}`, { Origin: EVIL }), badOrigin(EVIL));
  });

  it('logout CSRF: a cross-site form posting a token to revoke is refused, no cookie cleared', async () => {
    const token = await attackerToken(t);
    expectForbidden(await formPost(t, '/api-token-revoke/', `token=${token}`, { Origin: EVIL }), badOrigin(EVIL));
    expectForbidden(
      await formPost(t, '/api-token-revoke/', `token=${token}`, { 'Sec-Fetch-Site': 'same-site' }),
      crossSite('same-site'),
    );
    expectForbidden(await formPost(t, '/api-token-revoke-all/', '', { Origin: EVIL }), badOrigin(EVIL));
    // Nothing was revoked.
    expect((await guarded(t, token)).status).toBe(200);
  });

  it('an opaque origin ("null", a sandboxed page or a data: URL) is refused too', async () => {
    const token = await attackerToken(t);
    expectForbidden(await formPost(t, '/api-token-verify/', `token=${token}`, { Origin: 'null' }), badOrigin('null'));
  });

  it("the app's own pages are served: same Origin as the request's, or Sec-Fetch-Site same-origin or none", async () => {
    const token = await attackerToken(t);
    const sameOrigin = await formPost(t, '/api-token-verify/', `token=${token}`, {
      Host: APP_HOST,
      Origin: `http://${APP_HOST}`,
    });
    expect(sameOrigin.status).toBe(200);
    expect(String(sameOrigin.headers['set-cookie'])).toContain(`jwt=${token}`);
    for (const site of ['same-origin', 'none']) {
      expect((await formPost(t, '/api-token-verify/', `token=${token}`, { 'Sec-Fetch-Site': site })).status).toBe(200);
    }
    // Another scheme or port is another origin.
    expectForbidden(
      await formPost(t, '/api-token-verify/', `token=${token}`, { Host: APP_HOST, Origin: `https://${APP_HOST}` }),
      badOrigin(`https://${APP_HOST}`),
    );
    expectForbidden(
      await formPost(t, '/api-token-verify/', `token=${token}`, { Host: APP_HOST, Origin: `http://${APP_HOST}:8080` }),
      badOrigin(`http://${APP_HOST}:8080`),
    );
  });

  it('clients that are not browsers (no Origin, no Sec-Fetch-Site) are served as before', async () => {
    const token = await attackerToken(t);
    const verified = await request(t.server).post('/api-token-verify/').send({ token });
    expect(verified.status).toBe(200);
    expect(verified.headers['set-cookie']).toBeDefined();
    const revoked = await request(t.server).post('/api-token-revoke/').send({ token });
    expect(revoked.status).toBe(200);
  });
});

describe.each(ADAPTERS)('csrf.trustedOrigins (CSRF_TRUSTED_ORIGINS) (%s)', (adapter) => {
  const t = useApp(
    adapter,
    moduleWith({ csrf: { trustedOrigins: ['https://front.example.com', 'https://*.example.org'] } }),
  );

  it('serves the listed origins and the subdomains of a wildcard, as Django does', async () => {
    const token = await attackerToken(t);
    for (const origin of [
      'https://front.example.com',
      'https://example.org',
      'https://www.example.org',
      'https://a.b.example.org',
    ]) {
      expect((await formPost(t, '/api-token-verify/', `token=${token}`, { Origin: origin })).status).toBe(200);
    }
  });

  it('refuses everything else: another scheme, a look-alike domain, a port', async () => {
    const token = await attackerToken(t);
    for (const origin of [
      'http://front.example.com',
      'https://front.example.com:8443',
      'https://evil-example.org',
      'https://example.org.evil.example',
      'http://www.example.org',
      EVIL,
    ]) {
      expectForbidden(await formPost(t, '/api-token-verify/', `token=${token}`, { Origin: origin }), badOrigin(origin));
    }
  });
});

describe.each(ADAPTERS)('Where there is no cookie to protect, nothing changes (%s)', (adapter) => {
  describe('header tokens only (no authCookie)', () => {
    const t = useApp(adapter, moduleWith({ authCookie: undefined }));

    it('a cross-site request is answered as any other (a page on another origin cannot read the answer)', async () => {
      const token = await attackerToken(t);
      const response = await formPost(t, '/api-token-verify/', `token=${token}`, { Origin: EVIL });
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 200, body: { token } });
    });
  });

  describe('csrf: false (cookies no browser sends cross-site)', () => {
    const t = useApp(adapter, moduleWith({ csrf: false }));

    it('turns the origin check off with the rest of the CSRF defence', async () => {
      const token = await attackerToken(t);
      expect((await formPost(t, '/api-token-verify/', `token=${token}`, { Origin: EVIL })).status).toBe(200);
    });
  });
});
