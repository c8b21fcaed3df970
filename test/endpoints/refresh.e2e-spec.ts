import { describe, expect, it, jest } from '@jest/globals';
import { ADAPTERS } from '../support/apps.js';
import {
  DECODE_ERROR,
  ENDPOINT_ERROR_FORMATS,
  EXPIRED,
  expectError,
  hasHs256Signature,
  INVALID_PAYLOAD,
  INVALID_TOKEN,
  nonField,
  OBTAIN,
  ORIG_IAT_REQUIRED,
  OTHER_SECRET,
  postForm,
  postJson,
  REFRESH,
  REFRESH_EXPIRED,
  tokenOf,
  USER_DISABLED,
  USER_NOT_FOUND,
  useTokenApp,
  UUID_PATTERN,
  VERIFY,
  without,
} from '../support/endpoints.js';
import { adminClaims, now, payloadOf, signHs } from '../support/tokens.js';

const WEEK = 7 * 24 * 3600;

/**
 * A number of seconds from `from` to `to`: a time the server read between the test's two
 * readings of the clock, before and after the request (however long the request took).
 */
function expectBetween(actual: unknown, from: number, to: number): void {
  expect(typeof actual).toBe('number');
  expect(actual).toBeGreaterThanOrEqual(from);
  expect(actual).toBeLessThanOrEqual(to);
}

/**
 * Stops the clock (Date only: timers, ticks and I/O run as usual) at the current second for the
 * test and the app alike, until `jest.useRealTimers()`: requests then happen in that second,
 * however long they take.
 */
function stopTheClock(): void {
  jest.useFakeTimers({
    now: Date.now(),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

describe.each(ADAPTERS)('/api-token-refresh/ on %s', (adapter) => {
  describe.each(ENDPOINT_ERROR_FORMATS)('errorFormat %s (allowRefresh off, the default)', (format) => {
    const app = useTokenApp(adapter, { errorFormat: format });

    it('cannot refresh an expired token: "Signature has expired." (raw text too)', async () => {
      const token = signHs(adminClaims({ exp: now() - 10, orig_iat: now() - 100 }));
      expectError(await postJson(app.server, REFRESH, { token }), format, 400, nonField(EXPIRED), { raw: true });
    });

    it('refuses a token without orig_iat: "orig_iat field is required." (raw text too)', async () => {
      const response = await postJson(app.server, REFRESH, { token: signHs(adminClaims()) });
      expectError(response, format, 400, nonField(ORIG_IAT_REQUIRED), { raw: true });
    });

    it('refuses a token issued while allowRefresh was off: "orig_iat field is required."', async () => {
      const token = tokenOf(await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' }));
      expectError(await postJson(app.server, REFRESH, { token }), format, 400, nonField(ORIG_IAT_REQUIRED));
    });

    it.each([
      ['null', null],
      ['0', 0],
    ])('treats orig_iat %s as missing: "orig_iat field is required."', async (_name, origIat) => {
      const token = signHs(adminClaims({ orig_iat: origIat }));
      expectError(await postJson(app.server, REFRESH, { token }), format, 400, nonField(ORIG_IAT_REQUIRED));
    });

    it('refuses an orig_iat that is not a number with 400 "Invalid token." (upstream: 500)', async () => {
      const token = signHs(adminClaims({ orig_iat: 'yesterday' }));
      expectError(await postJson(app.server, REFRESH, { token }), format, 400, nonField(INVALID_TOKEN));
    });

    it('refuses an orig_iat older than the default 7 days: "Refresh has expired." (raw text too)', async () => {
      const token = signHs(adminClaims({ orig_iat: now() - WEEK - 10 }));
      expectError(await postJson(app.server, REFRESH, { token }), format, 400, nonField(REFRESH_EXPIRED), {
        raw: true,
      });
    });

    it('refreshes a token with orig_iat even though allowRefresh is off, keeping orig_iat', async () => {
      const origIat = now() - WEEK + 10;
      const token = signHs(adminClaims({ orig_iat: origIat }));
      const response = await postJson(app.server, REFRESH, { token });
      const fresh = tokenOf(response);
      expect(response.body).toEqual({ token: fresh });
      expect(payloadOf(fresh).orig_iat).toBe(origIat);
    });

    it.each([
      ['a malformed token', () => 'abc', DECODE_ERROR],
      [
        'a token signed with another secret',
        () => signHs(adminClaims({ orig_iat: now() }), { secret: OTHER_SECRET }),
        DECODE_ERROR,
      ],
      ['an HS512 token', () => signHs(adminClaims({ orig_iat: now() }), { alg: 'HS512' }), INVALID_TOKEN],
      ['an alg none token', () => signHs(adminClaims({ orig_iat: now() }), { header: { alg: 'none' } }), INVALID_TOKEN],
      [
        'a token with nbf in the future',
        () => signHs(adminClaims({ orig_iat: now(), nbf: now() + 60 }), {}),
        INVALID_TOKEN,
      ],
      [
        'a token with aud (no audience configured)',
        () => signHs(adminClaims({ orig_iat: now(), aud: 'x' })),
        INVALID_TOKEN,
      ],
      ['a token without exp', () => signHs(without(adminClaims({ orig_iat: now() }), 'exp')), INVALID_TOKEN],
      [
        'a token without username',
        () => signHs(without(adminClaims({ orig_iat: now() }), 'username')),
        INVALID_PAYLOAD,
      ],
      ['a token of an unknown user', () => signHs(adminClaims({ orig_iat: now(), username: 'ghost' })), USER_NOT_FOUND],
      [
        'a token of an inactive user',
        () => signHs({ user_id: 2, username: 'inactive', exp: now() + 300, orig_iat: now() }),
        USER_DISABLED,
      ],
    ])('applies the verify checks: %s is refused', async (_name, token, message) => {
      expectError(await postJson(app.server, REFRESH, { token: token() }), format, 400, nonField(message));
    });

    it('checks the token before orig_iat: an unknown user without orig_iat is "User doesn\'t exist."', async () => {
      const token = signHs(adminClaims({ username: 'ghost' }));
      expectError(await postJson(app.server, REFRESH, { token }), format, 400, nonField(USER_NOT_FOUND));
    });

    it('sends Cache-Control: no-store on a refusal', async () => {
      const response = await postJson(app.server, REFRESH, { token: signHs(adminClaims()) });
      expect(response.status).toBe(400);
      expect(response.headers['cache-control']).toBe('no-store');
    });
  });

  describe('a successful refresh (allowRefresh: true)', () => {
    const app = useTokenApp(adapter, { allowRefresh: true });

    it('returns 200 {"token"} with a new token', async () => {
      const token = signHs(adminClaims({ orig_iat: now() - 1000, jti: 'old-jti' }));
      const response = await postJson(app.server, REFRESH, { token });
      const fresh = tokenOf(response);
      expect(response.body).toEqual({ token: fresh });
      expect(fresh).not.toBe(token);
      expect(hasHs256Signature(fresh)).toBe(true);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('gives the new token a fresh exp and a new jti, and keeps the old orig_iat', async () => {
      const origIat = now() - 1000;
      const token = signHs(adminClaims({ exp: now() + 10, orig_iat: origIat, jti: 'old-jti' }));
      const before = now();
      const payload = payloadOf(tokenOf(await postJson(app.server, REFRESH, { token })));
      expectBetween(payload.exp, before + 300, now() + 300);
      expect(payload.jti).toMatch(UUID_PATTERN);
      expect(payload.jti).not.toBe('old-jti');
      expect(payload.orig_iat).toBe(origIat);
      expect(payload.user_id).toBe(1);
      expect(payload.username).toBe('admin');
    });

    it('issues, then refreshes, an obtained token: same orig_iat, new jti, fresh user fields', async () => {
      const issued = tokenOf(await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' }));
      const before = payloadOf(issued);
      const admin = app.users.users.get('admin');
      expect(admin).toBeDefined();
      if (admin) admin.email = 'new-address@example.com';
      const beforeRefresh = now();
      const refreshed = payloadOf(tokenOf(await postJson(app.server, REFRESH, { token: issued })));
      const afterRefresh = now();
      expect(refreshed.email).toBe('new-address@example.com');
      expect(before.email).toBe('admin@example.com');
      expect(refreshed.orig_iat).toBe(before.orig_iat);
      expect(refreshed.jti).not.toBe(before.jti);
      expectBetween(refreshed.exp, beforeRefresh + 300, afterRefresh + 300);
    });

    it('takes user fields from the store, not from the old token', async () => {
      // user_id "1" names the same account as 1 (a token of another account is refused).
      const token = signHs(adminClaims({ orig_iat: now() - 10, email: 'forged@example.com', user_id: '1' }));
      const payload = payloadOf(tokenOf(await postJson(app.server, REFRESH, { token })));
      expect(payload.email).toBe('admin@example.com');
      expect(payload.user_id).toBe(1);
    });

    it('gives a refreshed token that verify accepts and refresh accepts again', async () => {
      const first = tokenOf(await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' }));
      const second = tokenOf(await postJson(app.server, REFRESH, { token: first }));
      expect((await postJson(app.server, VERIFY, { token: second })).body).toEqual({ token: second });
      const third = tokenOf(await postJson(app.server, REFRESH, { token: second }));
      expect(payloadOf(third).orig_iat).toBe(payloadOf(first).orig_iat);
    });

    it('accepts a form-urlencoded body and the path without the trailing slash', async () => {
      const token = signHs(adminClaims({ orig_iat: now() - 10 }));
      const response = await postForm(app.server, '/api-token-refresh', `token=${encodeURIComponent(token)}`);
      expect(payloadOf(tokenOf(response)).username).toBe('admin');
    });

    it('refuses to refresh for a user deactivated since: "User account is disabled."', async () => {
      const token = tokenOf(await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' }));
      const admin = app.users.users.get('admin');
      if (admin) admin.isActive = false;
      expectError(await postJson(app.server, REFRESH, { token }), 'nest', 400, nonField(USER_DISABLED));
    });
  });

  describe.each(ENDPOINT_ERROR_FORMATS)('refreshExpirationDelta: 100 (errorFormat %s)', (format) => {
    const delta = 100;
    const app = useTokenApp(adapter, { refreshExpirationDelta: delta, errorFormat: format });

    it('allows a refresh 2 seconds before the window closes (orig_iat = now - delta + 2)', async () => {
      const origIat = now() - delta + 2;
      const token = signHs(adminClaims({ orig_iat: origIat }));
      expect(payloadOf(tokenOf(await postJson(app.server, REFRESH, { token }))).orig_iat).toBe(origIat);
    });

    it('refuses a refresh 2 seconds after the window closed (orig_iat = now - delta - 2)', async () => {
      const token = signHs(adminClaims({ orig_iat: now() - delta - 2 }));
      expectError(await postJson(app.server, REFRESH, { token }), format, 400, nonField(REFRESH_EXPIRED));
    });
  });

  describe('the refresh window edge (refreshExpirationDelta: 100)', () => {
    const delta = 100;
    const app = useTokenApp(adapter, { refreshExpirationDelta: delta, errorFormat: 'drf' });

    it('is inclusive: now == orig_iat + delta is allowed, one second later is refused', async () => {
      // The clock stands still, so the server's reads the second the tokens were made for.
      stopTheClock();
      try {
        const edge = now() - delta;
        const atEdge = signHs(adminClaims({ orig_iat: edge }));
        const pastEdge = signHs(adminClaims({ orig_iat: edge - 1 }));
        const [allowed, refused] = await Promise.all([
          postJson(app.server, REFRESH, { token: atEdge }),
          postJson(app.server, REFRESH, { token: pastEdge }),
        ]);
        expect(now()).toBe(edge + delta);
        expect(payloadOf(tokenOf(allowed)).orig_iat).toBe(edge);
        expectError(refused, 'drf', 400, nonField(REFRESH_EXPIRED));
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
