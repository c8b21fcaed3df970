import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { RedisRevocationStore } from '../../lib/redis/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';
import { REDIS_URL } from '../support/redis-server.js';
import { obtainToken } from '../support/endpoints.js';

if (REDIS_URL === undefined) {
  console.warn('test/revocation/redis-module.e2e-spec.ts: SKIPPED, REDIS_URL is not set (.ci/run sets it)');
  describe.skip('JwtAuthModule with a RedisRevocationStore (skipped: REDIS_URL not set)', () => {
    it('is configured through forRootAsync, by URL and with a client', () => undefined);
  });
} else {
  const url = REDIS_URL;

  describe.each(ADAPTERS)('JwtAuthModule.forRootAsync with RedisRevocationStore.fromUrl (%s)', (adapter) => {
    const prefix = `nest-rest-jwt-test:${randomUUID()}:`;
    const t = useApp(adapter, () =>
      JwtAuthModule.forRootAsync({
        imports: [UsersModule],
        useFactory: async () => ({
          secretKey: SECRET,
          errorFormat: 'drf',
          loginThrottle: false,
          revocationStore: await RedisRevocationStore.fromUrl(url, { prefix }),
        }),
      }),
    );

    it('a logout is written to Redis and refused by the guard', async () => {
      const token = await obtainToken(t.server);
      expect((await request(t.server).post('/api-token-revoke/').send({ token })).status).toBe(200);
      expectRefusal(
        await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`),
        'Token has been revoked.',
        'drf',
      );
      const redis = new Redis(url);
      try {
        const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
          jti: string;
          username: string;
        };
        const key = `${prefix}{${claims.username}}:t:${claims.jti}`;
        expect(await redis.get(key)).not.toBeNull();
        expect(await redis.pttl(key)).toBeGreaterThan(0);
      } finally {
        await redis.quit();
      }
    });
  });

  describe.each(ADAPTERS)(
    "JwtAuthModule.forRoot with a RedisRevocationStore over the app's own client (%s)",
    (adapter) => {
      const client = new Redis(url, { enableOfflineQueue: false, lazyConnect: true });
      const t = useApp(adapter, () =>
        JwtAuthModule.forRoot({
          secretKey: SECRET,
          errorFormat: 'drf',
          loginThrottle: false,
          revocationStore: new RedisRevocationStore({ client, prefix: `nest-rest-jwt-test:${randomUUID()}:` }),
          imports: [UsersModule],
        }),
      );

      it("revokes through it, and the app closing leaves the client open (it is the app's)", async () => {
        await client.connect();
        const token = await obtainToken(t.server);
        await request(t.server).post('/api-token-revoke/').send({ token });
        expect((await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`)).status).toBe(401);
        await t.app.close();
        expect(client.status).toBe('ready');
        await client.quit();
      });
    },
  );
}
