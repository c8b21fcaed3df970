import { describe, expect, it } from '@jest/globals';
import { Logger, type LogLevel } from '@nestjs/common';
import request from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import { adminClaims, now, signHs } from '../support/tokens.js';
import { type LogLine, useEventApp } from './event-apps.js';

const PASSWORD = 'abc123';
const WRONG_PASSWORD = 'wrong-Pa55word!';
const ALL_LEVELS: LogLevel[] = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'];

describe.each(ADAPTERS)('debug logs of refusals (%s)', (adapter) => {
  const t = useEventApp(adapter, { jwt: { authCookie: { name: 'jwt', secure: false } } });
  /** Every token (and its payload and signature, so a cut token shows too), password and cookie value sent. */
  const secrets = new Set<string>([PASSWORD, WRONG_PASSWORD]);
  const keepToken = (jwt: string) => [jwt, ...jwt.split('.').slice(1)].forEach((part) => secrets.add(part));

  /** The lines logged while `send` ran. */
  async function linesOf(send: () => Promise<unknown>): Promise<LogLine[]> {
    const before = t.logger.lines.length;
    await send();
    return t.logger.lines.slice(before);
  }

  const refusals = (lines: LogLine[]) => lines.filter((line) => line.text.startsWith('Refused '));

  async function loginToken(): Promise<string> {
    const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: PASSWORD });
    expect(response.status).toBe(200);
    keepToken(response.body.token as string);
    return response.body.token as string;
  }

  /** Signs claims, remembering the token as a secret. */
  function token(claims: Record<string, unknown>): string {
    const signed = signHs(claims);
    keepToken(signed);
    return signed;
  }

  it.each([
    ['no credentials', {}, 'no credentials'],
    [
      'a header with spaces',
      { Authorization: 'JWT abc.def ghi' },
      'Invalid Authorization header. Credentials string should not contain spaces.',
    ],
    ['an expired token', () => ({ Authorization: `JWT ${token(adminClaims({ exp: now() - 10 }))}` }), 'expired'],
    [
      'an inactive user',
      () => ({ Authorization: `JWT ${token({ user_id: 2, username: 'inactive', exp: now() + 60 })}` }),
      'user_inactive',
    ],
  ] as const)('the guard: %s is logged at debug level with its reason, method and path', async (_, headers, reason) => {
    const lines = await linesOf(async () => {
      const sent = typeof headers === 'function' ? headers() : headers;
      expect((await request(t.server).get('/protected-url').set(sent)).status).toBe(401);
    });
    expect(refusals(lines)).toEqual([{ level: 'debug', text: `Refused GET /protected-url: ${reason} | JwtAuth` }]);
  });

  it('the guard: a revoked token, with the token also in the query string (which is never logged)', async () => {
    const revoked = await loginToken();
    expect((await request(t.server).post('/api-token-revoke/').send({ token: revoked })).status).toBe(200);
    const lines = await linesOf(async () => {
      const response = await request(t.server)
        .get(`/protected-url?token=${revoked}&next=%2F`)
        .set('Authorization', `JWT ${revoked}`);
      expect(response.status).toBe(401);
    });
    expect(refusals(lines)).toEqual([{ level: 'debug', text: 'Refused GET /protected-url: revoked | JwtAuth' }]);
  });

  it('the guard: a missing CSRF header in cookie mode; neither cookie value is logged', async () => {
    const jwt = await loginToken();
    const csrf = 'csrf-value-never-logged';
    secrets.add(csrf);
    const lines = await linesOf(async () => {
      const response = await request(t.server).post('/protected-url').set('Cookie', `jwt=${jwt}; csrftoken=${csrf}`);
      expect(response.status).toBe(403);
    });
    expect(refusals(lines)).toEqual([
      { level: 'debug', text: 'Refused POST /protected-url: CSRF Failed: CSRF token missing. | JwtAuth' },
    ]);
  });

  it('the login endpoint: bad credentials, without the username or the password', async () => {
    const lines = await linesOf(async () => {
      const response = await request(t.server)
        .post('/api-token-auth/')
        .send({ username: 'admin', password: WRONG_PASSWORD });
      expect(response.status).toBe(400);
    });
    expect(refusals(lines)).toEqual([
      { level: 'debug', text: 'Refused POST /api-token-auth/: bad credentials | JwtAuth' },
    ]);
  });

  it('the refresh and verify endpoints: the token reason', async () => {
    const expired = token(adminClaims({ exp: now() - 10, orig_iat: now() - 100 }));
    const lines = await linesOf(async () => {
      expect((await request(t.server).post('/api-token-refresh/').send({ token: expired })).status).toBe(400);
      expect((await request(t.server).post('/api-token-verify/').send({ token: expired })).status).toBe(400);
    });
    expect(refusals(lines)).toEqual([
      { level: 'debug', text: 'Refused POST /api-token-refresh/: expired | JwtAuth' },
      { level: 'debug', text: 'Refused POST /api-token-verify/: expired | JwtAuth' },
    ]);
  });

  it('nothing is logged for an accepted request, nor for a refusal when debug logs are off', async () => {
    const valid = await loginToken();
    const accepted = await linesOf(async () => {
      expect((await request(t.server).get('/protected-url').set('Authorization', `JWT ${valid}`)).status).toBe(200);
    });
    expect(refusals(accepted)).toEqual([]);
    Logger.overrideLogger(['log', 'warn', 'error']);
    try {
      const refused = await linesOf(async () => {
        expect((await request(t.server).get('/protected-url')).status).toBe(401);
      });
      expect(refused).toEqual([]);
    } finally {
      Logger.overrideLogger(ALL_LEVELS);
    }
  });

  it('no line at any level, start-up included, holds a token, a password or a cookie value', () => {
    // Tokens of every kind were sent above, and refusals were logged: the check has something to check.
    expect(secrets.size).toBeGreaterThan(5);
    expect(refusals(t.logger.lines).length).toBeGreaterThan(5);
    const leaks = t.logger.lines.filter((line) => [...secrets].some((secret) => line.text.includes(secret)));
    expect(leaks).toEqual([]);
  });
});
