import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp } from '../../sample/create-app.js';
import { obtainToken } from '../support/endpoints.js';
import { NO_CLUSTER, REDIS_CLUSTER_NODES } from '../support/redis-cluster.js';
import { useSampleEnv } from '../support/sample-env.js';

/**
 * Two sample instances (A on Express, B on Fastify) in one process, each with its own
 * RedisRevocationStore made from REDIS_CLUSTER_NODES, on the shared Redis Cluster (.ci/run):
 * revocation, log out everywhere and rotation across them, with each client package.
 */
const SECRET = 'sample-cluster-e2e-secret-long-enough-for-hs256';
const REVOKED = 'Token has been revoked.';
const SAMPLE_ENV = [
  'SAMPLE_DB',
  'JWT_SECRET_KEY',
  'JWT_EXPIRATION_DELTA',
  'JWT_ERROR_FORMAT',
  'JWT_ALLOW_REFRESH',
  'JWT_ROTATE_ON_REFRESH',
  'JWT_ROTATION_GRACE_PERIOD',
  'REDIS_CLUSTER_NODES',
  'REDIS_CLIENT_LIBRARY',
  'LOGIN_THROTTLE_LIMIT',
];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-sample-cluster-');

const get = (server: App, token: string) => request(server).get('/protected-url/').set('Authorization', `JWT ${token}`);
const refresh = (server: App, token: string) => request(server).post('/api-token-refresh/').send({ token });

if (REDIS_CLUSTER_NODES === undefined) {
  describe('two sample instances on a Redis Cluster', () => {
    it('needs REDIS_CLUSTER_NODES', () => {
      throw new Error(NO_CLUSTER);
    });
  });
} else {
  const nodes = REDIS_CLUSTER_NODES.join(',');

  describe.each(['ioredis', 'redis'])('two sample instances on a Redis Cluster (%s)', (library) => {
    const apps: INestApplication[] = [];
    const servers = {} as { a: App; b: App };
    beforeAll(async () => {
      setEnv({
        SAMPLE_DB: join(tempDir, `${library}.sqlite3`),
        JWT_SECRET_KEY: SECRET,
        JWT_EXPIRATION_DELTA: '10m',
        JWT_ERROR_FORMAT: 'drf',
        // The login throttle counts in the shared cluster too: these logins (both packages, and
        // runs within a minute) must not reach the default 10 a minute for "admin".
        LOGIN_THROTTLE_LIMIT: '1000',
        JWT_ALLOW_REFRESH: 'true',
        JWT_ROTATE_ON_REFRESH: 'true',
        // Strict reuse: the second refresh of a token is a reuse at once.
        JWT_ROTATION_GRACE_PERIOD: '0',
        REDIS_CLUSTER_NODES: nodes,
        REDIS_CLIENT_LIBRARY: library,
      });
      apps.push(await createApp('express', { logger: false }));
      apps.push(await createApp('fastify', { logger: false }));
      [servers.a, servers.b] = apps.map((app) => app.getHttpServer() as App);
    });
    // Passport's strategy registry is global: the next pair must not meet this one's.
    afterAll(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
    });

    it('a token revoked through A is refused by B, another token of the user still passes', async () => {
      const token = await obtainToken(servers.a);
      const other = await obtainToken(servers.b);
      expect((await get(servers.b, token)).status).toBe(200);
      expect((await request(servers.a).post('/api-token-revoke/').send({ token })).status).toBe(200);
      for (const server of [servers.b, servers.a]) {
        const response = await get(server, token);
        expect({ status: response.status, body: response.body }).toEqual({ status: 401, body: { detail: REVOKED } });
      }
      expect((await get(servers.a, other)).status).toBe(200);
      expect((await get(servers.b, other)).status).toBe(200);
    });

    it('"log out everywhere" through B refuses on A every token issued before it', async () => {
      const [first, second] = [await obtainToken(servers.a), await obtainToken(servers.b)];
      const response = await request(servers.b).post('/api-token-revoke-all/').set('Authorization', `JWT ${second}`);
      expect(response.status).toBe(200);
      for (const token of [first, second]) expect((await get(servers.a, token)).body).toEqual({ detail: REVOKED });
      expect((await get(servers.a, await obtainToken(servers.b))).status).toBe(200);
    });

    it('rotation: a token refreshed on A is refused by B; presented again on B, its whole chain is revoked', async () => {
      const first = await obtainToken(servers.a);
      const refreshed = await refresh(servers.a, first);
      expect(refreshed.status).toBe(200);
      const second = refreshed.body.token as string;
      expect((await get(servers.b, second)).status).toBe(200);
      // The replaced token is refused on the other instance...
      expect((await get(servers.b, first)).status).toBe(401);
      // ...and refreshing it again there (a stolen copy) revokes the chain everywhere.
      expect((await refresh(servers.b, first)).status).toBe(400);
      expect((await get(servers.a, second)).body).toEqual({ detail: REVOKED });
      expect((await get(servers.b, second)).body).toEqual({ detail: REVOKED });
    });
  });
}
