import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp } from '../../sample/create-app.js';
import {
  commandCalls,
  eventually,
  freePort,
  RedisServerProcess,
  redisServerAvailability,
} from '../support/redis-server.js';
import { useSampleEnv } from '../support/sample-env.js';
import { obtainToken } from '../support/endpoints.js';

/**
 * The proof that revocation works across instances: two sample apps in one process (A on
 * Express, B on Fastify), each with its own RedisRevocationStore made from REDIS_URL, sharing
 * one redis-server this file starts (and stops, restarts) itself, and one users database.
 */
const SECRET = 'two-instances-e2e-secret-long-enough-for-hs256';
const REVOKED = 'Token has been revoked.';
const UNAVAILABLE = 'Token revocation status is unavailable.';
const SAMPLE_ENV = [
  'SAMPLE_DB',
  'JWT_SECRET_KEY',
  'JWT_EXPIRATION_DELTA',
  'JWT_ERROR_FORMAT',
  'REDIS_URL',
  'JWT_REVOCATION_UNAVAILABLE_STATUS',
];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-two-instances-');

/** Two instances of the sample on one users database, started one after the other. */
function useInstances(database: string, env: () => Record<string, string | undefined>) {
  const apps: INestApplication[] = [];
  const servers: { a: App; b: App } = {} as { a: App; b: App };
  beforeAll(async () => {
    setEnv({ SAMPLE_DB: join(tempDir, database), JWT_SECRET_KEY: SECRET, JWT_EXPIRATION_DELTA: '10m', ...env() });
    apps.push(await createApp('express', { logger: false }));
    apps.push(await createApp('fastify', { logger: false }));
    [servers.a, servers.b] = apps.map((app) => app.getHttpServer() as App);
  });
  const close = async (): Promise<void> => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  };
  // Passport's strategy registry is global: the next pair must not meet this one's.
  afterAll(close);
  return { servers, close };
}

const get = (server: App, token: string) => request(server).get('/protected-url/').set('Authorization', `JWT ${token}`);

async function expectAccepted(server: App, token: string): Promise<void> {
  const response = await get(server, token);
  expect({ status: response.status, body: response.body }).toEqual({
    status: 200,
    body: { message: 'Hello, admin!', username: 'admin' },
  });
}

const accepted = async (server: App, token: string): Promise<boolean> => (await get(server, token)).status === 200;

/** Connections the sample's stores hold on the server (they name themselves). */
async function sampleConnections(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    const list = (await redis.client('LIST')) as string;
    return list.split('\n').filter((line) => line.includes('name=nest-rest-jwt-sample')).length;
  } finally {
    redis.disconnect();
  }
}

const availability = redisServerAvailability();

if (!availability.available) {
  console.warn(`test/revocation/two-instances.e2e-spec.ts: SKIPPED, ${availability.reason}`);
  describe.skip(`two sample instances sharing one Redis (skipped: ${availability.reason})`, () => {
    it('share revocations, keep them over a restart, fail closed while Redis is down', () => undefined);
  });
} else {
  describe('two sample instances sharing one Redis (appendonly, restarted and stopped by the test)', () => {
    let redis: RedisServerProcess;
    beforeAll(async () => {
      redis = new RedisServerProcess(await freePort(), { appendonly: true });
      await redis.start();
    });
    afterAll(() => redis?.remove());
    const { servers, close } = useInstances('shared.sqlite3', () => ({
      JWT_ERROR_FORMAT: 'drf',
      REDIS_URL: redis.url,
    }));

    it('a token revoked through A is refused by B on the next request', async () => {
      const token = await obtainToken(servers.a);
      const other = await obtainToken(servers.b);
      await expectAccepted(servers.b, token);

      const revoke = await request(servers.a).post('/api-token-revoke/').send({ token });
      expect({ status: revoke.status, body: revoke.body }).toEqual({ status: 200, body: {} });

      for (const server of [servers.b, servers.a]) {
        const response = await get(server, token);
        expect({ status: response.status, body: response.body }).toEqual({ status: 401, body: { detail: REVOKED } });
        expect(response.headers['www-authenticate']).toBe('JWT realm="api"');
      }
      // Only that token: another one of the same user still works on both.
      await expectAccepted(servers.a, other);
      await expectAccepted(servers.b, other);
    });

    it('"log out everywhere" through B refuses on A every token issued before it', async () => {
      const [first, second] = [await obtainToken(servers.a), await obtainToken(servers.b)];
      const response = await request(servers.b).post('/api-token-revoke-all/').set('Authorization', `JWT ${second}`);
      expect(response.status).toBe(200);
      for (const token of [first, second]) {
        expect((await get(servers.a, token)).body).toEqual({ detail: REVOKED });
      }
      await expectAccepted(servers.a, await obtainToken(servers.b));
    });

    it('a token revoked before Redis restarts is still refused after it (the revocation was persisted)', async () => {
      const revoked = await obtainToken(servers.a);
      const kept = await obtainToken(servers.a);
      expect((await request(servers.b).post('/api-token-revoke/').send({ token: revoked })).status).toBe(200);

      await redis.stop();
      await redis.start();
      // Both instances reconnect on their own; the token that was not revoked passes again...
      expect(await eventually(() => accepted(servers.a, kept), 5000)).toBe(true);
      expect(await eventually(() => accepted(servers.b, kept), 5000)).toBe(true);
      // ...and the revoked one is still refused, by both.
      expect((await get(servers.b, revoked)).body).toEqual({ detail: REVOKED });
      expect((await get(servers.a, revoked)).body).toEqual({ detail: REVOKED });
    });

    it('while Redis is down the guard fails closed with 503, and recovers when Redis returns', async () => {
      const token = await obtainToken(servers.a);
      await expectAccepted(servers.b, token);

      await redis.stop();
      for (const server of [servers.a, servers.b]) {
        // Answered while Redis is still down: the lookup was refused, not kept for a retry (below).
        const response = await get(server, token);
        expect({ status: response.status, body: response.body }).toEqual({
          status: 503,
          body: { detail: UNAVAILABLE },
        });
        // Revoking cannot be recorded either: it says so instead of pretending.
        const revoke = await request(server).post('/api-token-revoke/').send({ token });
        expect({ status: revoke.status, body: revoke.body }).toEqual({ status: 503, body: { detail: UNAVAILABLE } });
      }
      // What does not need the store still works.
      expect((await request(servers.b).get('/public/')).status).toBe(200);
      expect(typeof (await obtainToken(servers.b))).toBe('string');

      await redis.start();
      expect(await eventually(() => accepted(servers.a, token), 5000)).toBe(true);
      expect(await eventually(() => accepted(servers.b, token), 5000)).toBe(true);
      // Nothing of the outage reached Redis once it was back: the restarted server has run the
      // two lookups that answered (one per instance) and no more, and the revocations refused
      // meanwhile were not made later either (the token was accepted just now).
      expect((await commandCalls(redis.url)).mget).toBe(2);
    });

    it('closing the apps closes their Redis connections', async () => {
      expect(await sampleConnections(redis.url)).toBe(2);
      await close();
      expect(await eventually(async () => (await sampleConnections(redis.url)) === 0, 2000)).toBe(true);
    });
  });

  describe('two sample instances with JWT_REVOCATION_UNAVAILABLE_STATUS=401 and the default error format', () => {
    let redis: RedisServerProcess;
    beforeAll(async () => {
      redis = new RedisServerProcess(await freePort());
      await redis.start();
    });
    afterAll(() => redis?.remove());
    const { servers } = useInstances('status-401.sqlite3', () => ({
      REDIS_URL: redis.url,
      JWT_REVOCATION_UNAVAILABLE_STATUS: '401',
    }));

    it('answers 401 with a challenge while Redis is down, and recovers', async () => {
      const token = await obtainToken(servers.a);
      await expectAccepted(servers.b, token);
      await redis.stop();
      for (const server of [servers.a, servers.b]) {
        const response = await get(server, token);
        expect({ status: response.status, body: response.body }).toEqual({
          status: 401,
          body: { statusCode: 401, message: UNAVAILABLE, error: 'Unauthorized' },
        });
        expect(response.headers['www-authenticate']).toBe('JWT realm="api"');
      }
      await redis.start();
      expect(await eventually(() => accepted(servers.b, token), 5000)).toBe(true);
    });
  });
}

describe('control: two sample instances without REDIS_URL', () => {
  const { servers } = useInstances('memory.sqlite3', () => ({ JWT_ERROR_FORMAT: 'drf' }));

  it('keep their own revocations: a token revoked through A still passes on B', async () => {
    const token = await obtainToken(servers.a);
    expect((await request(servers.a).post('/api-token-revoke/').send({ token })).status).toBe(200);
    expect((await get(servers.a, token)).body).toEqual({ detail: REVOKED });
    await expectAccepted(servers.b, token);
  });
});
