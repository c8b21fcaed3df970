import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { type JwtAuthEvent, JwtAuthModule } from '../../lib/index.js';
import { JWT_AUTH_REQUEST_REFUSED, JWT_AUTH_TOKEN_REUSE_DETECTED } from '../../lib/audit/index.js';
import { JWT_AUTH_CLOCK } from '../../lib/jwt-auth.internal-constants.js';
import {
  ADAPTERS,
  type AdapterName,
  createAppOn,
  initialised,
  ProtectedController,
  SECRET,
  UsersModule,
} from '../support/apps.js';
import { payloadOf } from '../support/tokens.js';

/** The clock of the rate limit, moved by the tests: no test waits for real time. */
const clock = { now: 5_000_000 };

function useAuditApp(adapter: AdapterName, received: JwtAuthEvent[]) {
  let app: INestApplication | undefined;
  beforeAll(async () => {
    @Module({
      imports: [
        UsersModule,
        JwtAuthModule.forRoot({
          secretKey: SECRET,
          allowRefresh: true,
          rotateOnRefresh: true,
          // Strict reuse: a second refresh is a reuse at once (no grace period).
          rotationGracePeriod: 0,
          loginThrottle: false,
          errorFormat: 'drf',
          imports: [UsersModule],
          hooks: {
            onTokenReuseDetected: (event) => void received.push(event),
            onRequestRefused: (event) => void received.push(event),
          },
        }),
      ],
      controllers: [ProtectedController],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(JWT_AUTH_CLOCK)
      .useValue(() => clock.now)
      .compile();
    app = createAppOn(adapter, moduleRef);
    await initialised(adapter, app);
  });
  afterAll(async () => {
    await app?.close();
  });
  return (): App => {
    if (!app) throw new Error('not started');
    return app.getHttpServer() as App;
  };
}

async function login(server: App): Promise<string> {
  const response = await request(server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
  expect(response.status).toBe(200);
  return (response.body as { token: string }).token;
}

const refresh = (server: App, token: string) => request(server).post('/api-token-refresh/').send({ token });
const withToken = (server: App, token: string) =>
  request(server).get('/protected-url').set('Authorization', `JWT ${token}`);

describe.each(ADAPTERS)('audit events (%s)', (adapter) => {
  const received: JwtAuthEvent[] = [];
  const server = useAuditApp(adapter, received);
  beforeEach(() => {
    received.length = 0;
    // A fresh window for every test.
    clock.now += 60_000;
  });

  describe('refresh-token reuse', () => {
    it('a refreshed token presented again emits the event with the revoked chain', async () => {
      const first = await login(server());
      const second = (await refresh(server(), first)).body as { token: string };
      expect(typeof second.token).toBe('string');
      received.length = 0;

      const replay = await refresh(server(), first);
      expect(replay.status).toBe(400);
      expect(replay.body).toEqual({ non_field_errors: ['Token has been revoked.'] });

      const reuse = received.filter((event) => event.name === JWT_AUTH_TOKEN_REUSE_DETECTED);
      expect(reuse).toEqual([
        {
          name: JWT_AUTH_TOKEN_REUSE_DETECTED,
          family: payloadOf(first).jti,
          subject: 'admin',
          jti: payloadOf(first).jti,
          claims: payloadOf(first),
        },
      ]);
      // The chain is revoked indeed: the token the first refresh gave is refused now.
      expect((await withToken(server(), second.token)).status).toBe(401);
    });

    it('names the family of a later token of the chain by its orig_jti', async () => {
      const first = await login(server());
      const second = ((await refresh(server(), first)).body as { token: string }).token;
      expect((await refresh(server(), second)).status).toBe(200);
      received.length = 0;
      await refresh(server(), second);
      expect(received.find((event) => event.name === JWT_AUTH_TOKEN_REUSE_DETECTED)).toMatchObject({
        family: payloadOf(first).jti,
        jti: payloadOf(second).jti,
        subject: 'admin',
      });
    });

    it('an ordinary refresh emits no reuse event', async () => {
      await refresh(server(), await login(server()));
      expect(received.filter((event) => event.name === JWT_AUTH_TOKEN_REUSE_DETECTED)).toEqual([]);
    });
  });

  describe('refusals', () => {
    it('the guard emits one with the reason and the status, never the token', async () => {
      const response = await withToken(server(), 'not.a.token');
      expect(response.status).toBe(401);
      expect(received).toEqual([{ name: JWT_AUTH_REQUEST_REFUSED, reason: 'decode', status: 401, suppressed: 0 }]);
      expect(JSON.stringify(received)).not.toContain('not.a.token');
    });

    it('the token endpoints emit one too (a wrong password)', async () => {
      await request(server()).post('/api-token-auth/').send({ username: 'admin', password: 'wrong' });
      expect(received).toEqual([
        { name: JWT_AUTH_REQUEST_REFUSED, reason: 'bad credentials', status: 400, suppressed: 0 },
      ]);
    });

    it('a flood is rate-limited per reason; the next window tells how many were held back', async () => {
      for (let i = 0; i < 25; i += 1) expect((await withToken(server(), 'not.a.token')).status).toBe(401);
      // Another reason in the same window is counted on its own.
      expect((await request(server()).get('/protected-url')).status).toBe(401);
      expect(received.filter((event) => event.name === JWT_AUTH_REQUEST_REFUSED)).toEqual([
        ...Array.from({ length: 10 }, () => ({
          name: JWT_AUTH_REQUEST_REFUSED,
          reason: 'decode',
          status: 401,
          suppressed: 0,
        })),
        { name: JWT_AUTH_REQUEST_REFUSED, reason: 'no credentials', status: 401, suppressed: 0 },
      ]);
      received.length = 0;
      clock.now += 1000;
      await withToken(server(), 'not.a.token');
      expect(received).toEqual([{ name: JWT_AUTH_REQUEST_REFUSED, reason: 'decode', status: 401, suppressed: 15 }]);
    });
  });
});
