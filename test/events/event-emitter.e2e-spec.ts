import { beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  JWT_AUTH_LOGIN_FAILED,
  JWT_AUTH_LOGIN_SUCCEEDED,
  JWT_AUTH_TOKEN_REFRESHED,
  JWT_AUTH_TOKEN_REVOKED,
  type JwtAuthEvent,
} from '../../lib/index.js';
import { ADAPTERS } from '../support/apps.js';
import { payloadOf } from '../support/tokens.js';
import { type EventApp, useEventApp } from './event-apps.js';

const PASSWORD = 'abc123';

const login = (t: EventApp, password = PASSWORD) =>
  request(t.server).post('/api-token-auth/').send({ username: 'admin', password });

/** What a response must never show of a failed hook or listener. */
function expectNoLeak(response: request.Response, ...texts: string[]) {
  for (const text of [...texts, 'at ', 'Error']) expect(response.text).not.toContain(text);
}

describe.each(ADAPTERS)('through @nestjs/event-emitter (%s)', (adapter) => {
  const hooked: JwtAuthEvent[] = [];
  const t = useEventApp(adapter, {
    eventEmitter: true,
    jwt: { hooks: { onLoginSucceeded: (event) => void hooked.push(event) } },
  });
  beforeEach(() => {
    t.listener.received.length = 0;
    t.listener.failOnLogin = false;
    hooked.length = 0;
  });

  it('delivers every event under its name to @OnEvent listeners, and to the hooks as well', async () => {
    const token = (await login(t)).body.token as string;
    expect((await login(t, 'wrong')).status).toBe(400);
    const refreshed = (await request(t.server).post('/api-token-refresh/').send({ token })).body.token as string;
    expect((await request(t.server).post('/api-token-revoke/').send({ token: refreshed })).status).toBe(200);
    expect(t.listener.received).toEqual([
      { name: JWT_AUTH_LOGIN_SUCCEEDED, user: expect.objectContaining({ username: 'admin' }) },
      { name: JWT_AUTH_LOGIN_FAILED, username: 'admin', reason: 'bad_credentials' },
      { name: JWT_AUTH_TOKEN_REFRESHED, user: expect.objectContaining({ username: 'admin' }) },
      { name: JWT_AUTH_TOKEN_REVOKED, scope: 'token', claims: payloadOf(refreshed) },
    ]);
    // The very same frozen object goes to the hook and to the listeners.
    expect(hooked).toHaveLength(1);
    expect(hooked[0]).toBe(t.listener.received[0]);
  });

  it('a listener that throws does not fail the login (200), and is logged with its stack', async () => {
    t.listener.failOnLogin = true;
    const before = t.logger.lines.length;
    const response = await login(t);
    expect(response.status).toBe(200);
    expect(typeof response.body.token).toBe('string');
    expectNoLeak(response, 'listener exploded');
    const errors = t.logger.lines.slice(before).filter((line) => line.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        text: expect.stringMatching(/^a listener of jwt-auth\.login\.succeeded failed .*listener exploded.*JwtAuth$/s),
      },
    ]);
    // The hook ran all the same.
    expect(hooked).toHaveLength(1);
  });
});

describe.each(ADAPTERS)('@nestjs/event-emitter imported non-globally (%s)', (adapter) => {
  const t = useEventApp(adapter, { eventEmitter: { global: false } });

  it('is found all the same', async () => {
    t.listener.received.length = 0;
    expect((await login(t)).status).toBe(200);
    expect(t.listener.received.map((event) => event.name)).toEqual([JWT_AUTH_LOGIN_SUCCEEDED]);
  });
});

describe.each(ADAPTERS)('without EventEmitterModule (%s)', (adapter) => {
  const hooked: JwtAuthEvent[] = [];
  const t = useEventApp(adapter, { jwt: { hooks: { onTokenRevoked: (event) => void hooked.push(event) } } });

  it('logs in, out and everywhere as usual, the hooks still get their events, and nothing is logged as an error', async () => {
    const token = (await login(t)).body.token as string;
    expect((await request(t.server).post('/api-token-revoke/').send({ token })).status).toBe(200);
    const second = (await login(t)).body.token as string;
    const all = await request(t.server).post('/api-token-revoke-all/').set('Authorization', `JWT ${second}`);
    expect(all.status).toBe(200);
    expect(hooked.map((event) => (event as { scope: string }).scope)).toEqual(['token', 'user']);
    expect(t.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});

describe.each(ADAPTERS)('hooks that throw or reject (%s)', (adapter) => {
  const t = useEventApp(adapter, {
    jwt: {
      hooks: {
        onLoginSucceeded() {
          throw new Error('audit log is down');
        },
        onLoginFailed: () => Promise.reject(new Error('audit rejected')),
        onTokenRefreshed: () => Promise.reject('not even an Error'),
      },
    },
  });

  it('a throwing onLoginSucceeded: still 200 with the token, no stack in the answer, logged at error level', async () => {
    const response = await login(t);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['token']);
    expectNoLeak(response, 'audit log is down');
    const logged = t.logger.lines.filter((line) => line.text.includes('audit log is down'));
    expect(logged).toEqual([
      { level: 'error', text: expect.stringMatching(/^hooks\.onLoginSucceeded failed on jwt-auth\.login\.succeeded/) },
    ]);
    // The stack, for the app's own log.
    expect(logged[0].text).toContain('event-emitter.e2e-spec.ts');
  });

  it('a rejecting onLoginFailed: the usual 400, logged', async () => {
    const response = await login(t, 'wrong');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      message: 'Unable to log in with provided credentials.',
      error: 'Bad Request',
    });
    expectNoLeak(response, 'audit rejected');
    expect(t.logger.lines.filter((line) => line.text.includes('audit rejected'))).toHaveLength(1);
  });

  it('a hook rejecting with a non-Error: the refresh answers 200, logged', async () => {
    const token = (await login(t)).body.token as string;
    const response = await request(t.server).post('/api-token-refresh/').send({ token });
    expect(response.status).toBe(200);
    const logged = t.logger.lines.filter((line) => line.text.includes('not even an Error'));
    expect(logged.map((line) => line.level)).toEqual(['error']);
  });
});
