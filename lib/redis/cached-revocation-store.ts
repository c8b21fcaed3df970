// Types only: ioredis and redis are optional peers, loaded (dynamically) only when a store makes its own clients.
import { JwtAuthConfigError } from '../common/errors.js';
import { checkOptionNames, type NameTable } from '../common/option-names.js';
import { count } from '../common/option-validators.js';
import type { RevocationQuery, RevocationState, RevocationStore, TokenMark } from '../revocation/revocation-store.js';
import { revocationState } from '../revocation/revocation-state.js';
import { InvalidationChannel } from './invalidation-channel.js';
import { type InvalidationSubscriber, type IoredisPubSubClient, ioredisSubscriber } from './invalidation-subscriber.js';
import { type NodeRedisPubSubClient, nodeRedisSubscriber } from './node-redis-subscriber.js';
import { clusterNodesSubscriber, urlSubscriber } from './owned-subscriber.js';
import { type InvalidationKind, RevocationCache } from './revocation-cache.js';
import { commandSender, type KeyedCommands, type SendCommand } from './command-target.js';
import {
  type RedisClusterStoreOptions,
  RedisRevocationStore,
  type RedisUrlStoreOptions,
} from './redis-revocation-store.js';

export interface RevocationCacheOptions {
  /** Answers kept at most (default 100,000); past it, those not served lately go first. */
  maxEntries?: number;
  /** The longest one answer is served, in ms (default 60,000); never past the token's `exp`. */
  maxAgeMs?: number;
  /** Pub/sub channel of the revocations (default `'nest-rest-jwt:revocations'`); instances sharing revocations share it. */
  channel?: string;
  /**
   * How often this instance checks that its channel is live while lookups happen, in ms (default
   * 20). A check sends a heartbeat only when trust would otherwise lapse before the next check.
   */
  heartbeatMs?: number;
  /** The cache is trusted only while the channel is at most this far behind, in ms (default 50). */
  maxLagMs?: number;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

export interface CachedRevocationStoreOptions extends RevocationCacheOptions {
  /** The store asked on a miss, and whose connection publishes the revocations (PUBLISH). */
  store: RevocationStore & KeyedCommands;
  /**
   * What listens for revocations: an ioredis `Redis` or `Cluster` of its own (`redis.duplicate()`:
   * a subscribed connection runs no other command), a node-redis client or cluster (the cache
   * listens on a `duplicate()` of it), or an InvalidationSubscriber.
   */
  subscriber: IoredisPubSubClient | NodeRedisPubSubClient | InvalidationSubscriber;
}

/** How the cache is doing: answers served locally, and lookups sent to Redis. */
export interface RevocationCacheStats {
  hits: number;
  roundTrips: number;
  entries: number;
  /** Whether cached answers are served now (the channel is live and at most maxLagMs behind). */
  trusted: boolean;
  /** Times everything was forgotten because messages may have been missed (connection lost or renewed). */
  resets: number;
}

const CACHE_NAMES = {
  maxEntries: 'value',
  maxAgeMs: 'value',
  channel: 'value',
  heartbeatMs: 'value',
  maxLagMs: 'value',
  now: 'value',
} as const;
const NAMES: NameTable = { ...CACHE_NAMES, store: 'value', subscriber: 'value' };
const URL_NAMES: NameTable = {
  ...CACHE_NAMES,
  prefix: 'value',
  timeoutMs: 'value',
  clientOptions: 'value',
  connectTimeoutMs: 'value',
  waitForReplicas: 'value',
  waitTimeoutMs: 'value',
  clientLibrary: 'value',
};

/**
 * A RevocationStore in Redis with a local cache of its "not revoked" answers: a token already
 * seen costs no round trip. Every revocation is published on a Redis channel after it is written,
 * and every instance drops what it changes; the instance that revokes drops it before answering.
 * While the channel is down or lags by more than `maxLagMs`, every lookup goes to Redis (and
 * fails closed when Redis does).
 */
export class CachedRevocationStore implements RevocationStore {
  private readonly store: RevocationStore;
  private readonly send: SendCommand;
  private readonly cache: RevocationCache;
  private readonly channel: InvalidationChannel;
  private readonly started: Promise<void>;
  private readonly now: () => number;
  /** Bumped by every invalidation: an answer that left Redis before one is not kept. */
  private generation = 0;
  private hits = 0;
  private roundTrips = 0;
  private resets = 0;
  private closed = false;

  constructor(options: CachedRevocationStoreOptions) {
    checkOptionNames(options, NAMES, {}, 'revocationCache');
    const send = commandSender(options.store);
    if (send === undefined) throw new JwtAuthConfigError('revocationCache.store', 'must be a RedisRevocationStore');
    this.store = options.store;
    this.send = send;
    this.now = options.now ?? Date.now;
    const maxEntries = count(options.maxEntries, 'revocationCache.maxEntries', 100_000, 'entries');
    const maxAgeMs = count(options.maxAgeMs, 'revocationCache.maxAgeMs', 60_000, 'milliseconds');
    const heartbeatMs = count(options.heartbeatMs, 'revocationCache.heartbeatMs', 20, 'milliseconds');
    const maxLagMs = count(options.maxLagMs, 'revocationCache.maxLagMs', 50, 'milliseconds');
    if (maxLagMs <= heartbeatMs) {
      throw new JwtAuthConfigError('revocationCache.maxLagMs', `must be more than heartbeatMs (${heartbeatMs})`);
    }
    const channel = options.channel ?? 'nest-rest-jwt:revocations';
    if (typeof channel !== 'string' || channel === '') {
      throw new JwtAuthConfigError('revocationCache.channel', 'must be a non-empty string');
    }
    this.cache = new RevocationCache({ maxEntries, maxAgeMs, now: this.now });
    this.channel = new InvalidationChannel({
      subscriber: subscriberOf(options.subscriber),
      // Every message (revocations, heartbeats) is sent to the node owning the channel's name: in a
      // cluster, one node then forwards them all to every subscriber over one ordered link.
      publish: (name, message) => this.send(channel, 'PUBLISH', name, message),
      channel,
      heartbeatMs,
      maxLagMs,
      now: this.now,
      onInvalidate: (kind, id) => this.drop(kind, id),
      onReset: () => {
        this.resets++;
        this.generation++;
        this.cache.clear();
      },
    });
    this.started = this.channel.start();
    this.started.catch(() => undefined);
  }

  /**
   * A RedisRevocationStore made from `url` with its cache, and a second connection for the
   * channel; both close with the store. Start-up fails when Redis cannot be reached. (Without
   * waiting: `new CachedRevocationStore({ store: new RedisRevocationStore({ url }), subscriber: urlSubscriber(url) })`.)
   */
  static fromUrl(
    url: string,
    options: RevocationCacheOptions & Omit<RedisUrlStoreOptions, 'url'> & { connectTimeoutMs?: number } = {},
  ): Promise<CachedRevocationStore> {
    return CachedRevocationStore.started(options, async (storeOptions) => ({
      store: await RedisRevocationStore.fromUrl(url, storeOptions),
      subscriber: urlSubscriber(url, storeOptions.clientOptions, storeOptions.clientLibrary),
    }));
  }

  /**
   * The same on a Redis Cluster, from seed nodes (`host:port`), as `RedisRevocationStore.fromClusterNodes`:
   * revocations are published to the node that owns the channel's name, which forwards them to
   * every node's subscribers, in order.
   */
  static fromClusterNodes(
    nodes: readonly string[],
    options: RevocationCacheOptions &
      Omit<RedisClusterStoreOptions, 'clusterNodes'> & { connectTimeoutMs?: number } = {},
  ): Promise<CachedRevocationStore> {
    return CachedRevocationStore.started(options, async (storeOptions) => ({
      store: await RedisRevocationStore.fromClusterNodes(nodes, storeOptions),
      subscriber: clusterNodesSubscriber(nodes, storeOptions.clientOptions, storeOptions.clientLibrary),
    }));
  }

  private static async started<T extends RevocationCacheOptions>(
    options: T,
    make: (storeOptions: Omit<T, keyof RevocationCacheOptions>) => Promise<{
      store: RedisRevocationStore;
      subscriber: InvalidationSubscriber;
    }>,
  ): Promise<CachedRevocationStore> {
    checkOptionNames(options, URL_NAMES, {}, 'revocationCache');
    const { maxEntries, maxAgeMs, channel, heartbeatMs, maxLagMs, now, ...storeOptions } = options;
    const cacheOptions = withoutUndefined({ maxEntries, maxAgeMs, channel, heartbeatMs, maxLagMs, now });
    const { store, subscriber } = await make(storeOptions);
    const cached = new CachedRevocationStore({ ...cacheOptions, store, subscriber });
    try {
      await cached.started;
      return cached;
    } catch (error) {
      await cached.close();
      throw error;
    }
  }

  /** Answers served locally and lookups sent to Redis since start (for tests, benchmarks, metrics). */
  get stats(): RevocationCacheStats {
    return {
      hits: this.hits,
      roundTrips: this.roundTrips,
      entries: this.cache.size,
      trusted: this.channel.trusted,
      resets: this.resets,
    };
  }

  lookup(query: RevocationQuery): RevocationState | Promise<RevocationState> {
    const now = this.now();
    if (this.channel.trustedAt(now)) {
      const state = this.cache.get(query, now);
      if (state !== undefined) {
        this.hits++;
        return copyOf(state);
      }
    }
    return this.ask(query);
  }

  async markToken(jti: string, mark: TokenMark, ttlSeconds: number, subject: string): Promise<boolean> {
    const first = await this.store.markToken(jti, mark, ttlSeconds, subject);
    await this.tell('t', jti);
    return first;
  }

  async revokeSubject(subject: string, at: number, ttlSeconds: number): Promise<void> {
    await this.store.revokeSubject(subject, at, ttlSeconds);
    await this.tell('s', subject);
  }

  async revokeFamily(family: string, ttlSeconds: number, subject: string): Promise<void> {
    await this.store.revokeFamily(family, ttlSeconds, subject);
    await this.tell('f', family);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.channel.close().catch(() => undefined);
    await this.store.close?.();
  }

  private async ask(query: RevocationQuery): Promise<RevocationState> {
    this.roundTrips++;
    this.channel.wake();
    const generation = this.generation;
    const state = await this.store.lookup(query);
    // Kept only when nothing was revoked meanwhile and messages are flowing: any message still on
    // its way arrives after this answer and drops it.
    if (generation === this.generation && this.channel.listening) this.cache.set(query, copyOf(state));
    return state;
  }

  /**
   * This instance refuses at once (dropped before answering), the others when the message
   * arrives. When it cannot be published the caller fails: the revocation is written, but the
   * other instances have not been told.
   */
  private async tell(kind: InvalidationKind, id: string): Promise<void> {
    this.drop(kind, id);
    await this.channel.publish(kind, id);
  }

  private drop(kind: InvalidationKind, id: string): void {
    this.generation++;
    this.cache.invalidate(kind, id);
  }
}

/** A copy (answers are the caller's to change), of the one shape every store's answers have. */
function copyOf(state: RevocationState): RevocationState {
  return revocationState(state.token, state.subjectRevokedAt, state.familyRevoked);
}

function subscriberOf(given: CachedRevocationStoreOptions['subscriber']): InvalidationSubscriber {
  const candidate = given as Partial<InvalidationSubscriber & NodeRedisPubSubClient> & {
    status?: unknown;
    sendCommand?: unknown;
  };
  if (typeof candidate.subscribe === 'function' && typeof candidate.status === 'string') {
    return ioredisSubscriber(given as IoredisPubSubClient);
  }
  if (typeof candidate.sendCommand === 'function' && typeof candidate.duplicate === 'function') {
    return nodeRedisSubscriber(given as NodeRedisPubSubClient);
  }
  if (typeof candidate.subscribe === 'function' && typeof candidate.close === 'function') {
    return candidate as InvalidationSubscriber;
  }
  throw new JwtAuthConfigError(
    'revocationCache.subscriber',
    'must be an ioredis client or cluster, a node-redis client or cluster, or an InvalidationSubscriber',
  );
}

function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
