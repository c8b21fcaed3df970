import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster } from 'ioredis';
import { createClient, createCluster } from 'redis';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { JwtAuthModule } from '../../lib/index.js';
import { CachedRevocationStore, RedisRevocationStore } from '../../lib/redis/index.js';
import { ADAPTERS, SECRET, startApp, type TestApp, UsersModule } from '../support/apps.js';
import { obtainToken } from '../support/endpoints.js';
import { hostPort, RedisClusterProcesses } from '../support/redis-cluster.js';
import {
  commandCalls,
  eventually,
  freePort,
  RedisServerProcess,
  redisServerAvailability,
} from '../support/redis-server.js';

/**
 * The revocation cache with each client it accepts besides a given ioredis `Redis` (which
 * cached-revocation-store.e2e-spec.ts covers): node-redis on one server (a given client, whose
 * `duplicate()` listens, and fromUrl's own), and a Redis Cluster of three primaries with a replica
 * each (ioredis `Cluster` and node-redis `createCluster` given, and fromClusterNodes with either
 * package). Two instances of an app share the store; what reaches Redis is read from Redis's own
 * command counts (every node's, in a cluster).
 */
const PREFIX = 'cache-clients-e2e:';
const REVOKED = { detail: 'Token has been revoked.' };
// Generous on a loaded machine: these tests prove order, not speed.
const CACHE = { maxLagMs: 2000, heartbeatMs: 20 };

interface Redis {
  /** URLs of every server (one, or the cluster's six nodes). */
  urls: string[];
  /** Where a store made from a URL or seed nodes connects. */
  target: { url: string } | { nodes: string[] };
}

/** Makes one instance's store; `close` releases what the test (not the store) owns. */
type Maker = (redis: Redis) => Promise<{ store: CachedRevocationStore; close: () => Promise<void> }>;

const nothing = async (): Promise<void> => undefined;
const urlOf = (redis: Redis): string => ('url' in redis.target ? redis.target.url : '');
const nodesOf = (redis: Redis): string[] => ('nodes' in redis.target ? redis.target.nodes : []);

const STANDALONE_KIND = 'node-redis on one server';
const STANDALONE: [string, Maker][] = [
  [
    'node-redis createClient given (the cache listens on its duplicate())',
    async (redis) => {
      const client = createClient({ url: urlOf(redis) });
      client.on('error', () => undefined);
      await client.connect();
      const store = new CachedRevocationStore({
        ...CACHE,
        store: new RedisRevocationStore({ client, prefix: PREFIX }),
        subscriber: client,
      });
      return { store, close: () => client.close().then(nothing) };
    },
  ],
  [
    "fromUrl with redis (node-redis's own clients)",
    async (redis) => ({
      store: await CachedRevocationStore.fromUrl(urlOf(redis), { ...CACHE, prefix: PREFIX, clientLibrary: 'redis' }),
      close: nothing,
    }),
  ],
];

const CLUSTER: [string, Maker][] = [
  [
    'ioredis Cluster given (a duplicate() listens)',
    async (redis) => {
      const cluster = new Cluster(nodesOf(redis).map(hostPort));
      cluster.on('error', () => undefined);
      const listener = cluster.duplicate();
      listener.on('error', () => undefined);
      const store = new CachedRevocationStore({
        ...CACHE,
        store: new RedisRevocationStore({ client: cluster, prefix: PREFIX }),
        subscriber: listener,
      });
      return { store, close: async () => void (listener.disconnect(), cluster.disconnect()) };
    },
  ],
  [
    'node-redis createCluster given (the cache listens on its duplicate())',
    async (redis) => {
      const cluster = createCluster({ rootNodes: nodesOf(redis).map((node) => ({ url: `redis://${node}` })) });
      cluster.on('error', () => undefined);
      await cluster.connect();
      const store = new CachedRevocationStore({
        ...CACHE,
        store: new RedisRevocationStore({ client: cluster, prefix: PREFIX }),
        subscriber: cluster,
      });
      return { store, close: () => cluster.close().then(nothing) };
    },
  ],
  ...(['ioredis', 'redis'] as const).map((clientLibrary): [string, Maker] => [
    `fromClusterNodes with ${clientLibrary}`,
    async (redis) => ({
      store: await CachedRevocationStore.fromClusterNodes(nodesOf(redis), { ...CACHE, prefix: PREFIX, clientLibrary }),
      close: nothing,
    }),
  ]),
];

interface Instance {
  app: TestApp;
  store: CachedRevocationStore;
  close: () => Promise<void>;
}

async function startInstance(adapter: (typeof ADAPTERS)[number], make: Maker, redis: Redis): Promise<Instance> {
  const { store, close } = await make(redis);
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
  return { app, store, close };
}

const get = (server: App, token: string) => request(server).get('/protected-url').set('Authorization', `JWT ${token}`);
const status = async (server: App, token: string): Promise<number> => (await get(server, token)).status;

/** MGETs run by every server (in a cluster, each lookup runs on one primary). */
async function mgets(redis: Redis): Promise<number> {
  const counts = await Promise.all(redis.urls.map(async (url) => (await commandCalls(url)).mget ?? 0));
  return counts.reduce((sum, count) => sum + count, 0);
}

function describeCases(kind: string, cases: [string, Maker][], redis: () => Redis): void {
  describe.each(cases)(`CachedRevocationStore, ${kind}: %s`, (_name, make) => {
    describe.each(ADAPTERS)('two instances (%s)', (adapter) => {
      let a: Instance;
      let b: Instance;
      beforeAll(async () => {
        a = await startInstance(adapter, make, redis());
        b = await startInstance(adapter, make, redis());
        expect(await eventually(async () => a.store.stats.trusted && b.store.stats.trusted, 20_000)).toBe(true);
      }, 60_000);
      afterAll(async () => {
        for (const instance of [a, b]) {
          await instance?.app.close();
          await instance?.close();
        }
      });

      it('a token already seen costs no round trip: Redis runs one MGET for it, however many requests', async () => {
        const token = await obtainToken(a.app.server);
        const before = { mget: await mgets(redis()), stats: b.store.stats };
        expect(await status(b.app.server, token)).toBe(200);
        const seen = await mgets(redis());
        expect(seen).toBe(before.mget + 1);
        for (let i = 0; i < 5; i++) expect(await status(b.app.server, token)).toBe(200);
        expect(await mgets(redis())).toBe(seen);
        expect(b.store.stats.roundTrips).toBe(before.stats.roundTrips + 1);
        expect(b.store.stats.hits).toBe(before.stats.hits + 5);
      });

      it('a logout on A: A refuses at once, B as soon as the message arrives; another token still passes', async () => {
        const token = await obtainToken(a.app.server);
        const other = await obtainToken(a.app.server);
        for (const instance of [a, b]) {
          expect(await status(instance.app.server, token)).toBe(200);
          expect(await status(instance.app.server, other)).toBe(200);
        }
        expect((await request(a.app.server).post('/api-token-revoke/').send({ token })).status).toBe(200);
        expect((await get(a.app.server, token)).body).toEqual(REVOKED);
        expect(await eventually(async () => (await status(b.app.server, token)) === 401, 5000, 5)).toBe(true);
        expect((await get(b.app.server, token)).body).toEqual(REVOKED);
        expect(await status(b.app.server, other)).toBe(200);
      });

      it('"log out everywhere" on B drops every cached token of that user on A', async () => {
        const first = await obtainToken(b.app.server);
        const second = await obtainToken(b.app.server);
        expect(await status(a.app.server, first)).toBe(200);
        expect(await status(a.app.server, first)).toBe(200); // cached now
        const response = await request(b.app.server)
          .post('/api-token-revoke-all/')
          .set('Authorization', `JWT ${second}`);
        expect(response.status).toBe(200);
        expect(await eventually(async () => (await status(a.app.server, first)) === 401, 5000, 5)).toBe(true);
        expect((await get(a.app.server, first)).body).toEqual(REVOKED);
      });

      it(`its heartbeat: ${kind === STANDALONE_KIND ? 'a PING on its listening connection' : 'a PUBLISH'}`, async () => {
        const calls = async (command: string) =>
          (await Promise.all(redis().urls.map(async (url) => (await commandCalls(url))[command] ?? 0))).reduce(
            (sum, count) => sum + count,
            0,
          );
        const before = { ping: await calls('ping'), publish: await calls('publish') };
        let after = before;
        const heartbeat = kind === STANDALONE_KIND ? 'ping' : 'publish';
        // Asking whether the cache can be trusted, as every lookup does, keeps the heartbeat going.
        const heartbeats = async () => {
          void a.store.stats.trusted;
          void b.store.stats.trusted;
          after = { ping: await calls('ping'), publish: await calls('publish') };
          return after[heartbeat] - before[heartbeat] >= 10;
        };
        expect(await eventually(heartbeats, 20_000, 10)).toBe(true);
        // On one server nothing is published: the heartbeats were all PINGs.
        if (kind === STANDALONE_KIND) expect(after.publish - before.publish).toBe(0);
      });

      it('a lost subscriber connection: the instance resubscribes on its own and hears revocations again', async () => {
        const token = await obtainToken(a.app.server);
        expect(await status(b.app.server, token)).toBe(200);
        const resets = b.store.stats.resets;
        for (const url of redis().urls) {
          const admin = createClient({ url });
          admin.on('error', () => undefined);
          await admin.connect();
          await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
          await admin.close();
        }
        if (kind === STANDALONE_KIND) {
          // One connection: the client says it was lost, and the instance forgets what it cached.
          // (A cluster client says nothing: heartbeats missing from the sequence tell, unit-tested.)
          expect(await eventually(async () => b.store.stats.resets > resets, 20_000, 5)).toBe(true);
        }
        expect(await eventually(async () => b.store.stats.trusted, 20_000)).toBe(true);
        expect(await status(b.app.server, token)).toBe(200);
        expect(await status(b.app.server, token)).toBe(200); // cached (again)
        expect((await request(a.app.server).post('/api-token-revoke/').send({ token })).status).toBe(200);
        expect(await eventually(async () => (await status(b.app.server, token)) === 401, 5000, 5)).toBe(true);
      });
    });
  });
}

const availability = redisServerAvailability();

if (!availability.available) {
  describe('CachedRevocationStore with node-redis and on a Redis Cluster', () => {
    it('needs redis-server (apt-get install redis-server)', () => {
      throw new Error(`redis-server is required: ${availability.reason}`);
    });
  });
} else {
  let server: RedisServerProcess;
  let cluster: RedisClusterProcesses;
  beforeAll(async () => {
    server = new RedisServerProcess(await freePort());
    await server.start();
    cluster = await RedisClusterProcesses.start();
  }, 120_000);
  afterAll(async () => {
    await server?.remove();
    await cluster?.remove();
  });
  describeCases(STANDALONE_KIND, STANDALONE, () => ({
    urls: [server.url],
    target: { url: server.url },
  }));
  describeCases('on a Redis Cluster', CLUSTER, () => ({
    urls: cluster.servers.map((node) => node.url),
    target: { nodes: cluster.nodes },
  }));
}
