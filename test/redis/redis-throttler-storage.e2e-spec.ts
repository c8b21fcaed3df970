import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { RedisRevocationStore, RedisThrottlerStorage } from '../../lib/redis/index.js';
import { ADAPTERS, SECRET, startApp, type TestApp, UsersModule } from '../support/apps.js';
import { OBTAIN } from '../support/endpoints.js';
import { eventually, freePort, RedisServerProcess, redisServerAvailability } from '../support/redis-server.js';

const THROTTLED = 'Request was throttled. Expected available in 60 seconds.';
const CANNOT_COUNT = 'Login attempts cannot be counted right now. Try again later.';
const availability = redisServerAvailability();

if (!availability.available) {
  describe('RedisThrottlerStorage', () => {
    it('needs redis-server (apt-get install redis-server)', () => {
      throw new Error(`redis-server is required: ${availability.reason}`);
    });
  });
} else {
  describe('RedisThrottlerStorage against a redis-server', () => {
    let redis: RedisServerProcess;
    let store: RedisRevocationStore;
    let storage: RedisThrottlerStorage;
    let key = 0;
    const next = (): string => `key-${++key}`;

    beforeAll(async () => {
      redis = new RedisServerProcess(await freePort());
      await redis.start();
      store = await RedisRevocationStore.fromUrl(redis.url, { prefix: 'throttle-test:' });
      storage = new RedisThrottlerStorage({ client: store, prefix: 'throttle-test:', fallback: false });
    });
    afterAll(async () => {
      await store?.close();
      await redis?.remove();
    });

    it('counts hits up to the limit, then blocks for the block duration (as the in-memory storage)', async () => {
      const k = next();
      const records = [];
      for (let i = 0; i < 4; i++) records.push(await storage.increment(k, 60_000, 2, 30_000, 'login'));
      expect(records.map((record) => [record.totalHits, record.isBlocked])).toEqual([
        [1, false],
        [2, false],
        [3, true],
        [3, true],
      ]);
      expect(records[0].timeToExpire).toBe(60);
      expect(records[2].timeToBlockExpire).toBe(30);
      expect(records[3].timeToBlockExpire).toBeLessThanOrEqual(30);
      expect(records[3].timeToBlockExpire).toBeGreaterThan(0);
    });

    it('keys one slot per counter (a hash tag) and lets both keys expire', async () => {
      const k = next();
      await storage.increment(k, 60_000, 1, 30_000, 'login');
      await storage.increment(k, 60_000, 1, 30_000, 'login');
      const admin = new Redis(redis.url);
      try {
        const keys = (await admin.keys('throttle-test:throttle:*')).filter((name) => name.includes(k));
        expect(keys).toEqual([`throttle-test:throttle:{login:${k}}:blocked`]); // the count starts over after a block
        expect(await admin.pttl(keys[0])).toBeGreaterThan(0);
        await storage.increment(next(), 60_000, 5, 30_000, 'login');
        const counted = (await admin.keys('throttle-test:throttle:*')).filter((name) => name.endsWith(`key-${key}}`));
        expect(counted).toHaveLength(1);
        expect(await admin.pttl(counted[0])).toBeGreaterThan(0);
      } finally {
        admin.disconnect();
      }
    });

    it('without a block duration, hits past the limit are refused and not counted', async () => {
      const k = next();
      const records = [];
      for (let i = 0; i < 4; i++) records.push(await storage.increment(k, 60_000, 2, 0, 'login'));
      expect(records.map((record) => [record.totalHits, record.isBlocked])).toEqual([
        [1, false],
        [2, false],
        [3, true],
        [3, true],
      ]);
    });

    it('is atomic: of 40 concurrent hits with a limit of 10, exactly 10 pass', async () => {
      const k = next();
      const records = await Promise.all(
        Array.from({ length: 40 }, () => storage.increment(k, 60_000, 10, 60_000, 'login')),
      );
      expect(records.filter((record) => !record.isBlocked)).toHaveLength(10);
    });

    it('while Redis is away: counts in memory by default; with fallback: false the call fails', async () => {
      const withFallback = new RedisThrottlerStorage({ client: store, prefix: 'throttle-test:' });
      await redis.stop();
      try {
        const k = next();
        const records = [];
        for (let i = 0; i < 3; i++) records.push(await withFallback.increment(k, 60_000, 2, 60_000, 'login'));
        expect(records.map((record) => record.isBlocked)).toEqual([false, false, true]);
        await expect(storage.increment(k, 60_000, 2, 60_000, 'login')).rejects.toThrow();
      } finally {
        await redis.start();
      }
    });
  });

  describe.each(ADAPTERS)('the login throttle shared by two instances through Redis (%s)', (adapter) => {
    let redis: RedisServerProcess;
    const apps: TestApp[] = [];

    beforeAll(async () => {
      redis = new RedisServerProcess(await freePort());
      await redis.start();
      for (let i = 0; i < 2; i++) {
        const store = await RedisRevocationStore.fromUrl(redis.url);
        apps.push(
          await startApp(
            adapter,
            JwtAuthModule.forRoot({
              secretKey: SECRET,
              errorFormat: 'drf',
              revocationStore: store,
              loginThrottle: { limit: 4, storage: new RedisThrottlerStorage({ client: store }) },
              imports: [UsersModule],
            }),
          ),
        );
      }
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await redis?.remove();
    });

    const attempt = (app: TestApp) => request(app.server).post(OBTAIN).send({ username: 'admin', password: 'wrong' });

    it('limit 4: two wrong passwords on each instance pass to the check, the fifth is refused wherever it lands', async () => {
      const [a, b] = apps;
      for (const app of [a, b, a, b]) expect((await attempt(app)).status).toBe(400);
      for (const app of [a, b]) {
        const response = await attempt(app);
        expect({ status: response.status, body: response.body }).toEqual({ status: 429, body: { detail: THROTTLED } });
        expect(response.headers['retry-after']).toBe('60');
      }
      // Even the right password: the username is blocked for the window, on both instances.
      const right = await request(b.server).post(OBTAIN).send({ username: 'admin', password: 'abc123' });
      expect(right.status).toBe(429);
    });
  });

  describe.each(ADAPTERS)('fallback: false, and Redis down during a login (%s)', (adapter) => {
    let redis: RedisServerProcess;
    let app: TestApp;

    beforeAll(async () => {
      redis = new RedisServerProcess(await freePort());
      await redis.start();
      const store = await RedisRevocationStore.fromUrl(redis.url);
      app = await startApp(
        adapter,
        JwtAuthModule.forRoot({
          secretKey: SECRET,
          errorFormat: 'drf',
          revocationStore: store,
          loginThrottle: { limit: 4, storage: new RedisThrottlerStorage({ client: store, fallback: false }) },
          imports: [UsersModule],
        }),
      );
    });
    afterAll(async () => {
      await app?.close();
      await redis?.remove();
    });

    it('answers 503 with a clear message (never 500, no token), and logs in again once Redis is back', async () => {
      const login = () => request(app.server).post(OBTAIN).send({ username: 'admin', password: 'abc123' });
      expect((await login()).status).toBe(200);
      await redis.stop();
      try {
        const response = await login();
        expect({ status: response.status, body: response.body }).toEqual({
          status: 503,
          body: { detail: CANNOT_COUNT },
        });
      } finally {
        await redis.start();
      }
      expect(await eventually(async () => (await login()).status === 200, 10_000)).toBe(true);
    });
  });
}
