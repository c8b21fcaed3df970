import { createHash } from 'node:crypto';
import { checkOptionNames, type NameTable } from '../common/option-names.js';
import type {
  RevocationQuery,
  RevocationState,
  RevocationStore,
  TokenMark,
  TokenReplacement,
} from '../revocation/revocation-store.js';
import { revocationState } from '../revocation/revocation-state.js';
import {
  makeOwnedClient,
  type OwnedClient,
  type OwnedTarget,
  type RedisClientLibrary,
  withTimeout,
} from './redis-clients.js';
import { connectionFor, type RedisConnection, type RedisStoreClient } from './redis-connection.js';
import { RedisKeyLayout } from './redis-key-layout.js';
import { ReplicaWait } from './replica-wait.js';

interface CommonOptions {
  /** Put in front of every key, so that apps (or tests) can share one Redis. Default `'nest-rest-jwt:'`. */
  prefix?: string;
  /**
   * Milliseconds one call may take before it rejects (default 1000), whatever the client does
   * with the command meanwhile: a hung server must not hang requests.
   */
  timeoutMs?: number;
  /**
   * Replicas that must have a revocation before it resolves (WAIT): `'auto'` (the default) waits
   * for one where the primary that owns the key has replicas, and for none where it has none;
   * a number waits for that many always; `0` never waits.
   */
  waitForReplicas?: number | 'auto';
  /** Milliseconds WAIT waits for them (default 500); past it, the revocation fails. */
  waitTimeoutMs?: number;
}

export interface RedisClientStoreOptions extends CommonOptions {
  /**
   * A connected client the app owns (the store never closes it): ioredis `Redis` or `Cluster`,
   * node-redis `createClient()` or `createCluster()`, or anything with `call(command, ...args)`.
   */
  client: RedisStoreClient;
  url?: never;
  clusterNodes?: never;
  clientOptions?: never;
  clientLibrary?: never;
}

interface OwnedClientOptions extends CommonOptions {
  /**
   * The package that makes the store's own client: `'ioredis'` or `'redis'` (node-redis 5).
   * Default: ioredis when it is installed, else redis.
   */
  clientLibrary?: RedisClientLibrary;
  /**
   * More options for that client (TLS, password, ...): ioredis `RedisOptions` (for a cluster,
   * `ClusterOptions`), or node-redis `createClient`/`createCluster` options. They override the
   * store's fail-fast defaults (no offline queue, no retries, timeouts of `timeoutMs`).
   */
  clientOptions?: Readonly<Record<string, unknown>>;
  client?: never;
}

export interface RedisUrlStoreOptions extends OwnedClientOptions {
  /** `redis://` or `rediss://` URL: the store makes its own client, and `close()` closes it. */
  url: string;
  clusterNodes?: never;
}

export interface RedisClusterStoreOptions extends OwnedClientOptions {
  /** Seed nodes of a Redis Cluster (`host:port` or `redis://host:port`): the store makes its own cluster client. */
  clusterNodes: readonly string[];
  url?: never;
}

export type RedisRevocationStoreOptions = RedisClientStoreOptions | RedisUrlStoreOptions | RedisClusterStoreOptions;

/** How long `fromUrl`/`fromClusterNodes` wait for the first connection, and how. */
type StartOptions<T> = Omit<T, 'url' | 'clusterNodes'> & { connectTimeoutMs?: number };

const OPTION_NAMES: NameTable = {
  prefix: 'value',
  timeoutMs: 'value',
  waitForReplicas: 'value',
  waitTimeoutMs: 'value',
  client: 'value',
  url: 'value',
  clusterNodes: 'value',
  clientLibrary: 'value',
  clientOptions: 'value',
  connectTimeoutMs: 'value',
};

const DEFAULT_PREFIX = 'nest-rest-jwt:';
const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_WAIT_TIMEOUT_MS = 500;

/**
 * Sets KEYS[1] to ARGV[1] for the longer of its remaining life and ARGV[2] ms. With ARGV[3] = '1'
 * the larger number of the stored and the new value is kept (a subject's later revocation time).
 * A script, so that the read and the write cannot interleave with another instance's.
 */
const KEEP_LATER_SCRIPT = `
local value = ARGV[1]
local ttl = tonumber(ARGV[2])
local left = redis.call('PTTL', KEYS[1])
if left > ttl then ttl = left end
if ARGV[3] == '1' then
  local stored = redis.call('GET', KEYS[1])
  if stored and tonumber(stored) and tonumber(stored) > tonumber(value) then value = stored end
end
redis.call('SET', KEYS[1], value, 'PX', ttl)
return 1
`;
const KEEP_LATER_SHA = createHash('sha1').update(KEEP_LATER_SCRIPT).digest('hex');

/**
 * Rotation with a grace period: marks KEYS[1] 'replaced' for ARGV[2] ms (NX) and keeps the
 * successor ARGV[1] at KEYS[2] for ARGV[3] ms. Replies {1} when this call replaced it; else {0}
 * with the kept successor while the token is 'replaced' and the grace lasts. Both keys carry the
 * subject's hash tag: one slot in a cluster.
 */
const REPLACE_SCRIPT = `
if redis.call('SET', KEYS[1], 'replaced', 'PX', ARGV[2], 'NX') then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
  return {1}
end
if redis.call('GET', KEYS[1]) == 'replaced' then
  local successor = redis.call('GET', KEYS[2])
  if successor then return {0, successor} end
end
return {0}
`;
const REPLACE_SHA = createHash('sha1').update(REPLACE_SCRIPT).digest('hex');

/** What the store does to reach Redis: a client it was given, or the one it made and owns. */
type Connection = { connection: RedisConnection; owned?: OwnedClient; wait: ReplicaWait };

/**
 * Revocations kept in Redis, shared by every instance of an app: one server (or Sentinel), or
 * a Redis Cluster. Each entry expires with the token it refuses. Every key of a subject carries
 * its hash tag (redis-key-layout.ts): a lookup is one MGET on one node. Every call rejects when
 * Redis cannot be reached or takes longer than `timeoutMs`; the guard then refuses the request.
 */
export class RedisRevocationStore implements RevocationStore {
  private readonly connection: Promise<Connection>;
  /** The connection once made: calls then go straight to the client (no promise hop). */
  private connected?: Connection;
  private readonly keys: RedisKeyLayout;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(options: RedisRevocationStoreOptions) {
    checkOptionNames(options, OPTION_NAMES);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new TypeError('nest-rest-jwt: RedisRevocationStore timeoutMs must be a positive number of milliseconds');
    }
    if (typeof options.prefix === 'string' && options.prefix.length === 0) {
      throw new TypeError('nest-rest-jwt: RedisRevocationStore prefix must not be empty');
    }
    this.keys = new RedisKeyLayout(options.prefix ?? DEFAULT_PREFIX);
    const waitFor = options.waitForReplicas ?? 'auto';
    if (waitFor !== 'auto' && !(Number.isInteger(waitFor) && waitFor >= 0)) {
      throw new TypeError("nest-rest-jwt: RedisRevocationStore waitForReplicas must be 'auto' or a whole number >= 0");
    }
    const waitTimeoutMs = options.waitTimeoutMs ?? Math.min(DEFAULT_WAIT_TIMEOUT_MS, this.timeoutMs);
    if (!Number.isInteger(waitTimeoutMs) || waitTimeoutMs <= 0 || waitTimeoutMs > this.timeoutMs) {
      throw new TypeError(
        'nest-rest-jwt: RedisRevocationStore waitTimeoutMs must be a whole number of milliseconds, > 0 and <= timeoutMs',
      );
    }
    const given = [options.client, options.url, options.clusterNodes].filter((value) => value !== undefined);
    if (given.length !== 1) {
      throw new TypeError('nest-rest-jwt: RedisRevocationStore needs either `client` or `url` (or `clusterNodes`)');
    }
    if (options.clientLibrary !== undefined && !['ioredis', 'redis'].includes(options.clientLibrary)) {
      throw new TypeError("nest-rest-jwt: RedisRevocationStore clientLibrary must be 'ioredis' or 'redis'");
    }
    const withWait = (connection: RedisConnection, owned?: OwnedClient): Connection => ({
      connection,
      owned,
      wait: new ReplicaWait(connection, waitFor, waitTimeoutMs),
    });
    if (options.client !== undefined) {
      this.connected = withWait(connectionFor(options.client));
      this.connection = Promise.resolve(this.connected);
    } else {
      const target = ownedTarget(options);
      this.connection = makeOwnedClient(target, this.timeoutMs, options.clientLibrary, options.clientOptions).then(
        (owned) => withWait(connectionFor(owned.client), owned),
      );
      this.connection.then((connection) => (this.connected = connection)).catch(() => undefined);
      // Calls report a failure to connect; this keeps it from being an unhandled rejection meanwhile.
      this.connection.catch(() => undefined);
      // node-redis connects when asked to; ioredis at once (and ready() then only listens).
      this.connection.then(({ owned }) => owned?.ready()).catch(() => undefined);
    }
  }

  /**
   * A store with its own client for `url`, once that client is connected: start-up fails (and
   * the client is closed) when Redis cannot be reached then, or the client package is not
   * installed. Later outages make calls reject, and the client reconnects on its own.
   */
  static fromUrl(url: string, options: StartOptions<RedisUrlStoreOptions> = {}): Promise<RedisRevocationStore> {
    const { connectTimeoutMs, ...storeOptions } = options;
    return RedisRevocationStore.started(new RedisRevocationStore({ ...storeOptions, url }), connectTimeoutMs);
  }

  /** The same for a Redis Cluster, from seed nodes (`host:port` or `redis://host:port`). */
  static fromClusterNodes(
    nodes: readonly string[],
    options: StartOptions<RedisClusterStoreOptions> = {},
  ): Promise<RedisRevocationStore> {
    const { connectTimeoutMs, ...storeOptions } = options;
    return RedisRevocationStore.started(
      new RedisRevocationStore({ ...storeOptions, clusterNodes: nodes }),
      connectTimeoutMs,
    );
  }

  private static async started(store: RedisRevocationStore, connectTimeoutMs = 10_000): Promise<RedisRevocationStore> {
    try {
      const { owned } = await store.connection;
      await withTimeout(owned?.ready() ?? Promise.resolve(), connectTimeoutMs, 'the connection');
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async lookup(query: RevocationQuery): Promise<RevocationState> {
    const keys = [this.keys.subjectKey(query.subject)];
    if (query.jti !== undefined) keys.push(this.keys.tokenKey(query.subject, query.jti));
    if (query.family !== undefined) keys.push(this.keys.familyKey(query.subject, query.family));
    const reply = await this.call(keys[0], 'MGET', ...keys);
    if (!Array.isArray(reply) || reply.length !== keys.length) {
      throw new Error('nest-rest-jwt: Redis answered MGET with something other than one value per key');
    }
    const [subject, ...rest] = reply as unknown[];
    const at = subject == null ? NaN : Number(subject);
    let token: TokenMark | undefined;
    if (query.jti !== undefined) {
      const mark = rest.shift();
      // Anything else stored there still refuses the token (fail closed).
      if (mark != null) token = String(mark) === 'replaced' ? 'replaced' : 'revoked';
    }
    const familyRevoked = query.family !== undefined && rest.shift() != null;
    return revocationState(token, Number.isFinite(at) ? at : undefined, familyRevoked);
  }

  async markToken(jti: string, mark: TokenMark, ttlSeconds: number, subject: string): Promise<boolean> {
    const key = this.keys.tokenKey(subject, jti);
    // NX: of two concurrent marks exactly one sets the key, and an existing mark is kept.
    const reply = await this.write(key, (c) => c.send(key, 'SET', [key, mark, 'PX', milliseconds(ttlSeconds), 'NX']));
    return reply != null;
  }

  async replaceToken(
    jti: string,
    successor: string,
    ttlSeconds: number,
    graceSeconds: number,
    subject: string,
  ): Promise<TokenReplacement> {
    const ttlMs = milliseconds(ttlSeconds);
    const key = this.keys.tokenKey(subject, jti);
    const args = [
      2,
      key,
      this.keys.successorKey(subject, jti),
      successor,
      ttlMs,
      Math.min(milliseconds(graceSeconds), ttlMs),
    ];
    const reply = await this.write(key, (connection) =>
      this.evalScript(connection, key, REPLACE_SCRIPT, REPLACE_SHA, args),
    );
    if (!Array.isArray(reply) || (reply[0] !== 1 && reply[0] !== 0)) {
      throw new Error('nest-rest-jwt: Redis answered the replace script with something unexpected');
    }
    if (reply[0] === 1) return { first: true };
    return typeof reply[1] === 'string' ? { first: false, successor: reply[1] } : { first: false };
  }

  async revokeSubject(subject: string, at: number, ttlSeconds: number): Promise<void> {
    if (!Number.isFinite(at)) throw new TypeError('nest-rest-jwt: revokeSubject needs a finite time in seconds');
    await this.keepLater(this.keys.subjectKey(subject), String(at), milliseconds(ttlSeconds), true);
  }

  async revokeFamily(family: string, ttlSeconds: number, subject: string): Promise<void> {
    await this.keepLater(this.keys.familyKey(subject, family), '1', milliseconds(ttlSeconds), false);
  }

  /** Closes the client the store made; a client it was given stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let owned: OwnedClient | undefined;
    try {
      ({ owned } = await this.connection);
    } catch {
      return; // no client was made
    }
    await owned?.close(this.timeoutMs);
  }

  private keepLater(key: string, value: string, ttlMs: number, numeric: boolean): Promise<unknown> {
    const args = [1, key, value, ttlMs, numeric ? '1' : '0'];
    return this.write(key, (connection) => this.evalScript(connection, key, KEEP_LATER_SCRIPT, KEEP_LATER_SHA, args));
  }

  /** EVALSHA, and the whole script once when the server has not seen it (or restarted since). */
  private async evalScript(
    connection: RedisConnection,
    key: string,
    script: string,
    sha: string,
    args: (string | number)[],
  ): Promise<unknown> {
    try {
      return await connection.send(key, 'EVALSHA', [sha, ...args]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return connection.send(key, 'EVAL', [script, ...args]);
    }
  }

  /**
   * Sends one command about \`key\` over the store's connection (in a cluster, to the node that
   * owns it), within the store's timeout: the revocation cache publishes and the login throttle
   * counts through it, so one connection serves all three.
   */
  command(key: string, command: string, ...args: (string | number)[]): Promise<unknown> {
    return this.call(key, command, ...args);
  }

  /** A write, then (on the same connection, the node owning `key`) WAIT for its replicas. */
  private write(key: string, send: (connection: RedisConnection) => Promise<unknown>): Promise<unknown> {
    return this.run('a revocation', async ({ connection, wait }) => {
      const reply = await send(connection);
      await wait.after(key);
      return reply;
    });
  }

  private call(key: string, command: string, ...args: (string | number)[]): Promise<unknown> {
    return this.run(command, ({ connection }) => connection.send(key, command, args));
  }

  /** Runs `send` within the store's timeout; rejects at once after close(). */
  private run(command: string, send: (connected: Connection) => Promise<unknown>): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('nest-rest-jwt: the RedisRevocationStore is closed'));
    const connected = this.connected;
    // A client made from a URL times its commands out itself (commandTimeout): no second timer.
    if (connected?.owned?.timesOut === true && command !== 'a revocation') return send(connected);
    const sent = connected !== undefined ? send(connected) : this.connection.then(send);
    return withTimeout(sent, command === 'a revocation' ? 2 * this.timeoutMs : this.timeoutMs, command);
  }
}

function ownedTarget(options: RedisUrlStoreOptions | RedisClusterStoreOptions): OwnedTarget {
  if (options.url !== undefined) return { url: options.url };
  const nodes = options.clusterNodes;
  if (!Array.isArray(nodes) || nodes.length === 0 || !nodes.every((node) => typeof node === 'string' && node !== '')) {
    throw new TypeError('nest-rest-jwt: RedisRevocationStore clusterNodes must be a non-empty list of host:port');
  }
  return { clusterNodes: [...nodes] };
}

/** Whole milliseconds, at least 1 (PX refuses 0): an entry lives as long as its token could be used. */
function milliseconds(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds)) throw new TypeError('nest-rest-jwt: a revocation needs a finite ttlSeconds');
  return Math.max(1, Math.ceil(ttlSeconds * 1000));
}
