import { describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import { BLACKLIST, OBTAIN, REFRESH, useSimpleJwtApp } from '../support/simplejwt.js';
import { payloadOf } from '../support/tokens.js';

/** simplejwt's cookie mode (`simpleJwt.refreshCookie`): the refresh token in an HttpOnly cookie scoped to its endpoints. */

const cookiesOf = (response: Response): string[] => {
  const header = response.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? (header as string[]) : typeof header === 'string' ? [header] : [];
};
const valueOf = (cookies: string[], name: string, path?: string): string | undefined =>
  cookies
    .filter(
      (cookie) =>
        cookie.startsWith(`${name}=`) &&
        (path === undefined || cookie.includes(`Path=${path};`) || cookie.endsWith(`Path=${path}`)),
    )
    .map((cookie) => cookie.slice(name.length + 1).split(';')[0])[0];

describe.each(ADAPTERS)('simplejwt cookie mode on %s', (adapter) => {
  const app = useSimpleJwtApp(adapter, {
    authCookie: { name: 'access', secure: false },
    simpleJwt: { refreshCookie: 'refresh', rotateRefreshTokens: true, blacklistAfterRotation: true },
    rotationGracePeriod: 0,
  });

  async function login() {
    const response = await request(app.server).post(OBTAIN).send({ username: 'admin', password: 'abc123' });
    expect(response.status).toBe(200);
    return { response, cookies: cookiesOf(response) };
  }

  it('puts the refresh token in an HttpOnly cookie whose Path is the refresh (and blacklist) endpoint, the access token in the body', async () => {
    const { response, cookies } = await login();
    expect(Object.keys(response.body)).toEqual(['access']);
    const refreshCookies = cookies.filter((cookie) => cookie.startsWith('refresh='));
    expect(refreshCookies.map((cookie) => /Path=([^;]+)/.exec(cookie)?.[1])).toEqual([
      '/api/token/refresh',
      '/api/token/blacklist',
    ]);
    for (const cookie of refreshCookies) expect(cookie).toMatch(/; HttpOnly/);
    expect(payloadOf(valueOf(cookies, 'refresh')!).token_type).toBe('refresh');
    const csrf = cookies.find((cookie) => cookie.startsWith('csrftoken='));
    expect(csrf).toMatch(/Path=\//);
    expect(csrf).not.toMatch(/HttpOnly/);
  });

  it('refreshes from the cookie with the CSRF header, and refuses it without (403)', async () => {
    const { cookies } = await login();
    const refresh = valueOf(cookies, 'refresh')!;
    const csrf = valueOf(cookies, 'csrftoken')!;
    const withoutHeader = await request(app.server)
      .post(REFRESH)
      .set('Cookie', [`refresh=${refresh}`, `csrftoken=${csrf}`])
      .send({});
    expect(withoutHeader.status).toBe(403);
    expect(withoutHeader.body).toEqual({ detail: 'CSRF Failed: CSRF token missing.' });
    const refreshed = await request(app.server)
      .post(REFRESH)
      .set('Cookie', [`refresh=${refresh}`, `csrftoken=${csrf}`])
      .set('X-CSRFToken', csrf)
      .send({});
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body)).toEqual(['access']);
    const rotated = valueOf(cookiesOf(refreshed), 'refresh', '/api/token/refresh');
    expect(rotated).toBeDefined();
    expect(payloadOf(rotated!).jti).not.toBe(payloadOf(refresh).jti);
  });

  it('the blacklist endpoint reads the cookie and clears it', async () => {
    const { cookies } = await login();
    const refresh = valueOf(cookies, 'refresh')!;
    const csrf = valueOf(cookies, 'csrftoken')!;
    const response = await request(app.server)
      .post(BLACKLIST)
      .set('Cookie', [`refresh=${refresh}`, `csrftoken=${csrf}`])
      .set('X-CSRFToken', csrf)
      .send({});
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: {} });
    const cleared = cookiesOf(response).filter((cookie) => cookie.startsWith('refresh=;'));
    expect(cleared).toHaveLength(2);
    for (const cookie of cleared) expect(cookie).toMatch(/Max-Age=0/);
    const again = await request(app.server).post(REFRESH).send({ refresh });
    expect(again.body).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
  });

  it('a refresh token in the body still works, without CSRF (not sent by the browser itself)', async () => {
    const { cookies } = await login();
    const response = await request(app.server)
      .post(REFRESH)
      .send({ refresh: valueOf(cookies, 'refresh') });
    expect(response.status).toBe(200);
  });

  it('refuses cross-site requests to the views that set or clear the refresh cookie (login and logout CSRF)', async () => {
    const { cookies } = await login();
    const refresh = valueOf(cookies, 'refresh')!;
    const csrf = valueOf(cookies, 'csrftoken')!;
    const evil = 'https://evil.example';
    // Login CSRF: the attacker's credentials posted from the attacker's page would set the victim's cookie.
    const obtain = await request(app.server)
      .post(OBTAIN)
      .set('Origin', evil)
      .type('form')
      .send({ username: 'admin', password: 'abc123' });
    expect({ status: obtain.status, body: obtain.body }).toEqual({
      status: 403,
      body: { detail: `CSRF Failed: Origin checking failed - ${evil} does not match any trusted origins.` },
    });
    expect(cookiesOf(obtain)).toEqual([]);
    // Logout CSRF: a cross-site form post to the blacklist view would clear the victim's cookie.
    const blacklist = await request(app.server)
      .post(BLACKLIST)
      .set('Cookie', [`refresh=${refresh}`, `csrftoken=${csrf}`])
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ refresh });
    expect(blacklist.status).toBe(403);
    expect(cookiesOf(blacklist)).toEqual([]);
    // Not blacklisted: the same token still refreshes from a client that is not a browser.
    const refreshed = await request(app.server).post(REFRESH).send({ refresh });
    expect(refreshed.status).toBe(200);
  });
});
