import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  CachedRevocationStore,
  type CachedRevocationStoreOptions,
  type InvalidationSubscriber,
  type SubscriberEvents,
} from '../../lib/redis/index.js';
import { MemoryRevocationStore } from '../../lib/revocation/memory-revocation-store.js';
import type { RevocationState } from '../../lib/revocation/revocation-store.js';

/** A subscriber of one server that answers every PING at once, and counts them. */
class PingCounter implements InvalidationSubscriber {
  events?: SubscriberEvents;
  pings = 0;
  subscribe(_channels: readonly string[], events: SubscriberEvents): Promise<void> {
    this.events = events;
    return Promise.resolve();
  }
  ping(): Promise<unknown> {
    this.pings++;
    return Promise.resolve('PONG');
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const settle = () => new Promise(setImmediate);
const query = { jti: 'jti-1', subject: 'alice', expiresAt: 2_000_000_000 };

/** A cached store over a memory store (nothing reaches Redis), its channel subscribed and trusted. */
async function trustedStore() {
  const clock = { now: 1_000_000 };
  const subscriber = new PingCounter();
  const behind = new MemoryRevocationStore();
  let lookups = 0;
  const store = new CachedRevocationStore({
    store: Object.assign(behind, {
      command: () => Promise.resolve(1),
      lookup: (q: Parameters<MemoryRevocationStore['lookup']>[0]) => (
        lookups++,
        MemoryRevocationStore.prototype.lookup.call(behind, q)
      ),
    }) as unknown as CachedRevocationStoreOptions['store'],
    subscriber,
    heartbeatMs: 20,
    maxLagMs: 50,
    now: () => clock.now,
  });
  subscriber.events?.up();
  await settle();
  expect(store.stats.trusted).toBe(true);
  return { store, subscriber, clock, lookups: () => lookups };
}

describe('CachedRevocationStore lookups', () => {
  // The heartbeat's timer never fires here: heartbeats come from subscribing and from lookups.
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers from a hit and from a round trip in one object shape, a fresh copy each time', async () => {
    const { store } = await trustedStore();
    try {
      const asked = await store.lookup(query);
      const hit = store.lookup(query) as RevocationState;
      expect(hit).not.toBeInstanceOf(Promise);
      expect(store.stats).toMatchObject({ hits: 1, roundTrips: 1 });
      const shape = ['token', 'subjectRevokedAt', 'familyRevoked'];
      expect(Object.keys(asked)).toEqual(shape);
      expect(Object.keys(hit)).toEqual(shape);
      expect(Object.keys(new MemoryRevocationStore().lookup(query))).toEqual(shape);
      // The caller may change what it was given: the next hit is not changed.
      hit.familyRevoked = true;
      expect((store.lookup(query) as RevocationState).familyRevoked).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('a lookup that finds the cache untrusted asks the store and sends a heartbeat at once', async () => {
    const { store, subscriber, clock, lookups } = await trustedStore();
    try {
      await store.lookup(query);
      const pings = subscriber.pings;
      // A hit while trusted sends nothing.
      store.lookup(query);
      expect(subscriber.pings).toBe(pings);
      // Nothing heard for longer than maxLagMs (the heartbeat rested): not served from the cache.
      clock.now += 100;
      const before = lookups();
      const answer = store.lookup(query);
      expect(answer).toBeInstanceOf(Promise);
      expect(subscriber.pings).toBe(pings + 1);
      await answer;
      expect(lookups()).toBe(before + 1);
      // The PING answered: trusted again, served from the cache.
      await settle();
      expect(store.lookup(query)).not.toBeInstanceOf(Promise);
    } finally {
      await store.close();
    }
  });
});
