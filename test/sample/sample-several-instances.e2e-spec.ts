import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp } from '../../sample/create-app.js';
import { obtainToken } from '../support/endpoints.js';
import {
  commandCalls,
  eventually,
  freePort,
  RedisServerProcess,
  redisServerAvailability,
} from '../support/redis-server.js';
import { RedisClusterProcesses } from '../support/redis-cluster.js';
import { useSampleEnv } from '../support/sample-env.js';

/**
 * The scenario on the sample itself: two instances (Express and Fastify) on one Redis,
 * with REDIS_URL and JWT_REVOCATION_CACHE=true. The login limit holds for both together, and a
 * token revoked on one is refused by the other although both had it cached.
 */
const SAMPLE_ENV = [
  'SAMPLE_DB',
  'JWT_SECRET_KEY',
  'JWT_ERROR_FORMAT',
  'REDIS_URL',
  'JWT_REVOCATION_CACHE',
  'LOGIN_THROTTLE_LIMIT',
  'REDIS_CLUSTER_NODES',
  'REDIS_CLIENT_LIBRARY',
];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-several-');
const availability = redisServerAvailability();

if (!availability.available) {
  describe('two sample instances with REDIS_URL and JWT_REVOCATION_CACHE', () => {
    it('needs redis-server (apt-get install redis-server)', () => {
      throw new Error(`redis-server is required: ${availability.reason}`);
    });
  });
} else {
  describe('two sample instances with REDIS_URL and JWT_REVOCATION_CACHE (Express and Fastify)', () => {
    let redis: RedisServerProcess;
    const apps: INestApplication[] = [];
    let a: App;
    let b: App;

    beforeAll(async () => {
      redis = new RedisServerProcess(await freePort());
      await redis.start();
      setEnv({
        SAMPLE_DB: join(tempDir, 'users.sqlite3'),
        JWT_SECRET_KEY: 'several-instances-e2e-secret-long-enough',
        JWT_ERROR_FORMAT: 'drf',
        REDIS_URL: redis.url,
        JWT_REVOCATION_CACHE: 'true',
        LOGIN_THROTTLE_LIMIT: '4',
      });
      apps.push(await createApp('express', { logger: false }));
      apps.push(await createApp('fastify', { logger: false }));
      [a, b] = apps.map((app) => app.getHttpServer() as App);
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await redis?.remove();
    });

    const get = (server: App, token: string) =>
      request(server).get('/protected-url/').set('Authorization', `JWT ${token}`);

    it('a token revoked on one is refused by the other, which had it cached', async () => {
      const token = await obtainToken(a);
      expect((await get(b, token)).status).toBe(200);
      const mget = (await commandCalls(redis.url)).mget;
      expect((await get(b, token)).status).toBe(200);
      expect((await commandCalls(redis.url)).mget).toBe(mget); // served from B's cache
      expect((await request(a).post('/api-token-revoke/').send({ token })).status).toBe(200);
      expect(await eventually(async () => (await get(b, token)).status === 401, 5000, 5)).toBe(true);
      expect((await get(b, token)).body).toEqual({ detail: 'Token has been revoked.' });
    });

    it('eight wrong passwords, four on each instance: the fifth and later are refused 429', async () => {
      const statuses: number[] = [];
      for (const server of [a, b, a, b, a, b, a, b]) {
        statuses.push(
          (await request(server).post('/api-token-auth/').send({ username: 'ghost', password: 'no' })).status,
        );
      }
      expect(statuses).toEqual([400, 400, 400, 400, 429, 429, 429, 429]);
    });

    it('the counts are kept in Redis, hashed, under the sample prefix', async () => {
      const admin = new Redis(redis.url);
      try {
        const keys = await admin.keys('nest-rest-jwt:throttle:*');
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.join(' ')).not.toContain('ghost');
      } finally {
        admin.disconnect();
      }
    });
  });

  describe.each(['ioredis', 'redis'])(
    'two sample instances with REDIS_CLUSTER_NODES and JWT_REVOCATION_CACHE, REDIS_CLIENT_LIBRARY=%s (Express and Fastify)',
    (library) => {
      let cluster: RedisClusterProcesses;
      const apps: INestApplication[] = [];
      let a: App;
      let b: App;
      const mgets = async (): Promise<number> => {
        const counts = await Promise.all(cluster.servers.map(async (node) => (await commandCalls(node.url)).mget ?? 0));
        return counts.reduce((sum, count) => sum + count, 0);
      };

      beforeAll(async () => {
        cluster = await RedisClusterProcesses.start();
        setEnv({
          SAMPLE_DB: join(tempDir, `users-${library}.sqlite3`),
          JWT_SECRET_KEY: 'several-instances-e2e-secret-long-enough',
          JWT_ERROR_FORMAT: 'drf',
          REDIS_CLUSTER_NODES: cluster.nodes.join(','),
          REDIS_CLIENT_LIBRARY: library,
          JWT_REVOCATION_CACHE: 'true',
          LOGIN_THROTTLE_LIMIT: '4',
        });
        apps.push(await createApp('express', { logger: false }));
        apps.push(await createApp('fastify', { logger: false }));
        [a, b] = apps.map((app) => app.getHttpServer() as App);
      }, 120_000);
      afterAll(async () => {
        await Promise.all(apps.map((app) => app.close()));
        await cluster?.remove();
      });

      it('eight wrong passwords, four on each instance: the fifth and later are refused 429', async () => {
        const statuses: number[] = [];
        for (const server of [a, b, a, b, a, b, a, b]) {
          statuses.push(
            (await request(server).post('/api-token-auth/').send({ username: 'ghost', password: 'no' })).status,
          );
        }
        expect(statuses).toEqual([400, 400, 400, 400, 429, 429, 429, 429]);
      });

      it('a token revoked on one is refused by the other, which had it cached', async () => {
        const get = (server: App, token: string) =>
          request(server).get('/protected-url/').set('Authorization', `JWT ${token}`);
        const token = await obtainToken(a);
        expect(await eventually(async () => (await get(b, token)).status === 200, 5000)).toBe(true);
        expect(
          await eventually(async () => {
            const before = await mgets();
            return (await get(b, token)).status === 200 && (await mgets()) === before;
          }, 10_000),
        ).toBe(true); // served from B's cache once its channel is trusted
        expect((await request(a).post('/api-token-revoke/').send({ token })).status).toBe(200);
        expect(await eventually(async () => (await get(b, token)).status === 401, 5000, 5)).toBe(true);
        expect((await get(b, token)).body).toEqual({ detail: 'Token has been revoked.' });
      });
    },
  );
}
