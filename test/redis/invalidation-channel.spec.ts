import { afterEach, describe, expect, it } from '@jest/globals';
import { InvalidationChannel } from '../../lib/redis/invalidation-channel.js';
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

function setUp() {
  const clock = { now: 1_000_000 };
  const subscriber = new FakeSubscriber();
  const published: [string, string][] = [];
  const heard: string[] = [];
  const channel = new InvalidationChannel({
    subscriber,
    publish: (name, message) => {
      published.push([name, message]);
      return Promise.resolve(1);
    },
    channel: 'revocations',
    // The timer never fires within a test: heartbeats are sent on (re)subscription and delivered by hand.
    heartbeatMs: 3_600_000,
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
    await Promise.all(open.splice(0).map((channel) => channel.close()));
  });

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
