import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request, { type Response } from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import { BLACKLIST, CHALLENGE, OBTAIN, REFRESH, useSimpleJwtApp, VERIFY } from '../support/simplejwt.js';
import { signHs } from '../support/tokens.js';

/**
 * Attack suite for simplejwt's protocol: random bodies to its four views and random
 * Authorization headers and tokens to the guard. Never a 5xx, never a stack, never a success
 * that is not deserved, and always one of simplejwt's documented bodies.
 * Reproduce with the printed seed: FUZZ_SEED=<seed> NODE_OPTIONS=--experimental-vm-modules npx jest test/security/simplejwt-fuzz
 */
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const TOKEN_MESSAGES = new Set([
  'Token is invalid',
  'Token is expired',
  'Token has no id',
  'Token has no type',
  'Token has wrong type',
  'Token is blacklisted',
  "Token has no 'exp' claim",
  "Token 'exp' claim has expired",
]);
const DETAILS = new Set([
  'No active account found with the given credentials',
  'No active account found for the given token.',
  'Authentication credentials were not provided.',
  'Authorization header must contain two space-delimited values',
  'Given token not valid for any token type',
  'Token contained no recognizable user identification',
  'User not found',
  'User is inactive',
  ...TOKEN_MESSAGES,
]);
const FIELD_MESSAGE =
  /^(This field is required\.|This field may not be (blank|null)\.|Not a valid string\.|Null characters are not allowed\.|Surrogate characters are not allowed: U\+D[89A-F][0-9A-F]{2}\.|Token is blacklisted|No data provided|Invalid data\. Expected a dictionary, but got \w+\.)$/;

/** Whether a refusal is one simplejwt documents (its status, body and challenge). */
function expectDocumentedRefusal(response: Response): void {
  expect(response.status).toBeLessThan(500);
  expect(response.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  const body = response.body as Record<string, unknown>;
  if (response.status === 401) {
    expect(response.headers['www-authenticate']).toBe(CHALLENGE);
    expect(DETAILS.has(body.detail as string)).toBe(true);
    for (const entry of (body.messages as { message: string }[] | undefined) ?? []) {
      expect(TOKEN_MESSAGES.has(entry.message)).toBe(true);
    }
    return;
  }
  if (response.status === 400 && typeof body.detail === 'string') {
    expect(body.detail).toMatch(/^(JSON|Multipart form) parse error - /s);
    return;
  }
  if (response.status === 400) {
    for (const messages of Object.values(body)) {
      for (const text of messages as string[]) expect(text).toMatch(FIELD_MESSAGE);
    }
    return;
  }
  expect([403, 413, 415]).toContain(response.status);
}

/** Claims of any shape, some of them close to a real token's. */
const claims = fc.record(
  {
    token_type: fc.oneof(fc.constantFrom('access', 'refresh', 'sliding'), fc.jsonValue()),
    exp: fc.oneof(fc.integer({ min: 0, max: 2 ** 33 }), fc.jsonValue()),
    iat: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.jsonValue()),
    jti: fc.oneof(
      fc.uuid().map((id) => id.replaceAll('-', '')),
      fc.jsonValue(),
    ),
    user_id: fc.oneof(fc.constantFrom('1', '2', '404', 1, 0), fc.jsonValue()),
    refresh_exp: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const token = fc.oneof(
  claims.map((payload) => signHs(payload)),
  fc.string(),
  fc.string({ unit: 'binary' }),
);

describe.each(ADAPTERS)(`simplejwt fuzzing on %s (seed ${SEED})`, (adapter) => {
  const app = useSimpleJwtApp(adapter, { simpleJwt: { rotateRefreshTokens: true, blacklistAfterRotation: true } });

  it('answers any JSON body at its four views with a documented answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(OBTAIN, REFRESH, VERIFY, BLACKLIST),
        fc.oneof(
          fc.jsonValue(),
          fc.record({ refresh: token, token, username: fc.string(), password: fc.string() }, { requiredKeys: [] }),
        ),
        async (path, body) => {
          const response = await request(app.server)
            .post(path)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          if (response.status === 200) {
            // Deserved only by a valid token (or admin's credentials, which no random string is).
            expect(path).not.toBe(OBTAIN);
            return;
          }
          expectDocumentedRefusal(response);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('answers any Authorization header at the guard with a documented answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          token.map((value) => `Bearer ${value}`),
          fc.string().map((value) => `Bearer ${value}`),
          fc.string(),
        ),
        async (header) => {
          // Headers must be valid HTTP text: supertest refuses what Node would not send.
          if (!/^[\t\x20-\x7e]*$/.test(header)) return;
          const response = await request(app.server).get('/protected-url').set('Authorization', header);
          if (response.status === 200) {
            expect(response.body).toEqual({ username: 'admin' });
            return;
          }
          expectDocumentedRefusal(response);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
