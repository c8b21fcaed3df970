import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import request, { type Response } from 'supertest';
import type { App } from 'supertest/types.js';
import { JwtAuthModule } from '../../lib/index.js';
import { ADAPTERS, type AdapterName, SECRET, startApp, type TestApp, UsersModule } from '../support/apps.js';
import {
  comparableHeaders,
  ENDPOINT_ERROR_FORMATS,
  type EndpointErrorFormat,
  expectError,
  INVALID_CREDENTIALS,
  nonField,
  OBTAIN,
  postForm,
  postJson,
  postMultipart,
  REFRESH,
  REQUIRED,
  tokenModule,
  type TokenModuleOptions,
  tokenOf,
  VERIFY,
} from '../support/endpoints.js';
import { adminClaims, now, signHs } from '../support/tokens.js';

/**
 * Brute-force limits on POST /api-token-auth/ (the module's `loginThrottle` option): per
 * username and per client address, 429 with Retry-After and DRF's throttling message.
 * Each test starts its own app, so that no count carries over from another test.
 */

const USERNAME_KEY_PREFIX = 'nest-rest-jwt-login-username:';
const ADDRESS_KEY_PREFIX = 'nest-rest-jwt-login-address:';

/** The 429 body of each error format for a wait of `wait` seconds (DRF's exceptions.Throttled text). */
function throttledBody(format: EndpointErrorFormat, wait: number): object {
  const message = `Request was throttled. Expected available in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`;
  return format === 'drf' ? { detail: message } : { statusCode: 429, message, error: 'Too Many Requests' };
}

/** Asserts a 429: Retry-After a positive whole number of seconds (at most `ttl`), and the body for it. */
function expectThrottled(response: Response, format: EndpointErrorFormat, ttl: number): number {
  expect(response.status).toBe(429);
  const retryAfter = String(response.headers['retry-after']);
  expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
  const wait = Number(retryAfter);
  expect(wait).toBeLessThanOrEqual(ttl);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.text).toBe(JSON.stringify(throttledBody(format, wait)));
  return wait;
}

function login(server: App, username: string, password: string): Promise<Response> {
  return postJson(server, OBTAIN, { username, password });
}

/** `count` wrong-password attempts, each answered with the usual 400. */
async function failLogins(server: App, username: string, count: number, format: EndpointErrorFormat): Promise<void> {
  for (let i = 0; i < count; i++) {
    expectError(await login(server, username, `wrong-${i}`), format, 400, nonField(INVALID_CREDENTIALS));
  }
}

async function withApp(adapter: AdapterName, options: TokenModuleOptions, run: (app: TestApp) => Promise<void>) {
  const app = await startApp(adapter, tokenModule(options));
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(ADAPTERS)('login throttle on %s', (adapter) => {
  describe.each(ENDPOINT_ERROR_FORMATS)('errorFormat %s', (format) => {
    it('is on by default: the 11th failed attempt for one username within a minute is a 429 with Retry-After', async () => {
      const app = await startApp(
        adapter,
        JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: format, imports: [UsersModule] }),
      );
      try {
        await failLogins(app.server, 'admin', 10, format);
        const wait = expectThrottled(await login(app.server, 'admin', 'wrong-again'), format, 60);
        expect(wait).toBeGreaterThanOrEqual(59);
        // The right password does not get through either while the username is blocked.
        expectThrottled(await login(app.server, 'admin', 'abc123'), format, 60);
      } finally {
        await app.close();
      }
    });

    it('limits unknown usernames the same way: same status, body and headers', async () => {
      const app = await startApp(
        adapter,
        JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: format, imports: [UsersModule] }),
      );
      try {
        await failLogins(app.server, 'admin', 10, format);
        const known = await login(app.server, 'admin', 'wrong-again');
        await failLogins(app.server, 'nobody-has-this-name', 10, format);
        const unknown = await login(app.server, 'nobody-has-this-name', 'wrong-again');
        expectThrottled(known, format, 60);
        expect({ status: unknown.status, text: unknown.text, headers: comparableHeaders(unknown) }).toEqual({
          status: known.status,
          text: known.text,
          headers: comparableHeaders(known),
        });
      } finally {
        await app.close();
      }
    });

    it('says "1 second" (singular) and lets attempts through again once the ttl has passed', async () => {
      await withApp(adapter, { errorFormat: format, loginThrottle: { limit: 2, ttl: 1 } }, async ({ server }) => {
        await failLogins(server, 'admin', 2, format);
        expect(expectThrottled(await login(server, 'admin', 'abc123'), format, 1)).toBe(1);
        await sleep(1200);
        expect(tokenOf(await login(server, 'admin', 'abc123'))).toEqual(expect.any(String));
      });
    });
  });

  describe('what counts, and against what', () => {
    const format = 'drf';

    it('does not let one username’s limit affect another username', async () => {
      await withApp(adapter, { errorFormat: format, loginThrottle: { limit: 3 } }, async ({ server }) => {
        await failLogins(server, 'admin', 3, format);
        expectThrottled(await login(server, 'admin', 'abc123'), format, 60);
        expect(tokenOf(await login(server, 'uuid-user', 'pw with spaces '))).toEqual(expect.any(String));
      });
    });

    it('limits one client address across usernames (perAddressLimit)', async () => {
      const options: TokenModuleOptions = { errorFormat: format, loginThrottle: { limit: 100, perAddressLimit: 5 } };
      await withApp(adapter, options, async ({ server }) => {
        for (let i = 0; i < 5; i++) {
          expectError(await login(server, `user-${i}`, 'x'), format, 400, nonField(INVALID_CREDENTIALS));
        }
        expectThrottled(await login(server, 'admin', 'abc123'), format, 60);
      });
    });

    it('counts successful logins too (as DRF’s throttles count every request)', async () => {
      await withApp(adapter, { errorFormat: format, loginThrottle: { limit: 3 } }, async ({ server }) => {
        for (let i = 0; i < 3; i++) tokenOf(await login(server, 'admin', 'abc123'));
        expectThrottled(await login(server, 'admin', 'abc123'), format, 60);
      });
    });

    it('counts a username trimmed, NFKC-normalised and case-insensitively, whatever the body type', async () => {
      await withApp(adapter, { errorFormat: format, loginThrottle: { limit: 4 } }, async ({ server }) => {
        expectError(await login(server, 'ADMIN', 'x'), format, 400, nonField(INVALID_CREDENTIALS));
        expectError(await login(server, ' Admin ', 'x'), format, 400, nonField(INVALID_CREDENTIALS));
        expectError(await postForm(server, OBTAIN, 'username=%EF%BC%A1dmin&password=x'), format, 400, {
          non_field_errors: [INVALID_CREDENTIALS],
        });
        tokenOf(
          await postMultipart(server, OBTAIN, [
            ['username', 'admin'],
            ['password', 'abc123'],
          ]),
        );
        expectThrottled(await login(server, 'aDmIn', 'abc123'), format, 60);
      });
    });

    it('does not count requests refused for their fields (no username or password to guess with)', async () => {
      await withApp(adapter, { errorFormat: format, loginThrottle: { limit: 2 } }, async ({ server }) => {
        for (let i = 0; i < 5; i++) {
          expectError(await postJson(server, OBTAIN, { username: 'admin' }), format, 400, { password: [REQUIRED] });
        }
        tokenOf(await login(server, 'admin', 'abc123'));
      });
    });

    it('refuses a blocked attempt before the user is looked up (no password check, no timing difference)', async () => {
      await withApp(adapter, { errorFormat: format, loginThrottle: { limit: 1 } }, async ({ server, users }) => {
        const lookups = jest.spyOn(users, 'findByUsername');
        const passwords = jest.spyOn(users, 'verifyPassword');
        tokenOf(await login(server, 'admin', 'abc123'));
        expectError(await login(server, 'ghost', 'abc123'), format, 400, nonField(INVALID_CREDENTIALS));
        const [lookupsBefore, passwordsBefore] = [lookups.mock.calls.length, passwords.mock.calls.length];
        expect(lookupsBefore).toBeGreaterThanOrEqual(2);
        expect(passwordsBefore).toBeGreaterThanOrEqual(1);
        expectThrottled(await login(server, 'admin', 'abc123'), format, 60);
        expectThrottled(await login(server, 'ghost', 'abc123'), format, 60);
        expect([lookups.mock.calls.length, passwords.mock.calls.length]).toEqual([lookupsBefore, passwordsBefore]);
      });
    });

    it('never limits /api-token-verify/ or /api-token-refresh/, nor counts them', async () => {
      const options: TokenModuleOptions = {
        errorFormat: format,
        allowRefresh: true,
        loginThrottle: { limit: 2, perAddressLimit: 2 },
      };
      await withApp(adapter, options, async ({ server }) => {
        const token = signHs(adminClaims({ orig_iat: now() }));
        for (let i = 0; i < 5; i++) {
          expect((await postJson(server, VERIFY, { token })).status).toBe(200);
          expect((await postJson(server, REFRESH, { token })).status).toBe(200);
          expect((await postJson(server, VERIFY, { token: 'garbage' })).status).toBe(400);
        }
        tokenOf(await login(server, 'admin', 'abc123'));
      });
    });

    it('is off with loginThrottle: false', async () => {
      await withApp(adapter, { errorFormat: format, loginThrottle: false }, async ({ server }) => {
        await failLogins(server, 'admin', 30, format);
        tokenOf(await login(server, 'admin', 'abc123'));
      });
    });
  });

  describe('a storage given by the app', () => {
    const storage = new ThrottlerStorageService();
    afterAll(() => storage.onApplicationShutdown());

    it('keeps the counts there, under namespaced and hashed keys, beyond the app’s life', async () => {
      const options: TokenModuleOptions = { errorFormat: 'nest', loginThrottle: { limit: 3, storage } };
      await withApp(adapter, options, async ({ server }) => {
        await failLogins(server, ' Admin ', 1, 'nest');
        const usernameKey = `${USERNAME_KEY_PREFIX}${sha256('admin')}`;
        expect(storage.storage.get(usernameKey)?.totalHits.get('nest-rest-jwt-login-username')).toBe(1);
        const addressKeys = [...storage.storage.keys()].filter((key) => key.startsWith(ADDRESS_KEY_PREFIX));
        expect(addressKeys).toHaveLength(1);
        expect(addressKeys[0]).toMatch(/^nest-rest-jwt-login-address:[0-9a-f]{64}$/);
        expect([...storage.storage.keys()].join(' ')).not.toMatch(/admin|127\.0\.0\.1|::1/i);

        await failLogins(server, 'admin', 2, 'nest');
        expectThrottled(await login(server, 'admin', 'abc123'), 'nest', 60);
        expect(storage.storage.get(usernameKey)?.isBlocked).toBe(true);
      });
      // The module leaves the app's storage alone when the app closes, and a new app (another
      // instance sharing the store) sees the same block.
      await withApp(adapter, { errorFormat: 'drf', loginThrottle: { limit: 3, storage } }, async ({ server }) => {
        expectThrottled(await login(server, 'admin', 'abc123'), 'drf', 60);
        tokenOf(await login(server, 'uuid-user', 'pw with spaces '));
      });
    });
  });

  it('refuses a bad loginThrottle option at start-up, naming it', async () => {
    const started = startApp(adapter, tokenModule({ loginThrottle: { limit: 0 } }));
    await expect(started).rejects.toThrow('nest-rest-jwt: option "loginThrottle.limit" must be a whole number');
  });

  it('sends the multipart 429 like the JSON one (the limit reads the same username)', async () => {
    await withApp(adapter, { errorFormat: 'drf', loginThrottle: { limit: 1 } }, async ({ server }) => {
      tokenOf(await request(server).post(OBTAIN).field('username', 'admin').field('password', 'abc123'));
      const response = await request(server).post(OBTAIN).field('username', 'admin').field('password', 'abc123');
      expectThrottled(response, 'drf', 60);
    });
  });
});
