import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { HEARTBEAT_RESTS_AFTER_MS, InvalidationChannel } from '../../lib/redis/invalidation-channel.js';
import type { InvalidationSubscriber, SubscriberEvents } from '../../lib/redis/invalidation-subscriber.js';

/** A subscriber the test drives: it delivers what the test says, when the test says. */
class FakeSubscriber implements InvalidationSubscriber {
  events?: SubscriberEvents;
  channels: readonly string[] = [];
  closed = false;
  subscribe(channels: readonly string[], events: SubscriberEvents): Promise<void> {
    this.channels = channels;
    this.events = events;
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** A subscriber of one server: it answers PINGs when the test says (in order, as Redis would). */
class PingingSubscriber extends FakeSubscriber {
  pings: { answer: () => void; fail: () => void }[] = [];
  ping(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pings.push({ answer: () => resolve('PONG'), fail: () => reject(new Error('connection lost')) });
    });
  }
}

function setUp(heartbeatMs = 3_600_000, subscriber = new FakeSubscriber()) {
  const clock = { now: 1_000_000 };
  const published: [string, string][] = [];
  const heard: string[] = [];
  const channel = new InvalidationChannel({
    subscriber,
    publish: (name, message) => {
      published.push([name, message]);
      return Promise.resolve(1);
    },
    channel: 'revocations',
    // By default the timer never fires within a test: heartbeats are sent on (re)subscription
    // (or by a lookup) and delivered by hand.
    heartbeatMs,
    maxLagMs: 50,
    now: () => clock.now,
    onInvalidate: (kind, id) => heard.push(`${kind}:${id}`),
    onReset: () => heard.push('reset'),
  });
  const heartbeats = () => published.filter(([name]) => name !== 'revocations');
  /** Delivers the last heartbeat sent, as Redis would once everything published before it has arrived. */
  const deliverHeartbeat = () => {
    const [name, message] = heartbeats()[heartbeats().length - 1];
    subscriber.events?.message(name, message);
  };
  return { clock, subscriber, published, heard, channel, heartbeats, deliverHeartbeat };
}

describe('InvalidationChannel', () => {
  const open: InvalidationChannel[] = [];
  afterEach(async () => {
    jest.useRealTimers();
    await Promise.all(open.splice(0).map((channel) => channel.close()));
  });

  /** A channel on fake timers, checking every 20 ms, started and subscribed (its first heartbeat sent). */
  const startedOnFakeTimers = async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const t = setUp(20);
    open.push(t.channel);
    await t.channel.start();
    t.subscriber.events?.up();
    return t;
  };

  it('is trusted only once subscribed and a heartbeat sent since has come back', async () => {
    const t = setUp();
    open.push(t.channel);
    await t.channel.start();
    expect(t.subscriber.channels[0]).toBe('revocations');
    expect(t.subscriber.channels[1]).toMatch(/^revocations:heartbeat:[0-9a-f-]{36}$/);
    expect(t.channel.trusted).toBe(false);

    t.subscriber.events?.up();
    expect(t.heard).toEqual(['reset']); // messages may have been missed before: forget everything
    expect(t.heartbeats()).toHaveLength(1);
    expect(t.channel.trusted).toBe(false);
    t.deliverHeartbeat();
    expect(t.channel.trusted).toBe(true);
  });

  it('stops being trusted when the last heartbeat heard is older than maxLagMs (a lagging connection)', async () => {
    const t = setUp();
    open.push(t.channel);
    await t.channel.start();
    t.subscriber.events?.up();
    t.deliverHeartbeat();
    t.clock.now += 50;
    expect(t.channel.trusted).toBe(true);
    t.clock.now += 1;
    expect(t.channel.trusted).toBe(false);
  });

  it('a lost connection resets at once and stays untrusted until subscribed and heard again', async () => {
    const t = setUp();
    open.push(t.channel);
    await t.channel.start();
    t.subscriber.events?.up();
    t.deliverHeartbeat();
    t.heard.length = 0;

    const [name, before] = t.heartbeats()[0];
    await new Promise(setImmediate); // the first heartbeat's publish has settled: another may go
    t.clock.now += 10;
    t.subscriber.events?.down();
    expect(t.heard).toEqual(['reset']);
    expect(t.channel.trusted).toBe(false);
    expect(t.channel.listening).toBe(false);
    t.subscriber.events?.up();
    expect(t.channel.trusted).toBe(false);
    // A heartbeat sent before the new subscription proves nothing about it...
    t.subscriber.events?.message(name, before);
    expect(t.channel.trusted).toBe(false);
    // ...the one sent on subscribing does.
    t.deliverHeartbeat();
    expect(t.channel.trusted).toBe(true);
  });

  it('a heartbeat missing from the sequence resets (messages lost while the connection said nothing), then trusts again', async () => {
    const t = setUp();
    open.push(t.channel);
    await t.channel.start();
    t.subscriber.events?.up();
    const heartbeat = t.subscriber.channels[1];
    const at = t.clock.now;
    t.heard.length = 0;
    t.subscriber.events?.message(heartbeat, `${at}:0`);
    t.subscriber.events?.message(heartbeat, `${at + 1}:1`);
    expect(t.heard).toEqual([]);
    expect(t.channel.trusted).toBe(true);
    // Heartbeat 2 never arrived: a revocation published with it may not have either.
    t.subscriber.events?.message(heartbeat, `${at + 3}:3`);
    expect(t.heard).toEqual(['reset']);
    expect(t.channel.trusted).toBe(true);
    t.subscriber.events?.message(heartbeat, `${at + 4}:4`);
    expect(t.heard).toEqual(['reset']);
  });

  it('rests its heartbeat once no lookup has asked for a while, and beats at once when asked again', async () => {
    const t = await startedOnFakeTimers();
    t.deliverHeartbeat();
    /** Lets `ms` pass on the channel's clock and timers; delivers what it sent meanwhile. */
    const pass = async (ms: number) => {
      t.clock.now += ms;
      jest.advanceTimersByTime(ms);
      await new Promise(setImmediate); // the heartbeat's publish settles: the next may go
      t.deliverHeartbeat();
    };
    await new Promise(setImmediate);
    // Lookups keep it beating: a check every heartbeatMs, a heartbeat every other check (each
    // heard at once, so the one heard last is 40 ms old at most, within maxLagMs of 50).
    expect(t.channel.trustedAt(t.clock.now)).toBe(true);
    let sent = t.heartbeats().length;
    for (let i = 0; i < 10; i++) {
      await pass(20);
      expect(t.channel.trustedAt(t.clock.now)).toBe(true);
    }
    expect(t.heartbeats().length - sent).toBe(5);
    // No lookup: it goes on for HEARTBEAT_RESTS_AFTER_MS, then sends nothing.
    sent = t.heartbeats().length;
    for (let passed = 0; passed < HEARTBEAT_RESTS_AFTER_MS + 1000; passed += 20) await pass(20);
    expect(t.heartbeats().length - sent).toBe(HEARTBEAT_RESTS_AFTER_MS / 40);
    expect(jest.getTimerCount()).toBe(0); // resting: nothing wakes the process up
    // A lookup's check alone sends nothing: the lookup wakes the channel on its way to Redis.
    sent = t.heartbeats().length;
    expect(t.channel.trustedAt(t.clock.now)).toBe(false);
    expect(t.heartbeats().length - sent).toBe(0);
    // Woken (not trusted: nothing heard lately), it sends a heartbeat at once...
    t.channel.wake();
    expect(t.heartbeats().length - sent).toBe(1);
    // ...one at a time, however many lookups wait for it...
    expect(t.channel.trusted).toBe(false);
    t.channel.wake();
    expect(t.heartbeats().length - sent).toBe(1);
    // ...and trusts again once it is heard, its timer going again.
    t.deliverHeartbeat();
    expect(t.channel.trustedAt(t.clock.now)).toBe(true);
    expect(jest.getTimerCount()).toBe(1);
    await new Promise(setImmediate);
    sent = t.heartbeats().length;
    await pass(40);
    expect(t.heartbeats().length - sent).toBe(1);
  });

  it('sends a heartbeat at a check only when trust would lapse before the next one, counting the round trip', async () => {
    const t = await startedOnFakeTimers();
    /** Lets 20 ms pass (one check); what was sent meanwhile comes back `roundTrip` ms later. */
    const check = async (roundTrip: number) => {
      t.clock.now += 20;
      jest.advanceTimersByTime(20);
      await new Promise(setImmediate); // the heartbeat's publish settles: the next may go
      t.clock.now += roundTrip;
      t.deliverHeartbeat();
      t.clock.now -= roundTrip; // the next check is due on the timer's own schedule
      expect(t.channel.trustedAt(t.clock.now + roundTrip)).toBe(true);
    };
    t.deliverHeartbeat();
    await new Promise(setImmediate);
    expect(t.channel.trustedAt(t.clock.now)).toBe(true); // a lookup: the heartbeat goes on
    // Heard at once: the heartbeat heard at one check still covers the next (20 + 20 < 50).
    let sent = t.heartbeats().length;
    for (let i = 0; i < 8; i++) await check(0);
    expect(t.heartbeats().length - sent).toBe(4);
    // Heard 6 ms after it was sent: waiting a check would leave 20 + 20 + 2 * 6 > 50 ms. A
    // heartbeat at every check, and never a check that finds the channel untrusted.
    await check(6);
    sent = t.heartbeats().length;
    for (let i = 0; i < 8; i++) await check(6);
    expect(t.heartbeats().length - sent).toBe(8);
    // Fast again: every other check.
    await check(0);
    sent = t.heartbeats().length;
    for (let i = 0; i < 8; i++) await check(0);
    expect(t.heartbeats().length - sent).toBe(4);
  });

  describe('on one server (a subscriber that pings)', () => {
    const settle = () => new Promise(setImmediate);
    /** A channel over `subscriber`, started and subscribed (its first heartbeat sent). */
    const subscribed = async (subscriber: PingingSubscriber) => {
      const t = setUp(undefined, subscriber);
      open.push(t.channel);
      await t.channel.start();
      t.subscriber.events?.up();
      return { t, subscriber };
    };

    it('its heartbeat is a PING on the listening connection: trusted once answered, nothing published', async () => {
      const { t, subscriber } = await subscribed(new PingingSubscriber());
      expect(subscriber.pings).toHaveLength(1);
      expect(t.published).toEqual([]);
      expect(t.channel.trusted).toBe(false);
      expect(subscriber.pings).toHaveLength(1); // one at a time
      subscriber.pings[0].answer();
      await settle();
      expect(t.channel.trusted).toBe(true);
      t.clock.now += 51;
      expect(t.channel.trusted).toBe(false);
      expect(subscriber.pings).toHaveLength(2); // the untrusted lookup sent the next one at once
      expect(t.published).toEqual([]);
    });

    it('a PING sent before the connection was lost proves nothing about the next subscription', async () => {
      const { t, subscriber } = await subscribed(new PingingSubscriber());
      t.clock.now += 10;
      t.subscriber.events?.down();
      t.subscriber.events?.up();
      // The heartbeat under way when the connection was lost did not hold back the new one.
      expect(subscriber.pings).toHaveLength(2);
      subscriber.pings[0].answer();
      await settle();
      expect(t.channel.trusted).toBe(false);
      subscriber.pings[1].answer();
      await settle();
      expect(t.channel.trusted).toBe(true);
    });

    it('a PING that fails is not heard, and the next heartbeat goes', async () => {
      const { t, subscriber } = await subscribed(new PingingSubscriber());
      subscriber.pings[0].fail();
      await settle();
      expect(t.channel.trusted).toBe(false);
      expect(subscriber.pings).toHaveLength(2);
      subscriber.pings[1].answer();
      await settle();
      expect(t.channel.trusted).toBe(true);
    });

    it('a subscriber that cannot ping now (undefined) gets a published heartbeat', async () => {
      const cannot = new PingingSubscriber();
      cannot.ping = () => undefined as unknown as Promise<unknown>;
      const { t } = await subscribed(cannot);
      expect(t.heartbeats()).toHaveLength(1);
      t.deliverHeartbeat();
      expect(t.channel.trusted).toBe(true);
    });
  });

  it('passes revocations on; anything it cannot read resets everything', async () => {
    const t = setUp();
    open.push(t.channel);
    await t.channel.start();
    t.subscriber.events?.message('revocations', 'tjti-1');
    t.subscriber.events?.message('revocations', 'salice');
    t.subscriber.events?.message('revocations', 'fchain');
    t.subscriber.events?.message('revocations', '?what');
    t.subscriber.events?.message('elsewhere', 'tjti-2');
    expect(t.heard).toEqual(['t:jti-1', 's:alice', 'f:chain', 'reset']);
  });

  it('publishes a revocation as one message on the shared channel', async () => {
    const t = setUp();
    open.push(t.channel);
    await t.channel.publish('s', 'alice');
    expect(t.published).toEqual([['revocations', 'salice']]);
  });

  it('close() stops listening and closes the subscriber', async () => {
    const t = setUp();
    await t.channel.start();
    t.subscriber.events?.up();
    t.deliverHeartbeat();
    await t.channel.close();
    expect(t.subscriber.closed).toBe(true);
    expect(t.channel.trusted).toBe(false);
  });
});
