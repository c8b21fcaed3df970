import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { JwtAuthModule } from '../../lib/index.js';
import { CachedRevocationStore, ioredisSubscriber, RedisRevocationStore } from '../../lib/redis/index.js';
import { ADAPTERS, SECRET, startApp, type TestApp, UsersModule } from '../support/apps.js';
import { obtainToken } from '../support/endpoints.js';
import {
  commandCalls,
  eventually,
  freePort,
  RedisServerProcess,
  redisServerAvailability,
} from '../support/redis-server.js';

/**
 * Two instances of an app (same adapter), each with a CachedRevocationStore over one
 * redis-server this file starts: what the cache saves (Redis's own command counts), how
 * revocations reach the other instance, and what happens when the channel is lost or lags.
 */
const PREFIX = 'cache-e2e:';
const REVOKED = { detail: 'Token has been revoked.' };
const UNAVAILABLE = { detail: 'Token revocation status is unavailable.' };

interface Instance {
  app: TestApp;
  store: CachedRevocationStore;
  /** The instance's subscriber connection, to break or pause it. */
  subscriber: Redis;
}

async function startInstance(adapter: (typeof ADAPTERS)[number], url: string, name: string): Promise<Instance> {
  const subscriber = new Redis(url, { connectionName: `cache-e2e-sub-${name}`, retryStrategy: () => 50 });
  subscriber.on('error', () => undefined);
  const store = new CachedRevocationStore({
    store: await RedisRevocationStore.fromUrl(url, { prefix: PREFIX }),
    subscriber: ioredisSubscriber(subscriber, true),
    // Generous on a loaded machine: these tests prove order, not speed.
    maxLagMs: 2000,
    heartbeatMs: 20,
  });
  const app = await startApp(
    adapter,
    JwtAuthModule.forRoot({
      secretKey: SECRET,
      errorFormat: 'drf',
      loginThrottle: false,
      revocationStore: store,
      imports: [UsersModule],
    }),
  );
  return { app, store, subscriber };
}

const get = (server: App, token: string) => request(server).get('/protected-url').set('Authorization', `JWT ${token}`);
const status = async (server: App, token: string): Promise<number> => (await get(server, token)).status;
const jtiOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { jti: string }).jti;

const availability = redisServerAvailability();

if (!availability.available) {
  // Like the other Redis tests that start their own server: the requirement is named, and .ci/run installs it.
  describe('CachedRevocationStore across two instances', () => {
    it('needs redis-server (apt-get install redis-server)', () => {
      throw new Error(`redis-server is required: ${availability.reason}`);
    });
  });
} else {
  describe.each(ADAPTERS)('CachedRevocationStore across two instances (%s)', (adapter) => {
    let redis: RedisServerProcess;
    let admin: Redis;
    let a: Instance;
    let b: Instance;
    const mgets = async (): Promise<number> => (await commandCalls(redis.url)).mget ?? 0;

    beforeAll(async () => {
      redis = new RedisServerProcess(await freePort());
      await redis.start();
      admin = new Redis(redis.url);
      a = await startInstance(adapter, redis.url, 'a');
      b = await startInstance(adapter, redis.url, 'b');
      expect(await eventually(async () => a.store.stats.trusted && b.store.stats.trusted, 10_000)).toBe(true);
    });
    afterAll(async () => {
      await a?.app.close();
      await b?.app.close();
      admin?.disconnect();
      await redis?.remove();
    });

    it('a token already seen costs no round trip: Redis runs one MGET for it, however many requests', async () => {
      const token = await obtainToken(a.app.server);
      const before = { mget: await mgets(), stats: b.store.stats };
      expect(await status(b.app.server, token)).toBe(200);
      const seen = await mgets();
      expect(seen).toBe(before.mget + 1);
      for (let i = 0; i < 5; i++) expect(await status(b.app.server, token)).toBe(200);
      expect(await mgets()).toBe(seen);
      expect(b.store.stats.roundTrips).toBe(before.stats.roundTrips + 1);
      expect(b.store.stats.hits).toBe(before.stats.hits + 5);
    });

    it('a logout on A: A refuses at once, B as soon as the message arrives; other tokens still pass', async () => {
      const token = await obtainToken(a.app.server);
      const other = await obtainToken(a.app.server);
      for (const instance of [a, b]) {
        expect(await status(instance.app.server, token)).toBe(200);
        expect(await status(instance.app.server, other)).toBe(200);
      }
      expect((await request(a.app.server).post('/api-token-revoke/').send({ token })).status).toBe(200);
      // The revoking instance dropped its entry before answering: the very next request is refused.
      expect((await get(a.app.server, token)).body).toEqual(REVOKED);
      expect(await eventually(async () => (await status(b.app.server, token)) === 401, 5000, 5)).toBe(true);
      expect((await get(b.app.server, token)).body).toEqual(REVOKED);
      expect(await status(a.app.server, other)).toBe(200);
      expect(await status(b.app.server, other)).toBe(200);
    });

    it('"log out everywhere" on B drops every cached token of that user on A', async () => {
      const first = await obtainToken(b.app.server);
      const second = await obtainToken(b.app.server);
      expect(await status(a.app.server, first)).toBe(200);
      expect(await status(a.app.server, second)).toBe(200);
      const response = await request(b.app.server).post('/api-token-revoke-all/').set('Authorization', `JWT ${second}`);
      expect(response.status).toBe(200);
      expect(await eventually(async () => (await status(a.app.server, first)) === 401, 5000, 5)).toBe(true);
      expect((await get(a.app.server, second)).body).toEqual(REVOKED);
    });

    it('its heartbeat is a PING on its listening connection while lookups happen: nothing published', async () => {
      const before = await commandCalls(redis.url);
      let after = before;
      // Asking whether the cache can be trusted, as every lookup does, keeps the heartbeat going.
      const heartbeats = async () => {
        void a.store.stats.trusted;
        void b.store.stats.trusted;
        after = await commandCalls(redis.url);
        return (after.ping ?? 0) - (before.ping ?? 0) >= 10;
      };
      expect(await eventually(heartbeats, 20_000, 10)).toBe(true);
      expect((after.publish ?? 0) - (before.publish ?? 0)).toBe(0);
    });

    it('a lost channel: the instance forgets its cache and asks Redis, so a revocation it never heard is refused', async () => {
      const token = await obtainToken(a.app.server);
      expect(await status(b.app.server, token)).toBe(200);
      // A revocation written without a message (as if the message were lost): B, trusting its
      // channel, keeps serving its cached answer; no lookup reaches Redis.
      await admin.set(`${PREFIX}{admin}:t:${jtiOf(token)}`, 'revoked', 'PX', 60_000);
      const trips = b.store.stats.roundTrips;
      expect(await status(b.app.server, token)).toBe(200);
      expect(b.store.stats.roundTrips).toBe(trips);

      // Now its subscriber connection is cut: B notices, forgets, and asks Redis.
      const resets = b.store.stats.resets;
      const mget = await mgets();
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      expect(await eventually(async () => b.store.stats.resets > resets, 5000, 5)).toBe(true);
      expect((await get(b.app.server, token)).body).toEqual(REVOKED);
      expect(b.store.stats.roundTrips).toBe(trips + 1);
      expect(await mgets()).toBe(mget + 1);
      // It reconnects on its own and trusts its channel again.
      expect(await eventually(async () => b.store.stats.trusted, 10_000)).toBe(true);
    });

    it('a lagging channel: the instance stops trusting its cache and asks Redis every time until it has caught up', async () => {
      const token = await obtainToken(a.app.server);
      expect(await status(b.app.server, token)).toBe(200);
      expect(await status(b.app.server, token)).toBe(200); // cached now

      // B stops reading its subscriber connection: messages and heartbeats wait in the socket.
      b.subscriber.stream.pause();
      try {
        expect(await eventually(async () => !b.store.stats.trusted, 10_000, 10)).toBe(true);
        const trips = b.store.stats.roundTrips;
        expect((await request(a.app.server).post('/api-token-revoke/').send({ token })).status).toBe(200);
        // B has not heard it (its connection is paused), yet refuses: it asked Redis.
        expect((await get(b.app.server, token)).body).toEqual(REVOKED);
        expect(b.store.stats.roundTrips).toBe(trips + 1);
        // Every time, while it lags: a token it has seen before costs a round trip again.
        const fresh = await obtainToken(a.app.server);
        expect(await status(b.app.server, fresh)).toBe(200);
        expect(await status(b.app.server, fresh)).toBe(200);
        expect(b.store.stats.roundTrips).toBe(trips + 3);
      } finally {
        b.subscriber.stream.resume();
      }
      expect(await eventually(async () => b.store.stats.trusted, 10_000, 10)).toBe(true);
      expect((await get(b.app.server, token)).body).toEqual(REVOKED);
    });

    it('fails closed when Redis is down, even for a token it has cached', async () => {
      const token = await obtainToken(a.app.server);
      expect(await status(b.app.server, token)).toBe(200);
      expect(await status(b.app.server, token)).toBe(200);
      const resets = b.store.stats.resets;
      await redis.stop();
      expect(await eventually(async () => b.store.stats.resets > resets, 5000, 5)).toBe(true);
      for (const instance of [a, b]) {
        const response = await get(instance.app.server, token);
        expect({ status: response.status, body: response.body }).toEqual({ status: 503, body: UNAVAILABLE });
      }
      await redis.start();
      expect(await eventually(async () => (await status(b.app.server, token)) === 200, 10_000)).toBe(true);
    });
  });
}
