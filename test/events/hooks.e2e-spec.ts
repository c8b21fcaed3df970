import { beforeEach, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import request from 'supertest';
import {
  JWT_AUTH_LOGIN_FAILED,
  JWT_AUTH_LOGIN_SUCCEEDED,
  JWT_AUTH_TOKEN_REFRESHED,
  JWT_AUTH_TOKEN_REVOKED,
  type JwtAuthEvent,
  type JwtAuthHooks,
} from '../../lib/index.js';
import { ADAPTERS } from '../support/apps.js';
import { adminClaims, now, payloadOf, signHs } from '../support/tokens.js';
import type { TestUser } from '../support/users.js';
import { type EventApp, useEventApp } from './event-apps.js';

const PASSWORD = 'abc123';
const WRONG_PASSWORD = 'wrong-Pa55word!';

/** Hooks that record every event; onLoginSucceeded also writes `last_login`, slowly. */
function recordingHooks(received: JwtAuthEvent[]): JwtAuthHooks<TestUser & { lastLogin?: Date }> {
  return {
    async onLoginSucceeded(event) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      event.user.lastLogin = new Date();
      received.push(event);
    },
    onLoginFailed: (event) => void received.push(event),
    onTokenRefreshed: (event) => void received.push(event),
    onTokenRevoked: (event) => void received.push(event),
  };
}

async function login(t: EventApp, password = PASSWORD, username = 'admin') {
  return request(t.server).post('/api-token-auth/').send({ username, password });
}

/**
 * The event as a log line or a serialiser would show it: neither may hold a secret. `user` is
 * the app's own object (this fixture's keeps its password in clear), so it is left out.
 */
function expectNoSecrets(event: JwtAuthEvent, ...secrets: string[]) {
  const shown = [JSON.stringify(event), inspect(event, { depth: 8 })].map((text) =>
    text.replace(/"?user"?: ?\{[^}]*\}/, 'user: <the app user>'),
  );
  expect(shown[0]).toContain('"name"');
  for (const secret of secrets) for (const text of shown) expect(text).not.toContain(secret);
}

describe.each(ADAPTERS)('hooks (%s)', (adapter) => {
  const received: JwtAuthEvent[] = [];
  const t = useEventApp(adapter, { jwt: { hooks: recordingHooks(received) } });
  beforeEach(() => {
    received.length = 0;
  });

  it('onLoginSucceeded gets the user and the request, and is awaited before the answer', async () => {
    const response = await login(t);
    expect(response.status).toBe(200);
    // Awaited: the hook's slow last_login write is done when the client has its token.
    expect(t.users.users.get('admin')).toHaveProperty('lastLogin', expect.any(Date));
    expect(received).toHaveLength(1);
    const [event] = received;
    expect(event).toEqual({ name: JWT_AUTH_LOGIN_SUCCEEDED, user: expect.objectContaining({ username: 'admin' }) });
    expect(Object.isFrozen(event)).toBe(true);
    // The request is there for the app (address, headers), but not enumerable.
    expect(event.request).toMatchObject({ method: 'POST', url: '/api-token-auth/' });
    expect(Object.keys(event)).not.toContain('request');
    expectNoSecrets(event, PASSWORD, response.body.token as string);
  });

  it('onLoginFailed gets the username tried and "bad_credentials", not the password', async () => {
    expect((await login(t, WRONG_PASSWORD)).status).toBe(400);
    expect((await login(t, WRONG_PASSWORD, '  nobody  ')).status).toBe(400);
    expect((await login(t, PASSWORD, 'inactive')).status).toBe(400);
    expect(received).toEqual([
      { name: JWT_AUTH_LOGIN_FAILED, username: 'admin', reason: 'bad_credentials' },
      { name: JWT_AUTH_LOGIN_FAILED, username: 'nobody', reason: 'bad_credentials' },
      { name: JWT_AUTH_LOGIN_FAILED, username: 'inactive', reason: 'bad_credentials' },
    ]);
    for (const event of received) expectNoSecrets(event, WRONG_PASSWORD, PASSWORD);
  });

  it('onTokenRefreshed gets the user; neither token is in the event', async () => {
    const token = (await login(t)).body.token as string;
    received.length = 0;
    const refreshed = await request(t.server).post('/api-token-refresh/').send({ token });
    expect(refreshed.status).toBe(200);
    expect(received).toEqual([
      { name: JWT_AUTH_TOKEN_REFRESHED, user: expect.objectContaining({ username: 'admin' }) },
    ]);
    expectNoSecrets(received[0], token, refreshed.body.token as string, PASSWORD);
  });

  it('a refused refresh and verify give no event', async () => {
    const expired = signHs(adminClaims({ exp: now() - 10, orig_iat: now() - 100 }));
    expect((await request(t.server).post('/api-token-refresh/').send({ token: expired })).status).toBe(400);
    const token = (await login(t)).body.token as string;
    received.length = 0;
    expect((await request(t.server).post('/api-token-verify/').send({ token })).status).toBe(200);
    expect(received).toEqual([]);
  });

  it('onTokenRevoked on logout gets the claims of the token, not the token', async () => {
    const token = (await login(t)).body.token as string;
    received.length = 0;
    const response = await request(t.server).post('/api-token-revoke/').set('Authorization', `JWT ${token}`);
    expect(response.status).toBe(200);
    expect(received).toEqual([{ name: JWT_AUTH_TOKEN_REVOKED, scope: 'token', claims: payloadOf(token) }]);
    expectNoSecrets(received[0], token);
  });

  it('logging out with an expired token (left as it is) or a forged one gives no event', async () => {
    const expired = signHs(adminClaims({ exp: now() - 10, jti: 'expired-one' }));
    expect((await request(t.server).post('/api-token-revoke/').send({ token: expired })).status).toBe(200);
    const forged = signHs(adminClaims({ jti: 'forged' }), { secret: 'another-secret-that-is-long-enough-for-hs256' });
    expect((await request(t.server).post('/api-token-revoke/').send({ token: forged })).status).toBe(400);
    expect(received).toEqual([]);
  });

  it('onTokenRevoked on log-out-everywhere gets the user', async () => {
    const token = (await login(t)).body.token as string;
    received.length = 0;
    const response = await request(t.server).post('/api-token-revoke-all/').set('Authorization', `JWT ${token}`);
    expect(response.status).toBe(200);
    expect(received).toEqual([
      { name: JWT_AUTH_TOKEN_REVOKED, scope: 'user', user: expect.objectContaining({ username: 'admin' }) },
    ]);
    expectNoSecrets(received[0], token);
  });
});

describe.each(ADAPTERS)('hooks: throttled logins (%s)', (adapter) => {
  const received: JwtAuthEvent[] = [];
  const t = useEventApp(adapter, {
    jwt: {
      loginThrottle: { limit: 2, perAddressLimit: false },
      hooks: { onLoginFailed: (e) => void received.push(e) },
    },
  });

  it('onLoginFailed gets "throttled" for an attempt over the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await login(t, WRONG_PASSWORD, 'mallory')).status);
    expect(statuses).toEqual([400, 400, 429]);
    expect(received.map((event) => (event as { reason?: string }).reason)).toEqual([
      'bad_credentials',
      'bad_credentials',
      'throttled',
    ]);
    expect(received[2]).toEqual({ name: JWT_AUTH_LOGIN_FAILED, username: 'mallory', reason: 'throttled' });
  });
});
