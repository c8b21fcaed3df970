import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { RevocationStore } from '../../lib/index.js';
import { RedisRevocationStore, type RedisCommandClient } from '../../lib/redis/index.js';
import { REDIS_URL } from '../support/redis-server.js';
import { describeRevocationStoreContract } from '../support/revocation-store-contract.js';

/** Every key under `prefix`, with SCAN (the shared server may hold other tests' keys). */
async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

const uniquePrefix = (): string => `nest-rest-jwt-test:${randomUUID()}:`;

if (REDIS_URL === undefined) {
  console.warn('test/revocation/redis-revocation-store.e2e-spec.ts: SKIPPED, REDIS_URL is not set (.ci/run sets it)');
  describe.skip('RedisRevocationStore against a real Redis (skipped: REDIS_URL not set)', () => {
    it('runs the RevocationStore contract and the Redis-specific tests', () => undefined);
  });
} else {
  const url = REDIS_URL;
  /** The app's own client, as an app would pass it in; also used to look at the keys. */
  let redis: Redis;
  const prefixes = new Map<RevocationStore, string>();
  beforeAll(() => {
    redis = new Redis(url);
  });
  afterAll(async () => {
    await redis.quit();
  });
  /** Closes the store and deletes what it wrote. */
  const dispose = async (store: RevocationStore): Promise<void> => {
    await store.close?.();
    const keys = await keysUnder(redis, prefixes.get(store) ?? uniquePrefix());
    if (keys.length > 0) await redis.del(...keys);
    prefixes.delete(store);
  };

  describeRevocationStoreContract(
    'RedisRevocationStore with an ioredis client it is given',
    () => {
      const prefix = uniquePrefix();
      const store = new RedisRevocationStore({ client: redis, prefix });
      prefixes.set(store, prefix);
      return store;
    },
    dispose,
  );

  describeRevocationStoreContract(
    'RedisRevocationStore.fromUrl (its own client)',
    async () => {
      const prefix = uniquePrefix();
      const store = await RedisRevocationStore.fromUrl(url, { prefix });
      prefixes.set(store, prefix);
      return store;
    },
    dispose,
  );

  describe('RedisRevocationStore: keys, round trips and connections', () => {
    it('writes keys hash-tagged by subject that expire with the tokens, under nest-rest-jwt: by default', async () => {
      const store = new RedisRevocationStore({ client: redis });
      const id = randomUUID();
      const subject = `user {${id}} 100%`;
      const tag = `nest-rest-jwt:{user %7b${id}%7d 100%25}`;
      const keys = [`${tag}:t:${id}`, `${tag}:s`, `${tag}:f:${id}`];
      const setFrom = Date.now();
      try {
        await store.markToken(id, 'replaced', 60, subject);
        await store.revokeSubject(subject, 1_700_000_000, 120);
        await store.revokeFamily(id, 30, subject);
        expect(await redis.get(keys[0])).toBe('replaced');
        expect(await redis.get(keys[1])).toBe('1700000000');
        expect(await redis.exists(keys[2])).toBe(1);
        // Set to `ms`: what is left is at most that, and at least that less the time since the
        // test began setting the keys (no allowance for a slow machine: none is needed).
        const expectTtl = async (key: string, ms: number): Promise<void> => {
          const left = await redis.pttl(key);
          const elapsed = Date.now() - setFrom;
          expect(left).toBeLessThanOrEqual(ms);
          expect(left).toBeGreaterThanOrEqual(ms - elapsed);
        };
        await expectTtl(keys[0], 60_000);
        await expectTtl(keys[1], 120_000);
        await expectTtl(keys[2], 30_000);
      } finally {
        await redis.del(...keys);
      }
    });

    it('keeps apps with different prefixes apart on one Redis', async () => {
      const [prefixA, prefixB] = [uniquePrefix(), uniquePrefix()];
      const a = new RedisRevocationStore({ client: redis, prefix: prefixA });
      const b = new RedisRevocationStore({ client: redis, prefix: prefixB });
      prefixes.set(a, prefixA).set(b, prefixB);
      try {
        await a.markToken('jti-1', 'revoked', 60, 'alice');
        await a.revokeSubject('alice', 1_700_000_000, 60);
        await a.revokeFamily('family-1', 60, 'alice');
        const query = { jti: 'jti-1', subject: 'alice', family: 'family-1' };
        expect(await a.lookup(query)).toEqual({
          token: 'revoked',
          subjectRevokedAt: 1_700_000_000,
          familyRevoked: true,
        });
        expect(await b.lookup(query)).toEqual({ familyRevoked: false });
        // Every field present, in the order every store uses (one object shape for the guard).
        expect(Object.keys(await b.lookup(query))).toEqual(['token', 'subjectRevokedAt', 'familyRevoked']);
        expect(await b.markToken('jti-1', 'replaced', 60, 'alice')).toBe(true);
        expect((await a.lookup(query)).token).toBe('revoked');
        expect((await keysUnder(redis, prefixA)).sort()).toEqual(
          [`${prefixA}{alice}:f:family-1`, `${prefixA}{alice}:s`, `${prefixA}{alice}:t:jti-1`].sort(),
        );
      } finally {
        await Promise.all([dispose(a), dispose(b)]);
      }
    });

    it('looks a token up in one command (MGET), and writes each revocation in one command', async () => {
      const sent: string[] = [];
      const counting: RedisCommandClient = {
        call: (command, ...args) => {
          sent.push(command);
          return redis.call(command, ...args);
        },
      };
      const prefix = uniquePrefix();
      // No WAIT (one server has no replica to wait for): its own test is in replica-wait.e2e-spec.ts.
      const store = new RedisRevocationStore({ client: counting, prefix, waitForReplicas: 0 });
      prefixes.set(store, prefix);
      try {
        await store.lookup({ jti: 'j', subject: 's', family: 'f' });
        await store.lookup({ subject: 's' });
        expect(sent).toEqual(['MGET', 'MGET']);
        sent.length = 0;
        await store.markToken('j', 'revoked', 60, 's');
        await store.revokeFamily('f', 60, 's');
        await store.revokeSubject('s', 1, 60);
        expect(sent).toEqual(['SET', expect.stringMatching(/^EVAL/), expect.stringMatching(/^EVAL/)]);
      } finally {
        await dispose(store);
      }
    });

    it('loads its script again when the server has forgotten it (SCRIPT FLUSH, restart)', async () => {
      const prefix = uniquePrefix();
      const store = new RedisRevocationStore({ client: redis, prefix });
      prefixes.set(store, prefix);
      try {
        await store.revokeSubject('bob', 100, 60);
        await redis.script('FLUSH');
        await store.revokeSubject('bob', 200, 60);
        await redis.script('FLUSH');
        await store.revokeFamily('chain', 60, 'bob');
        expect(await store.lookup({ subject: 'bob', family: 'chain' })).toEqual({
          subjectRevokedAt: 200,
          familyRevoked: true,
        });
      } finally {
        await dispose(store);
      }
    });

    it('closes the client it made from a URL, never a client it was given', async () => {
      const name = `nest-rest-jwt-test-${randomUUID()}`;
      const connected = async (): Promise<boolean> => ((await redis.client('LIST')) as string).includes(`name=${name}`);
      const own = await RedisRevocationStore.fromUrl(url, {
        prefix: uniquePrefix(),
        clientOptions: { connectionName: name },
      });
      expect(await connected()).toBe(true);
      await own.close();
      expect(await connected()).toBe(false);
      await expect(own.lookup({ subject: 'x' })).rejects.toThrow('closed');

      const given = new RedisRevocationStore({ client: redis, prefix: uniquePrefix() });
      await given.close();
      expect(await redis.ping()).toBe('PONG');
    });
  });
}
