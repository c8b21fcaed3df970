import { describe, expect, it } from '@jest/globals';
import { JwtAuthConfigError } from '../../lib/index.js';
import {
  CachedRevocationStore,
  type CachedRevocationStoreOptions,
  type InvalidationSubscriber,
  RedisThrottlerStorage,
} from '../../lib/redis/index.js';
import { MemoryRevocationStore } from '../../lib/revocation/memory-revocation-store.js';

/** A store with call(): memory behind, PUBLISH counted (nothing here reaches Redis). */
function fakeStore(): CachedRevocationStoreOptions['store'] {
  return Object.assign(new MemoryRevocationStore(), { command: () => Promise.resolve(1) });
}
const silent: InvalidationSubscriber = { subscribe: () => Promise.resolve(), close: () => Promise.resolve() };

function refusal(make: () => unknown): string {
  try {
    const made = make() as { close?: () => Promise<void> };
    void made.close?.();
  } catch (error) {
    expect(error).toBeInstanceOf(JwtAuthConfigError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('CachedRevocationStore options', () => {
  it.each([
    [{ maxEntrie: 5 }, 'option "revocationCache.maxEntrie" is unknown: did you mean "revocationCache.maxEntries"?'],
    [{ maxEntries: 0 }, 'option "revocationCache.maxEntries" must be a whole number of entries, at least 1 (got 0)'],
    [
      { maxAgeMs: 1.5 },
      'option "revocationCache.maxAgeMs" must be a whole number of milliseconds, at least 1 (got 1.5)',
    ],
    [
      { heartbeatMs: '20' },
      'option "revocationCache.heartbeatMs" must be a whole number of milliseconds, at least 1 (got "20")',
    ],
    [{ maxLagMs: 20 }, 'option "revocationCache.maxLagMs" must be more than heartbeatMs (20)'],
    [{ channel: '' }, 'option "revocationCache.channel" must be a non-empty string'],
    [{ store: new MemoryRevocationStore() }, 'option "revocationCache.store" must be a RedisRevocationStore'],
    [
      { subscriber: {} },
      'option "revocationCache.subscriber" must be an ioredis client or cluster, a node-redis client or cluster, or an InvalidationSubscriber',
    ],
  ])('refuses %j at construction', (given, message) => {
    const options = { store: fakeStore(), subscriber: silent, ...given } as unknown as CachedRevocationStoreOptions;
    expect(refusal(() => new CachedRevocationStore(options))).toBe(`nest-rest-jwt: ${message}`);
  });

  it('refuses unknown names of fromUrl before connecting', async () => {
    await expect(CachedRevocationStore.fromUrl('redis://127.0.0.1:1', { prefx: 'a:' } as never)).rejects.toThrow(
      'option "revocationCache.prefx" is unknown: did you mean "revocationCache.prefix"?',
    );
  });

  it('answers from the store, untrusted until its channel is heard', async () => {
    const store = new CachedRevocationStore({ store: fakeStore(), subscriber: silent });
    expect(await store.lookup({ subject: 'alice', jti: 'j' })).toEqual({ familyRevoked: false });
    expect(store.stats).toEqual({ hits: 0, roundTrips: 1, entries: 0, trusted: false, resets: 0 });
    await store.close();
  });
});

describe('RedisThrottlerStorage options', () => {
  const client = { call: () => Promise.resolve([1, 1000, 0, 0]) };
  it.each([
    [{ client, prefx: 'a' }, 'option "throttlerStorage.prefx" is unknown: did you mean "throttlerStorage.prefix"?'],
    [{ client: {} }, 'option "throttlerStorage.client" must be a RedisRevocationStore or a client with call()'],
    [{ client, prefix: '' }, 'option "throttlerStorage.prefix" must be a non-empty string'],
    [{ client, fallback: true }, 'option "throttlerStorage.fallback" must be a ThrottlerStorage or false'],
  ])('refuses %j', (given, message) => {
    expect(refusal(() => new RedisThrottlerStorage(given as never))).toBe(`nest-rest-jwt: ${message}`);
  });
});
