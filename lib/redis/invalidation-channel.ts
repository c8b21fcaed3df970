import { randomUUID } from 'node:crypto';
import type { InvalidationSubscriber } from './invalidation-subscriber.js';
import type { InvalidationKind } from './revocation-cache.js';

export interface InvalidationChannelOptions {
  subscriber: InvalidationSubscriber;
  /** Sends PUBLISH over a command connection (not the subscriber's). */
  publish: (channel: string, message: string) => Promise<unknown>;
  channel: string;
  heartbeatMs: number;
  maxLagMs: number;
  now: () => number;
  /** Another instance (or this one) revoked something. */
  onInvalidate: (kind: InvalidationKind, id: string) => void;
  /** Messages may have been missed (connection lost, or subscribed again): forget everything. */
  onReset: () => void;
}

/**
 * After this long without a lookup the heartbeat rests: an idle instance sends nothing, and its
 * first lookup after the rest asks Redis and sends a heartbeat at once.
 */
export const HEARTBEAT_RESTS_AFTER_MS = 5_000;

/**
 * Revocations told to every instance through Redis pub/sub, and whether this instance can trust
 * that it has heard them all. Each instance publishes a heartbeat (the time it was sent) on a
 * channel of its own; the subscriber connection delivers messages in the order Redis ran the
 * PUBLISHes, so hearing a heartbeat sent at T proves that every revocation published before T
 * has arrived. On one server the heartbeat is a PING on the subscriber connection itself: Redis
 * answers it after every message it wrote to that connection before, which proves the same at
 * half the cost (one command, one reply). The cache is trusted only while the last heartbeat
 * heard was sent at most `maxLagMs` ago: a lost or lagging connection makes the instance ask
 * Redis every time. The heartbeat runs while lookups happen (see HEARTBEAT_RESTS_AFTER_MS), and
 * no more often than that bound needs (see `due`).
 */
export class InvalidationChannel {
  private readonly heartbeatChannel: string;
  /** Sending time of the latest heartbeat heard since the last (re)subscription. */
  private heardSentAt = Number.NEGATIVE_INFINITY;
  private subscribed = false;
  /** When the current subscription began: a heartbeat sent before it proves nothing about it. */
  private subscribedAt = Number.POSITIVE_INFINITY;
  /** Number of the latest heartbeat heard, and of the next one sent (every heartbeat sent is numbered). */
  private heardSequence: number | undefined;
  private sequence = 0;
  /** When trust was last asked for (a lookup): the heartbeat rests once that is long past. */
  private askedAt = Number.NEGATIVE_INFINITY;
  private beating = false;
  /** Number of the latest heartbeat begun: one begun before a lost connection ends no later one. */
  private beats = 0;
  /** How long the latest heartbeat heard took to come back, in ms. */
  private roundTrip = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: InvalidationChannelOptions) {
    this.heartbeatChannel = `${options.channel}:heartbeat:${randomUUID()}`;
  }

  /** Subscribes and starts the heartbeat; resolves once subscribed. */
  async start(): Promise<void> {
    this.beatEveryInterval();
    await this.options.subscriber.subscribe([this.options.channel, this.heartbeatChannel], {
      message: (channel, message) => this.received(channel, message),
      down: () => this.lost(),
      up: () => {
        this.options.onReset();
        this.subscribed = true;
        this.subscribedAt = this.options.now();
        this.beat();
      },
    });
  }

  /** Whether every revocation published more than `maxLagMs` ago has been heard (and, if not, wakes the heartbeat). */
  get trusted(): boolean {
    const now = this.options.now();
    if (this.trustedAt(now)) return true;
    this.wake();
    return false;
  }

  /**
   * `trusted`, at a time the caller has already read (one clock read per lookup), and nothing
   * else: a lookup's hot path holds no branch it takes only after a rest (taking it would throw
   * away the optimized code of every caller it was inlined into). Keeps the heartbeat going.
   */
  trustedAt(now: number): boolean {
    this.askedAt = now;
    return this.heardWithinLag(now);
  }

  /**
   * Called on the way to Redis, after `trustedAt`: when the cache was not trusted then, a
   * heartbeat at once (it may have been resting).
   */
  wake(): void {
    if (this.heardWithinLag(this.askedAt)) return;
    this.beat();
    this.beatEveryInterval();
  }

  /** Subscribed, and a heartbeat heard that was sent at most `maxLagMs` before `now`. */
  private heardWithinLag(now: number): boolean {
    return this.subscribed && now - this.heardSentAt <= this.options.maxLagMs;
  }

  /** The heartbeat's timer. Stopped once no lookup has asked for a while: a resting instance never wakes up for it. */
  private beatEveryInterval(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setInterval(() => {
      const now = this.options.now();
      if (now - this.askedAt <= HEARTBEAT_RESTS_AFTER_MS) {
        if (this.due(now)) this.beat();
      } else {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  /**
   * Whether the next check would come too late to renew trust: the heartbeat heard last would then
   * be more than `maxLagMs` old, counting twice the last round trip for the next heartbeat to come
   * back. Only then does a check send one: with the defaults (checks every 20 ms, 50 ms of lag)
   * every other check, as often as the bound needs and no more (each heartbeat is socket traffic,
   * dear on a busy server), and at every check once round trips grow.
   */
  private due(now: number): boolean {
    return now + this.options.heartbeatMs + 2 * this.roundTrip > this.heardSentAt + this.options.maxLagMs;
  }

  /** Whether messages are being received at all (answers may be kept, to serve once trusted). */
  get listening(): boolean {
    return this.subscribed;
  }

  /** Tells every instance; rejects when Redis did not take the message. */
  async publish(kind: InvalidationKind, id: string): Promise<void> {
    await this.options.publish(this.options.channel, `${kind}${id}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.lost();
    await this.options.subscriber.close();
  }

  private received(channel: string, message: string): void {
    if (channel === this.options.channel) {
      const kind = message.charAt(0);
      if (kind === 't' || kind === 's' || kind === 'f') this.options.onInvalidate(kind, message.slice(1));
      // Anything else on the channel cannot be understood: forget everything rather than guess.
      else this.options.onReset();
    } else if (channel === this.heartbeatChannel) {
      const [sentAt, sequence] = message.split(':').map(Number);
      if (Number.isFinite(sentAt) && sentAt >= this.subscribedAt && sentAt > this.heardSentAt) {
        // A heartbeat missing from the sequence means messages may have been lost without the
        // connection saying so (a cluster client moving its subscription to another node, the
        // publishing primary failing over): forget everything, then trust again.
        if (this.heardSequence !== undefined && sequence !== this.heardSequence + 1) this.options.onReset();
        this.heard(sentAt);
        this.heardSequence = sequence;
      }
    }
  }

  private lost(): void {
    // A heartbeat under way may never be answered: the next subscription sends its own.
    this.beating = false;
    this.subscribed = false;
    this.subscribedAt = Number.POSITIVE_INFINITY;
    this.heardSentAt = Number.NEGATIVE_INFINITY;
    this.heardSequence = undefined;
    this.options.onReset();
  }

  /**
   * One heartbeat at a time: a slow Redis gets no pile of them. A PING on the listening
   * connection where the subscriber has one (one server), else a message published and heard.
   */
  private beat(): void {
    if (this.beating || this.closed || !this.subscribed) return;
    this.beating = true;
    const beat = ++this.beats;
    const sentAt = this.options.now();
    let sent: Promise<unknown> | undefined;
    try {
      sent = this.options.subscriber.ping?.()?.then(() => this.heardAt(sentAt));
    } catch {
      sent = Promise.reject(new Error('PING failed'));
    }
    (sent ?? this.options.publish(this.heartbeatChannel, `${sentAt}:${this.sequence++}`))
      .catch(() => undefined) // a failed heartbeat is simply not heard: the cache stops being trusted
      .finally(() => {
        if (beat === this.beats) this.beating = false;
      });
  }

  /** A PING sent at `sentAt` answered: every message written to the connection before it has arrived. */
  private heardAt(sentAt: number): void {
    if (this.subscribed && sentAt >= this.subscribedAt && sentAt > this.heardSentAt) this.heard(sentAt);
  }

  /** A heartbeat sent at `sentAt` heard back now: trust renewed, and its round trip kept for `due`. */
  private heard(sentAt: number): void {
    this.roundTrip = this.options.now() - sentAt;
    this.heardSentAt = sentAt;
  }
}
