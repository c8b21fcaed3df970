import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisRevocationStore, RevocationStoreTimeoutError } from '../../lib/redis/index.js';
import { eventually, freePort, RedisServerProcess, redisServerAvailability } from '../support/redis-server.js';

/** How long a promise takes to settle, and whether it rejected. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; error?: unknown }> {
  const start = performance.now();
  try {
    await promise;
    return { ms: performance.now() - start };
  } catch (error) {
    return { ms: performance.now() - start, error: error ?? new Error('rejected') };
  }
}

const query = { jti: 'jti', subject: 'alice', family: 'family' };
const answers = async (store: RedisRevocationStore): Promise<boolean> =>
  store.lookup(query).then(
    () => true,
    () => false,
  );

const availability = redisServerAvailability();

if (!availability.available) {
  console.warn(`test/revocation/redis-outage.e2e-spec.ts: SKIPPED, ${availability.reason}`);
  describe.skip(`RedisRevocationStore when Redis is away or hung (skipped: ${availability.reason})`, () => {
    it('fails fast and recovers', () => undefined);
  });
} else {
  describe('RedisRevocationStore when Redis is away or hung (its own redis-server)', () => {
    const servers: RedisServerProcess[] = [];
    const closers: (() => Promise<unknown>)[] = [];
    const serverOn = (port: number): RedisServerProcess => {
      const server = new RedisServerProcess(port);
      servers.push(server);
      return server;
    };
    afterEach(async () => {
      await Promise.all(closers.splice(0).map((close) => close()));
      await Promise.all(servers.splice(0).map((server) => server.remove()));
    });
    afterAll(async () => {
      await Promise.all(servers.map((server) => server.remove()));
    });

    it('rejects at once while nothing listens, and works once a server starts there', async () => {
      const server = serverOn(await freePort());
      const store = new RedisRevocationStore({ url: server.url });
      closers.push(() => store.close());

      for (const call of [
        store.lookup(query),
        store.markToken('jti', 'revoked', 60),
        store.revokeSubject('alice', 1, 60),
        store.revokeFamily('family', 60),
      ]) {
        const { ms, error } = await timed(call);
        expect(error).toBeInstanceOf(Error);
        expect(ms).toBeLessThan(500);
      }
      // fromUrl refuses to start without a server, quickly, and leaves no client behind.
      const { ms, error } = await timed(RedisRevocationStore.fromUrl(server.url));
      expect(String(error)).toContain('cannot connect to Redis');
      expect(ms).toBeLessThan(2000);

      await server.start();
      expect(await eventually(() => answers(store), 5000)).toBe(true);
      expect(await store.markToken('jti', 'revoked', 60)).toBe(true);
      expect((await store.lookup(query)).token).toBe('revoked');
    });

    it('rejects quickly while the server is down, for its own client and for a given one, and recovers', async () => {
      const server = serverOn(await freePort());
      await server.start();
      const own = await RedisRevocationStore.fromUrl(server.url, { timeoutMs: 300 });
      // A client with ioredis's defaults (offline queue, retries): only the store's timeout bounds a call.
      const client = new Redis(server.url, { lazyConnect: true });
      client.on('error', () => undefined);
      await client.connect();
      const given = new RedisRevocationStore({ client, timeoutMs: 300 });
      closers.push(
        () => own.close(),
        async () => client.disconnect(),
      );
      expect(await own.markToken('jti', 'revoked', 60)).toBe(true);

      await server.stop();
      for (const store of [own, given]) {
        const { ms, error } = await timed(store.lookup(query));
        expect(error).toBeInstanceOf(Error);
        expect(ms).toBeLessThan(1000);
      }
      const viaGiven = await timed(given.lookup(query));
      expect(viaGiven.error).toBeInstanceOf(RevocationStoreTimeoutError);
      expect(viaGiven.ms).toBeGreaterThanOrEqual(250);

      await server.start();
      expect(await eventually(async () => (await answers(own)) && (await answers(given)), 5000)).toBe(true);
      // Nothing persisted in this server (no appendonly): the mark went with it.
      expect((await own.lookup(query)).token).toBeUndefined();
    });

    it('gives up on a hung server (paused) after timeoutMs, and answers again once it resumes', async () => {
      const server = serverOn(await freePort());
      await server.start();
      const own = await RedisRevocationStore.fromUrl(server.url, { timeoutMs: 300 });
      const client = new Redis(server.url);
      client.on('error', () => undefined);
      const given = new RedisRevocationStore({ client, timeoutMs: 300 });
      closers.push(
        () => own.close(),
        async () => client.disconnect(),
      );
      await own.revokeFamily('family', 60);
      expect(await given.lookup(query)).toEqual({ familyRevoked: true });

      server.pause();
      try {
        const results = await Promise.all([timed(own.lookup(query)), timed(given.lookup(query))]);
        for (const { ms, error } of results) {
          expect(error).toBeInstanceOf(Error);
          expect(ms).toBeGreaterThanOrEqual(250);
          expect(ms).toBeLessThan(1000);
        }
        // The given client would wait forever: the store's own timeout ended the call.
        expect(results[1].error).toBeInstanceOf(RevocationStoreTimeoutError);
      } finally {
        server.resume();
      }
      expect(await eventually(async () => (await answers(own)) && (await answers(given)), 5000)).toBe(true);
      expect(await own.lookup(query)).toEqual({ familyRevoked: true });
    });

    it('closes quickly even when the server is hung', async () => {
      const server = serverOn(await freePort());
      await server.start();
      const own = await RedisRevocationStore.fromUrl(server.url, { timeoutMs: 300 });
      server.pause();
      try {
        const { ms, error } = await timed(own.close());
        expect(error).toBeUndefined();
        expect(ms).toBeLessThan(1000);
      } finally {
        server.resume();
      }
    });
  });
}
