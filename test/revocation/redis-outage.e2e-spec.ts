import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisRevocationStore, RevocationStoreTimeoutError } from '../../lib/redis/index.js';
import {
  commandCalls,
  eventually,
  freePort,
  RedisServerProcess,
  redisServerAvailability,
} from '../support/redis-server.js';

/**
 * How the store answers while Redis is away or hung is shown by why each call fails (the error
 * names what ended it) and by the commands the server ran, never by milliseconds: the machine is
 * shared, and a timing bound fails at random there. The times are in the benchmark.
 */

/** The error a promise rejects with, or undefined when it resolves. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error ?? new Error('rejected');
  }
}

/** ioredis refusing a command at once: no connection, and no offline queue to wait in. */
const REFUSED_AT_ONCE = /enableOfflineQueue/;

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
        store.markToken('jti', 'revoked', 60, 'alice'),
        store.revokeSubject('alice', 1, 60),
        store.revokeFamily('family', 60, 'alice'),
      ]) {
        // Refused by the client itself: neither queued for a retry nor left to the store's timeout.
        const error = await failure(call);
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(RevocationStoreTimeoutError);
        expect(String(error)).toMatch(REFUSED_AT_ONCE);
      }
      // fromUrl refuses to start without a server, at the first refused connection (not after
      // retries or its 10 s connectTimeoutMs), and leaves no client behind.
      const error = await failure(RedisRevocationStore.fromUrl(server.url));
      expect(String(error)).toContain('cannot connect to Redis');
      expect(String(error)).toContain('ECONNREFUSED');

      await server.start();
      expect(await eventually(() => answers(store), 5000)).toBe(true);
      // None of the refused calls reached the server later: it has run the one lookup that
      // answered, and no write.
      const calls = await commandCalls(server.url);
      expect({ mget: calls.mget, set: calls.set, evalsha: calls.evalsha, eval: calls.eval }).toEqual({
        mget: 1,
        set: undefined,
        evalsha: undefined,
        eval: undefined,
      });
      expect(await store.markToken('jti', 'revoked', 60, 'alice')).toBe(true);
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
      expect(await own.markToken('jti', 'revoked', 60, 'alice')).toBe(true);

      await server.stop();
      // The store's own client refuses at once (no offline queue, no retries): the error is
      // ioredis's refusal, or the connection's end when the close was not noticed yet.
      const ownError = await failure(own.lookup(query));
      expect(ownError).toBeInstanceOf(Error);
      expect(ownError).not.toBeInstanceOf(RevocationStoreTimeoutError);
      expect(String(ownError)).toMatch(/enableOfflineQueue|Connection is closed/);
      // The given client would keep the command queued for its retries: the store's own
      // timeout (timeoutMs, 300 ms) ends the call.
      for (let i = 0; i < 2; i++) {
        const error = await failure(given.lookup(query));
        expect(error).toBeInstanceOf(RevocationStoreTimeoutError);
        expect(String(error)).toContain('did not answer MGET within 300 ms');
      }

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
      await own.revokeFamily('family', 60, 'alice');
      expect(await given.lookup(query)).toEqual({ familyRevoked: true });

      server.pause();
      try {
        // Both settle while the server is still hung (it resumes only afterwards), each ended by
        // a timer of timeoutMs: ioredis's commandTimeout, which the store sets for its own
        // client, and the store's own timeout for the given client, which would wait forever.
        const [ownError, givenError] = await Promise.all([failure(own.lookup(query)), failure(given.lookup(query))]);
        expect(ownError).toBeInstanceOf(Error);
        expect(String(ownError)).toContain('Command timed out');
        expect(givenError).toBeInstanceOf(RevocationStoreTimeoutError);
        expect(String(givenError)).toContain('did not answer MGET within 300 ms');
      } finally {
        server.resume();
      }
      expect(await eventually(async () => (await answers(own)) && (await answers(given)), 5000)).toBe(true);
      expect(await own.lookup(query)).toEqual({ familyRevoked: true });
    });

    it('closes even while the server is hung (without waiting for it)', async () => {
      const server = serverOn(await freePort());
      await server.start();
      const own = await RedisRevocationStore.fromUrl(server.url, { timeoutMs: 300 });
      server.pause();
      try {
        // close() resolves while the server is still paused: it does not wait for an answer.
        expect(await failure(own.close())).toBeUndefined();
      } finally {
        server.resume();
      }
    });
  });
}
