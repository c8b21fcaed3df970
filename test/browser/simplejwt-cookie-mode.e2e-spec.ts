import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp, HTTP_ADAPTERS } from '../../sample/create-app.js';
import { clickAndRead, describeInChromium, launchChromium, watchPage } from '../support/browser.js';
import { useSampleEnv } from '../support/sample-env.js';

/**
 * simplejwt's cookie mode in a real browser (issue #15, item 9): the sample's page at / with
 * JWT_TOKEN_PROTOCOL=simplejwt and JWT_REFRESH_COOKIE. The access token lives a few seconds in
 * the page's memory; the refresh token in an HttpOnly cookie the page cannot read. Once the
 * access token has expired, a call answered 401 refreshes with the cookie and the CSRF header
 * and is retried: the session outlives the access token. Logging out ends it.
 */

const SECRET = 'sample-browser-secret-long-enough-for-hs256-signing';
const SAMPLE_ENV = [
  'SAMPLE_DB',
  'JWT_SECRET_KEY',
  'JWT_AUTH_COOKIE',
  'JWT_TOKEN_PROTOCOL',
  'JWT_REFRESH_COOKIE',
  'JWT_ACCESS_TOKEN_LIFETIME',
  'JWT_AUTH_HEADER_TYPES',
];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-browser-simplejwt-');

/** Seconds: short, so that the test can wait for the access token to expire. */
const ACCESS_LIFETIME = 2;
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** One request the page made, as the browser sent it, and its answer. */
interface Exchange {
  method: string;
  path: string;
  status: number;
  authorization?: string;
  csrf?: string;
  cookie?: string;
}

/** The `exp` of the access token the page holds, as it shows it. */
async function shownExpiry(page: Page): Promise<number> {
  const exp = await page.getAttribute('#access-state', 'data-exp');
  expect(exp).toMatch(/^\d+$/);
  return Number(exp);
}

describeInChromium("simplejwt's cookie mode in Chromium, the sample on %s", (adapter) => {
  let browser: Browser;
  let app: INestApplication;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let exchanges: Promise<Exchange>[];
  /** The requests recorded since the list was last emptied. */
  const recorded = (): Promise<Exchange[]> => Promise.all(exchanges);
  const summary = async () => (await recorded()).map(({ method, path, status }) => [method, path, status]);
  /** The login's access token, as sent by the page after it. */
  let firstAccess: string;

  const cookie = async (name: string) =>
    (await context.cookies(`${origin}/api/token/refresh/`)).find((c) => c.name === name);
  /** Bodies at the simplejwt endpoints, from Node (not the browser). */
  const postJson = async (path: string, body: object) => {
    const response = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    setEnv({
      SAMPLE_DB: join(tempDir, `${adapter}.sqlite3`),
      JWT_SECRET_KEY: SECRET,
      JWT_TOKEN_PROTOCOL: 'simplejwt',
      JWT_REFRESH_COOKIE: 'refresh',
      JWT_ACCESS_TOKEN_LIFETIME: String(ACCESS_LIFETIME),
    });
    app = await createApp(adapter, { logger: false });
    await app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    problems = watchPage(page);
    exchanges = [];
    // Recorded in the order the page sends them; headers as sent (cookies included) once answered.
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (!pathname.startsWith('/api/') && pathname !== '/protected-url/') return;
      exchanges.push(
        (async () => {
          const response = await request.response();
          const headers = await request.allHeaders();
          return {
            method: request.method(),
            path: pathname,
            status: response?.status() ?? 0,
            authorization: headers.authorization,
            csrf: headers['x-csrftoken'],
            cookie: headers.cookie,
          };
        })(),
      );
    });
  }, 90_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    // Passport's strategy registry is global: the next app must not meet this one's strategy.
    await app?.close();
  });

  it('GET / is the simplejwt page, and its script runs under the CSP', async () => {
    const response = await page.goto(`${origin}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await page.textContent('h1')).toContain('simplejwt');
    expect(await page.textContent('#cookie-mode')).toContain('simplejwt, cookie mode');
    // The script ran (it fills these in): the CSP allowed it.
    expect(await page.textContent('#access-state')).toBe('No access token in memory.');
    expect(await page.textContent('#readable-cookies')).toBe('(none)');
    expect(problems).toEqual([]);
  });

  it('logging in keeps the access token in memory only; the refresh token is in an HttpOnly cookie the script cannot read', async () => {
    await page.fill('#login input[name=username]', 'admin');
    await page.fill('#login input[name=password]', 'abc123');
    const { status, body } = await clickAndRead(page, '#login-submit', '#login-result');
    expect(status).toBe(200);
    // The body has no refresh token (it went to the cookie); the page shows no copy of the access token.
    expect(body).toEqual({ access: '(kept in memory only)' });
    expect(await summary()).toEqual([['POST', '/api/token/', 200]]);
    const refresh = await cookie('refresh');
    expect(refresh).toMatchObject({ httpOnly: true, path: '/api/token/refresh' });
    expect(refresh?.value).toMatch(JWT);
    expect(await cookie('csrftoken')).toMatchObject({ httpOnly: false, path: '/' });
    const visible = (await page.evaluate('document.cookie')) as string;
    expect(visible).not.toContain('refresh=');
    expect(visible).not.toContain(refresh?.value);
    expect(await page.textContent('#readable-cookies')).toBe('csrftoken');
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    expect(await page.textContent('#access-state')).toMatch(/^Access token in memory, expires at \d{4}-/);
    expect(await page.content()).not.toContain(refresh?.value);
  });

  it('a call with the access token sends it as a Bearer header', async () => {
    exchanges.length = 0;
    const { status, body } = await clickAndRead(page, '#get-protected', '#get-result');
    expect(status).toBe(200);
    expect(body).toEqual({ message: 'Hello, admin!', username: 'admin' });
    // The login's token; on a slow machine it may already have expired (a 401 then a refresh), so
    // only the first request is looked at here: the next test proves the refresh by structure.
    const first = (await recorded())[0] as Exchange;
    expect(first).toMatchObject({ method: 'GET', path: '/protected-url/' });
    expect(first.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    firstAccess = (first.authorization as string).slice('Bearer '.length);
  });

  it('after the access token expired, a call is answered 401, refreshes with the cookie and CSRF header, and succeeds', async () => {
    const exp = await shownExpiry(page);
    // Waiting (no duration is asserted): until the clock is past the access token's expiry.
    await page.waitForFunction((until) => Date.now() / 1000 > until + 1, exp, { timeout: 30_000 });
    const refreshBefore = (await cookie('refresh'))?.value;
    const csrf = (await cookie('csrftoken'))?.value;
    exchanges.length = 0;
    const { status, body } = await clickAndRead(page, '#get-protected', '#get-result');
    expect(status).toBe(200);
    expect(body).toEqual({ message: 'Hello, admin!', username: 'admin' });
    expect(await page.getAttribute('#get-result', 'data-refreshed')).toBe('true');
    expect(await summary()).toEqual([
      ['GET', '/protected-url/', 401],
      ['POST', '/api/token/refresh/', 200],
      ['GET', '/protected-url/', 200],
    ]);
    const [expired, refresh, retry] = (await recorded()) as [Exchange, Exchange, Exchange];
    expect(expired.authorization).toMatch(/^Bearer /);
    // The refresh: the browser sent the HttpOnly cookie, the page the CSRF header.
    expect(refresh.cookie).toContain(`refresh=${refreshBefore}`);
    expect(refresh.csrf).toBe(csrf);
    expect(refresh.authorization).toBeUndefined();
    // The retry carries the new access token, which expires later than the old one.
    expect(retry.authorization).toMatch(/^Bearer /);
    expect(retry.authorization).not.toBe(expired.authorization);
    expect(retry.authorization).not.toBe(`Bearer ${firstAccess}`);
    expect(await shownExpiry(page)).toBeGreaterThan(exp);
    expect(await page.textContent('#events')).toContain('refreshed');
    expect(problems).toEqual([]);
  });

  it('a reload forgets the access token; the next call refreshes with the cookie and succeeds', async () => {
    await page.reload();
    expect(await page.textContent('#access-state')).toBe('No access token in memory.');
    exchanges.length = 0;
    const { status, body } = await clickAndRead(page, '#get-protected', '#get-result');
    expect({ status, body }).toEqual({ status: 200, body: { message: 'Hello, admin!', username: 'admin' } });
    expect(await page.getAttribute('#get-result', 'data-refreshed')).toBe('true');
    expect(await summary()).toEqual([
      ['GET', '/protected-url/', 401],
      ['POST', '/api/token/refresh/', 200],
      ['GET', '/protected-url/', 200],
    ]);
    const [first, , retry] = (await recorded()) as [Exchange, Exchange, Exchange];
    expect(first.authorization).toBeUndefined();
    expect(retry.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('logout blacklists the refresh token and clears its cookie; a refresh then fails, and so does a call', async () => {
    const refreshToken = (await cookie('refresh'))?.value as string;
    expect(refreshToken).toMatch(JWT);
    const logout = await clickAndRead(page, '#logout', '#logout-result');
    expect(logout).toEqual({ status: 200, body: {} });
    expect(await cookie('refresh')).toBeUndefined();
    expect(await page.textContent('#access-state')).toBe('No access token in memory.');
    // No cookie left: the refresh view finds no refresh token.
    const refresh = await clickAndRead(page, '#refresh', '#refresh-result');
    expect(refresh).toEqual({ status: 400, body: { refresh: ['This field is required.'] } });
    // A protected call: 401, the page tries one refresh, which fails, and shows the 401.
    exchanges.length = 0;
    const call = await clickAndRead(page, '#get-protected', '#get-result');
    expect(call.status).toBe(401);
    expect(await page.getAttribute('#get-result', 'data-refreshed')).toBe('false');
    expect(await summary()).toEqual([
      ['GET', '/protected-url/', 401],
      ['POST', '/api/token/refresh/', 400],
    ]);
    // Blacklisted on the server, not only forgotten by the browser.
    expect(await postJson('/api/token/refresh/', { refresh: refreshToken })).toEqual({
      status: 401,
      body: { detail: 'Token is blacklisted', code: 'token_not_valid' },
    });
    expect(problems).toEqual([]);
  });
});

describe.each(HTTP_ADAPTERS)('which page GET / serves, the sample on %s', (adapter) => {
  /** The page's heading and cookie-mode paragraph for these settings (no browser needed). */
  async function pageFor(env: Record<string, string>): Promise<{ heading: string; mode: string }> {
    setEnv({ SAMPLE_DB: join(tempDir, `${adapter}-which.sqlite3`), JWT_SECRET_KEY: SECRET, ...env });
    const app = await createApp(adapter, { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      return {
        heading: /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '',
        mode: /<p id="cookie-mode"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '',
      };
    } finally {
      await app.close();
    }
  }

  it('simplejwt without JWT_REFRESH_COOKIE: the simplejwt page, saying how to turn its cookie mode on', async () => {
    const { heading, mode } = await pageFor({ JWT_TOKEN_PROTOCOL: 'simplejwt' });
    expect(heading).toBe('nest-rest-jwt sample (simplejwt)');
    expect(mode).toContain('<code>JWT_REFRESH_COOKIE=refresh</code>');
  });

  it('both with JWT_REFRESH_COOKIE: the simplejwt page; both without it: the drf-jwt page', async () => {
    const withCookie = await pageFor({ JWT_TOKEN_PROTOCOL: 'both', JWT_REFRESH_COOKIE: 'refresh' });
    expect(withCookie.heading).toBe('nest-rest-jwt sample (simplejwt)');
    expect(withCookie.mode).toContain('simplejwt, cookie mode');
    const without = await pageFor({ JWT_TOKEN_PROTOCOL: 'both', JWT_AUTH_COOKIE: 'jwt' });
    expect(without.heading).toBe('nest-rest-jwt sample');
    expect(without.mode).toContain('Cookie mode is on');
  });
});
