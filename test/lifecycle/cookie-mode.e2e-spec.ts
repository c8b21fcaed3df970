import { describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { JwtAuthModule, type JwtAuthModuleOptions } from '../../lib/index.js';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { ADAPTERS, type LiveTestApp, SECRET, useApp, UsersModule } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';

const CSRF = {
  noCookie: 'CSRF Failed: CSRF cookie not set.',
  missing: 'CSRF Failed: CSRF token missing.',
  incorrect: 'CSRF Failed: CSRF token incorrect.',
};

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

/** Set-Cookie lines by cookie name. */
function setCookies(response: Response): Map<string, string> {
  const raw = response.headers['set-cookie'] as unknown as string[] | undefined;
  return new Map((raw ?? []).map((line) => [line.slice(0, line.indexOf('=')), line]));
}

function valueOf(line: string | undefined): string {
  if (line === undefined) throw new Error('cookie not set');
  return line.slice(line.indexOf('=') + 1, line.indexOf(';'));
}

interface Session {
  jwt: string;
  csrf: string;
  cookie: string;
  login: Response;
}

async function login(t: LiveTestApp): Promise<Session> {
  const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
  expect(response.status).toBe(200);
  const cookies = setCookies(response);
  const jwt = valueOf(cookies.get('jwt'));
  const csrf = valueOf(cookies.get('csrftoken'));
  return { jwt, csrf, cookie: `jwt=${jwt}; csrftoken=${csrf}`, login: response };
}

/**
 * A login, and the Max-Age its cookies must carry: the token's remaining lifetime when the
 * cookie was written, a moment between the clock readings around the request (300 s, or 299 when
 * a second began between issuing the token and writing the cookie).
 */
async function timedLogin(t: LiveTestApp): Promise<Session & { maxAge: number }> {
  const before = Math.floor(Date.now() / 1000);
  const session = await login(t);
  const after = Math.floor(Date.now() / 1000);
  const { exp, iat } = JSON.parse(Buffer.from(session.jwt.split('.')[1], 'base64url').toString()) as {
    exp: number;
    iat: number;
  };
  expect(exp - iat).toBe(300);
  const line = setCookies(session.login).get('jwt') ?? '';
  const maxAge = Number(/Max-Age=(\d+)/.exec(line)?.[1]);
  expect(maxAge).toBeGreaterThanOrEqual(exp - after);
  expect(maxAge).toBeLessThanOrEqual(exp - before);
  return { ...session, maxAge };
}

describe.each(ADAPTERS)('Cookie mode (authCookie) (%s)', (adapter) => {
  const t = useApp(adapter, moduleWith(), { resetUsers: true });

  it('login sets the token as an HttpOnly, Secure, SameSite=Lax cookie living as long as the token', async () => {
    const { login: response, jwt, maxAge } = await timedLogin(t);
    expect(jwt).toBe(response.body.token);
    const line = setCookies(response).get('jwt');
    expect(line).toBe(`jwt=${jwt}; Max-Age=${maxAge}; Path=/; HttpOnly; Secure; SameSite=Lax`);
  });

  it('and a readable CSRF cookie (not HttpOnly) with 32 random bytes', async () => {
    const { login: response, csrf, maxAge } = await timedLogin(t);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookies(response).get('csrftoken')).toBe(
      `csrftoken=${csrf}; Max-Age=${maxAge}; Path=/; Secure; SameSite=Lax`,
    );
    expect(csrf).not.toBe((await login(t)).csrf);
  });

  it('a failed login sets no cookie', async () => {
    const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'nope' });
    expect(response.status).toBe(400);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('the guard reads the cookie when no Authorization header is sent (GET needs no CSRF header)', async () => {
    const { cookie } = await login(t);
    const response = await request(t.server).get('/protected-url').set('Cookie', cookie);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ username: 'admin' });
  });

  it('an unsafe request authenticated by the cookie with the matching CSRF header passes', async () => {
    const { cookie, csrf } = await login(t);
    const response = await request(t.server).post('/protected-url').set('Cookie', cookie).set('X-CSRFToken', csrf);
    expect(response.status).toBe(201);
  });

  it.each([
    ['no CSRF header', (s: Session) => ({ Cookie: s.cookie }), CSRF.missing],
    [
      'a wrong CSRF header',
      (s: Session) => ({ Cookie: s.cookie, 'X-CSRFToken': `${s.csrf.slice(1)}x` }),
      CSRF.incorrect,
    ],
    ['a CSRF header of another length', (s: Session) => ({ Cookie: s.cookie, 'X-CSRFToken': 'short' }), CSRF.incorrect],
    ['no CSRF cookie', (s: Session) => ({ Cookie: `jwt=${s.jwt}`, 'X-CSRFToken': s.csrf }), CSRF.noCookie],
  ])('an unsafe request by cookie with %s: 403 with the reason', async (_case, headers, message) => {
    const session = await login(t);
    const response = await request(t.server).post('/protected-url').set(headers(session));
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: message });
  });

  it('a request authenticated by the Authorization header needs no CSRF header', async () => {
    const { jwt } = await login(t);
    const response = await request(t.server).post('/protected-url').set('Authorization', `JWT ${jwt}`);
    expect(response.status).toBe(201);
  });

  it('the Authorization header wins over the cookie, even when it is refused', async () => {
    const { cookie } = await login(t);
    const response = await request(t.server)
      .get('/protected-url')
      .set('Cookie', cookie)
      .set('Authorization', 'JWT not-a-token');
    expectRefusal(response, 'Error decoding signature.', 'drf');
  });

  it('an Authorization header of another scheme leaves the cookie in charge (upstream get_jwt_value)', async () => {
    const { cookie } = await login(t);
    const response = await request(t.server)
      .get('/protected-url')
      .set('Cookie', cookie)
      .set('Authorization', 'Bearer x');
    expect(response.status).toBe(200);
  });

  it('a bad token cookie is refused as a bad header token is', async () => {
    const response = await request(t.server).get('/protected-url').set('Cookie', 'jwt=garbage');
    expectRefusal(response, 'Error decoding signature.', 'drf');
  });

  it('refresh without a body token uses the cookie (with the CSRF header) and sets the new token', async () => {
    const { cookie, csrf, jwt } = await login(t);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const refused = await request(t.server).post('/api-token-refresh/').set('Cookie', cookie);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ detail: CSRF.missing });
    const response = await request(t.server).post('/api-token-refresh/').set('Cookie', cookie).set('X-CSRFToken', csrf);
    expect(response.status).toBe(200);
    const cookies = setCookies(response);
    expect(valueOf(cookies.get('jwt'))).toBe(response.body.token);
    expect(response.body.token).not.toBe(jwt);
    // The CSRF value is kept across refreshes, so that other tabs of the page keep working.
    expect(valueOf(cookies.get('csrftoken'))).toBe(csrf);
  });

  it('verify with a multipart body token answers (the body is read once)', async () => {
    const { jwt } = await login(t);
    const response = await request(t.server).post('/api-token-verify/').field('token', jwt).timeout(5000);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ token: jwt });
  });

  it('verify with a body token sets the cookie too (as upstream)', async () => {
    const { jwt } = await login(t);
    const response = await request(t.server).post('/api-token-verify/').send({ token: jwt });
    expect(response.status).toBe(200);
    expect(valueOf(setCookies(response).get('jwt'))).toBe(jwt);
  });

  it('logout by cookie needs the CSRF header, then clears both cookies and revokes the token', async () => {
    const { cookie, csrf } = await login(t);
    const forged = await request(t.server).post('/api-token-revoke/').set('Cookie', cookie);
    expect(forged.status).toBe(403);
    expect((await request(t.server).get('/protected-url').set('Cookie', cookie)).status).toBe(200);

    const response = await request(t.server).post('/api-token-revoke/').set('Cookie', cookie).set('X-CSRFToken', csrf);
    expect(response.status).toBe(200);
    const cookies = setCookies(response);
    expect(cookies.get('jwt')).toBe('jwt=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax');
    expect(cookies.get('csrftoken')).toBe('csrftoken=; Max-Age=0; Path=/; Secure; SameSite=Lax');
    expectRefusal(
      await request(t.server).get('/protected-url').set('Cookie', cookie),
      'Token has been revoked.',
      'drf',
    );
  });
});

describe.each(ADAPTERS)('Cookie mode options (%s)', (adapter) => {
  describe('custom attributes and names', () => {
    const t = useApp(
      adapter,
      moduleWith({
        authCookie: {
          name: 'session',
          secure: false,
          sameSite: 'strict',
          path: '/api',
          domain: 'example.test',
          maxAge: 60,
        },
        csrf: { cookieName: 'xsrf', headerName: 'X-XSRF-Token' },
      }),
    );

    it('uses them on both cookies', async () => {
      const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      const cookies = setCookies(response);
      expect(cookies.get('session')).toMatch(
        /^session=[^;]+; Max-Age=60; Domain=example\.test; Path=\/api; HttpOnly; SameSite=Strict$/,
      );
      expect(cookies.get('xsrf')).toMatch(
        /^xsrf=[A-Za-z0-9_-]{43}; Max-Age=60; Domain=example\.test; Path=\/api; SameSite=Strict$/,
      );
      const cookie = `session=${valueOf(cookies.get('session'))}; xsrf=${valueOf(cookies.get('xsrf'))}`;
      const ok = await request(t.server)
        .post('/protected-url')
        .set('Cookie', cookie)
        .set('X-XSRF-Token', valueOf(cookies.get('xsrf')));
      expect(ok.status).toBe(201);
    });
  });

  describe('csrf: false', () => {
    const t = useApp(adapter, moduleWith({ csrf: false }));

    it('sets no CSRF cookie and asks for no header', async () => {
      const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      const cookies = setCookies(response);
      expect([...cookies.keys()]).toEqual(['jwt']);
      const ok = await request(t.server)
        .post('/protected-url')
        .set('Cookie', `jwt=${valueOf(cookies.get('jwt'))}`);
      expect(ok.status).toBe(201);
    });
  });

  describe('without authCookie', () => {
    const t = useApp(adapter, moduleWith({ authCookie: undefined }));

    it('no cookie is set and a token cookie is ignored', async () => {
      const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      expect(response.headers['set-cookie']).toBeUndefined();
      const refused = await request(t.server)
        .get('/protected-url')
        .set('Cookie', `jwt=${response.body.token as string}`);
      expectRefusal(refused, 'Authentication credentials were not provided.', 'drf');
    });
  });
});

describe('Cookie mode: start-up validation names the option', () => {
  it.each<[string, Partial<JwtAuthModuleOptions>, string]>([
    ['a bad cookie name', { authCookie: 'a b' }, 'authCookie.name'],
    ['an unknown sameSite', { authCookie: { name: 'jwt', sameSite: 'sometimes' as 'lax' } }, 'authCookie.sameSite'],
    [
      'sameSite none without secure',
      { authCookie: { name: 'jwt', sameSite: 'none', secure: false } },
      'authCookie.sameSite',
    ],
    ['a relative path', { authCookie: { name: 'jwt', path: 'api' } }, 'authCookie.path'],
    ['a path with ";"', { authCookie: { name: 'jwt', path: '/a;b' } }, 'authCookie.path'],
    ['the same CSRF and token cookie names', { authCookie: 'jwt', csrf: { cookieName: 'jwt' } }, 'csrf.cookieName'],
    ['a bad CSRF header name', { authCookie: 'jwt', csrf: { headerName: 'X CSRF' } }, 'csrf.headerName'],
    ['a bad revocationUnavailableStatus', { revocationUnavailableStatus: 500 as 503 }, 'revocationUnavailableStatus'],
    ['rotateOnRefresh without jti', { rotateOnRefresh: true, includeTokenId: false }, 'rotateOnRefresh'],
  ])('%s', async (_case, options, option) => {
    const { resolveSettings } = await import('../../lib/settings/jwt-auth-settings.js');
    expect(() => resolveSettings({ secretKey: SECRET, ...options })).toThrow(JwtAuthConfigError);
    expect(() => resolveSettings({ secretKey: SECRET, ...options })).toThrow(`option "${option}"`);
  });
});
