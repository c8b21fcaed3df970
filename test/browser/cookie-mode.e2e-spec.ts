import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp, HTTP_ADAPTERS } from '../../sample/create-app.js';
import { clickAndRead, describeInChromium, launchChromium, watchPage } from '../support/browser.js';
import { useSampleEnv } from '../support/sample-env.js';

/**
 * Cookie mode in a real browser: the sample's page at / driven in Debian's Chromium. What only a
 * browser shows: script cannot read the HttpOnly token cookie, the browser keeps and sends the
 * cookies itself, and a form posted from another origin carries them but is refused by the
 * CSRF check (or, cross-site, does not carry them at all: SameSite=Lax).
 */

const SECRET = 'sample-browser-secret-long-enough-for-hs256-signing';
const SAMPLE_ENV = [
  'SAMPLE_DB',
  'JWT_SECRET_KEY',
  'JWT_AUTH_COOKIE',
  'JWT_AUTH_COOKIE_SECURE',
  'JWT_ROTATE_ON_REFRESH',
  'JWT_ERROR_FORMAT',
];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-browser-');

const NO_CREDENTIALS = 'Authentication credentials were not provided.';
const CSRF_MISSING = 'CSRF Failed: CSRF token missing.';
const REVOKED = 'Token has been revoked.';

/** The sample in-process on a loopback port; its origin is http://127.0.0.1:<port>. */
async function startSample(
  adapter: (typeof HTTP_ADAPTERS)[number],
  name: string,
  env: Record<string, string>,
): Promise<{ app: INestApplication; origin: string }> {
  setEnv({ SAMPLE_DB: join(tempDir, `${adapter}-${name}.sqlite3`), JWT_SECRET_KEY: SECRET, ...env });
  const app = await createApp(adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, origin: `http://127.0.0.1:${port}` };
}

/**
 * The attacker's site: a page that posts a form to `?action=` as soon as it loads, as a
 * malicious page would, with a field but no CSRF header (a form cannot set headers).
 */
function startFormPoster(host: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const action = new URL(request.url ?? '/', 'http://x').searchParams.get('action') ?? '';
    const attribute = action.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><form id="f" method="POST" action="${attribute}"><input type="hidden" name="next" value="/"></form>` +
        `<script>document.getElementById('f').submit()</script>`,
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, origin: `http://${host}:${port}` });
    });
  });
}

const closeServer = (server: Server | undefined): Promise<void> =>
  new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));

async function logIn(page: Page, password = 'abc123'): Promise<{ status: number; body: unknown }> {
  await page.fill('#login input[name=username]', 'admin');
  await page.fill('#login input[name=password]', password);
  return clickAndRead(page, '#login-submit', '#login-result');
}

/** A call from Node (not the browser) with the token in the Authorization header. */
async function getWithHeader(origin: string, token: string): Promise<{ status: number; body: { message?: string } }> {
  const response = await fetch(`${origin}/protected-url/`, { headers: { Authorization: `JWT ${token}` } });
  return { status: response.status, body: (await response.json()) as { message?: string } };
}

/** Records the CSP violations a page meets (added to every page of the context before its own script). */
const PAGE_PROBE = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
  });
`;

describeInChromium('cookie mode in Chromium, the sample on %s', (adapter) => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 90_000);
  afterAll(() => browser?.close());

  describe('with JWT_AUTH_COOKIE=jwt (Secure, the default)', () => {
    let app: INestApplication;
    let origin: string;
    let context: BrowserContext;
    let page: Page;
    let problems: string[];
    let sameSite: { server: Server; origin: string };
    let crossSite: { server: Server; origin: string };

    const cookie = async (name: string) => (await context.cookies(origin)).find((c) => c.name === name);
    const tokenCookie = async (): Promise<string> => {
      const value = (await cookie('jwt'))?.value;
      expect(value).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      return value as string;
    };

    /** Opens the attacker's page in a new tab: what its form post sent, and the answer. */
    async function postFormFrom(
      poster: { origin: string },
      path: string,
    ): Promise<{ sent: Record<string, string>; status: number; body: unknown }> {
      const attacker = await context.newPage();
      try {
        const answered = attacker.waitForResponse(
          (response) => response.url() === `${origin}${path}` && response.request().method() === 'POST',
        );
        await attacker.goto(`${poster.origin}/?action=${encodeURIComponent(`${origin}${path}`)}`);
        const response = await answered;
        return { sent: await response.request().allHeaders(), status: response.status(), body: await response.json() };
      } finally {
        await attacker.close();
      }
    }

    beforeAll(async () => {
      ({ app, origin } = await startSample(adapter, 'cookie', {
        JWT_AUTH_COOKIE: 'jwt',
        JWT_ROTATE_ON_REFRESH: 'true',
      }));
      // Another port of 127.0.0.1 is another origin but the same site; 127.0.0.2 is another site.
      sameSite = await startFormPoster('127.0.0.1');
      crossSite = await startFormPoster('127.0.0.2');
      context = await browser.newContext();
      await context.addInitScript({ content: PAGE_PROBE });
      page = await context.newPage();
      problems = watchPage(page);
    }, 60_000);
    afterAll(async () => {
      await context?.close();
      await closeServer(sameSite?.server);
      await closeServer(crossSite?.server);
      // Passport's strategy registry is global: the next app must not meet this one's strategy.
      await app?.close();
    });

    it('GET / is the page, unguarded, as text/html with a CSP its own script and style pass', async () => {
      const response = await page.goto(`${origin}/`);
      expect(response?.status()).toBe(200);
      const headers = response?.headers() ?? {};
      expect(headers['content-type']).toMatch(/^text\/html/);
      expect(headers['content-security-policy']).toContain("default-src 'none'");
      expect(await page.textContent('#cookie-mode')).toContain('Cookie mode is on');
      // The script ran (it fills this in): the CSP allowed it.
      expect(await page.textContent('#readable-cookies')).toBe('(none)');
      expect(await page.isHidden('#insecure')).toBe(true);
      expect(await page.evaluate('window.__cspViolations')).toEqual([]);
      expect(problems).toEqual([]);
      // A page, not part of the API: the sample's OpenAPI document leaves it out.
      const document = (await (await fetch(`${origin}/docs-json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).toContain('/protected-url');
      expect(Object.keys(document.paths)).not.toContain('/');
    });

    it('a wrong password shows the 400 and sets no cookie', async () => {
      const { status, body } = await logIn(page, 'abc124');
      expect(status).toBe(400);
      expect(body).toMatchObject({ message: 'Unable to log in with provided credentials.' });
      expect(await context.cookies(origin)).toEqual([]);
    });

    it('logging in sets an HttpOnly, Secure, SameSite=Lax token cookie over http://127.0.0.1, and the page keeps no copy', async () => {
      const { status, body } = await logIn(page);
      expect(status).toBe(200);
      // The page shows the body with the token replaced.
      expect(body).toEqual({ token: expect.stringContaining('not kept by this page') });
      const jwt = await cookie('jwt');
      // Chromium treats 127.0.0.1 as a secure context, so it keeps the Secure cookie over plain http.
      expect(jwt).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
      expect(await cookie('csrftoken')).toMatchObject({ httpOnly: false, secure: true, sameSite: 'Lax' });
      const token = await tokenCookie();
      expect(await page.content()).not.toContain(token);
      expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    });

    it("the page's script reads the csrftoken cookie but not the token cookie", async () => {
      const visible = (await page.evaluate('document.cookie')) as string;
      const csrf = (await cookie('csrftoken'))?.value as string;
      expect(visible.split('; ')).toEqual([`csrftoken=${csrf}`]);
      expect(visible).not.toContain('jwt=');
      expect(visible).not.toContain(await tokenCookie());
      expect(await page.textContent('#readable-cookies')).toBe('csrftoken');
    });

    it('GET /protected-url/ answers 200 with the username (the browser sends the cookie)', async () => {
      const { status, body } = await clickAndRead(page, '#get-protected', '#get-result');
      expect(status).toBe(200);
      expect(body).toEqual({ message: 'Hello, admin!', username: 'admin' });
    });

    it('POST /protected-url/ with the X-CSRFToken header answers 200; without it, 403', async () => {
      const { status, body } = await clickAndRead(page, '#post-protected', '#post-result');
      expect(status).toBe(200);
      expect(body).toEqual({ message: 'Hello, admin!', username: 'admin' });
      // The same call from the page's origin without the header: the cookie alone is not enough.
      const bare = await page.evaluate(
        "fetch('/protected-url/', { method: 'POST' }).then(async (r) => [r.status, await r.json()])",
      );
      expect(bare).toEqual([403, { statusCode: 403, message: CSRF_MISSING, error: 'Forbidden' }]);
    });

    it('refresh (no token in the body) sets a new token cookie that works; the old token is refused', async () => {
      const before = await tokenCookie();
      const csrfBefore = (await cookie('csrftoken'))?.value;
      const { status, body } = await clickAndRead(page, '#refresh', '#refresh-result');
      expect(status).toBe(200);
      expect(body).toEqual({ token: expect.stringContaining('not kept by this page') });
      const after = await tokenCookie();
      expect(after).not.toBe(before);
      // The CSRF value is kept, so other tabs keep working.
      expect((await cookie('csrftoken'))?.value).toBe(csrfBefore);
      expect((await clickAndRead(page, '#get-protected', '#get-result')).status).toBe(200);
      expect((await clickAndRead(page, '#post-protected', '#post-result')).status).toBe(200);
      // JWT_ROTATE_ON_REFRESH: the replaced token is revoked.
      expect(await getWithHeader(origin, before)).toEqual({
        status: 401,
        body: expect.objectContaining({ message: REVOKED }),
      });
    });

    it.each(['/protected-url/', '/api-token-revoke/'])(
      'a form posted to %s from another origin of the same site carries the cookies and is refused by the CSRF check',
      async (path) => {
        const token = await tokenCookie();
        const { sent, status, body } = await postFormFrom(sameSite, path);
        // SameSite=Lax lets it through (127.0.0.1 on another port is the same site)...
        expect(sent.origin).toBe(sameSite.origin);
        expect(sent.cookie).toContain(`jwt=${token}`);
        // ...so the CSRF check is what refuses it: on the guarded route the double submit, on
        // an endpoint that clears the cookies the origin check (issue #15, item 7), first.
        const message =
          path === '/api-token-revoke/'
            ? `CSRF Failed: Origin checking failed - ${sameSite.origin} does not match any trusted origins.`
            : CSRF_MISSING;
        expect(status).toBe(403);
        expect(body).toEqual({ statusCode: 403, message, error: 'Forbidden' });
        // The token was not revoked and the cookie is still there.
        expect(await tokenCookie()).toBe(token);
        expect(await getWithHeader(origin, token)).toEqual({
          status: 200,
          body: expect.objectContaining({ username: 'admin' }),
        });
        expect((await clickAndRead(page, '#post-protected', '#post-result')).status).toBe(200);
      },
    );

    it('a form posted from another site (127.0.0.2) does not even carry the token cookie: SameSite=Lax', async () => {
      const { sent, status, body } = await postFormFrom(crossSite, '/protected-url/');
      expect(sent.origin).toBe(crossSite.origin);
      expect(sent.cookie ?? '').not.toContain('jwt=');
      expect(status).toBe(401);
      expect(body).toMatchObject({ message: NO_CREDENTIALS });
      expect((await clickAndRead(page, '#get-protected', '#get-result')).status).toBe(200);
    });

    it('logout revokes the token and clears both cookies; /protected-url/ then answers 401', async () => {
      const token = await tokenCookie();
      const { status, body } = await clickAndRead(page, '#logout', '#logout-result');
      expect(status).toBe(200);
      expect(body).toEqual({});
      expect(await context.cookies(origin)).toEqual([]);
      expect(await page.evaluate('document.cookie')).toBe('');
      const after = await clickAndRead(page, '#get-protected', '#get-result');
      expect(after).toEqual({ status: 401, body: expect.objectContaining({ message: NO_CREDENTIALS }) });
      // Revoked on the server, not only forgotten by the browser.
      expect(await getWithHeader(origin, token)).toEqual({
        status: 401,
        body: expect.objectContaining({ message: REVOKED }),
      });
      expect(problems).toEqual([]);
    });
  });

  describe('without JWT_AUTH_COOKIE', () => {
    let app: INestApplication;
    let origin: string;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      ({ app, origin } = await startSample(adapter, 'header', {}));
      context = await browser.newContext();
      page = await context.newPage();
    }, 60_000);
    afterAll(async () => {
      await context?.close();
      await app?.close();
    });

    it('the page says cookie mode is off; a login works but the page keeps no token, so calls are refused', async () => {
      await page.goto(`${origin}/`);
      expect(await page.textContent('#cookie-mode')).toContain('Cookie mode is off');
      expect((await logIn(page)).status).toBe(200);
      expect(await context.cookies(origin)).toEqual([]);
      const { status, body } = await clickAndRead(page, '#get-protected', '#get-result');
      expect(status).toBe(401);
      expect(body).toMatchObject({ message: NO_CREDENTIALS });
    });
  });
});
