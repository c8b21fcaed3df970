import { createHash } from 'node:crypto';
// Types only: ioredis is an optional peer, loaded (dynamically) only when a store is made from a URL.
import type { Redis, RedisOptions } from 'ioredis';
import type { RevocationQuery, RevocationState, RevocationStore, TokenMark } from '../revocation/revocation-store.js';

/**
 * The one method the store needs of a client: send a command, resolve with its reply. An ioredis
 * client (`Redis`) has it as is. Other clients can be adapted, e.g. node-redis 4/5:
 * `{ call: (command, ...args) => client.sendCommand([command, ...args.map(String)]) }`.
 */
export interface RedisCommandClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

interface CommonOptions {
  /** Put in front of every key, so that apps (or tests) can share one Redis. Default `'nest-rest-jwt:'`. */
  prefix?: string;
  /**
   * Milliseconds one call may take before it rejects (default 1000), whatever the client does
   * with the command meanwhile: a hung server must not hang requests.
   */
  timeoutMs?: number;
}

export interface RedisClientStoreOptions extends CommonOptions {
  /** A connected client the app owns: the store never closes it. */
  client: RedisCommandClient;
  url?: never;
  clientOptions?: never;
}

export interface RedisUrlStoreOptions extends CommonOptions {
  /** `redis://` or `rediss://` URL: the store makes its own ioredis client, and `close()` closes it. */
  url: string;
  client?: never;
  /**
   * More ioredis options for that client (TLS, `password`, `db`, ...). They override the
   * store's fail-fast defaults (no offline queue, no retries, timeouts of `timeoutMs`).
   */
  clientOptions?: Readonly<Record<string, unknown>>;
}

export type RedisRevocationStoreOptions = RedisClientStoreOptions | RedisUrlStoreOptions;

/** A call to Redis did not answer within `timeoutMs`. */
export class RevocationStoreTimeoutError extends Error {
  constructor(command: string, timeoutMs: number) {
    super(`nest-rest-jwt: Redis did not answer ${command} within ${timeoutMs} ms`);
    this.name = 'RevocationStoreTimeoutError';
  }
}

const DEFAULT_PREFIX = 'nest-rest-jwt:';
const DEFAULT_TIMEOUT_MS = 1000;

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

/** What the store does to reach Redis: a client it was given, or the one it made and owns. */
type Connection = { client: RedisCommandClient; owned?: Redis };

/**
 * Revocations kept in Redis, shared by every instance of an app (standalone Redis or Sentinel;
 * not Cluster: a lookup reads its keys in one MGET). Each entry expires with the token it refuses.
 *
 * Keys: `<prefix>t:<jti>` ('revoked' or 'replaced'), `<prefix>s:<subject>` (the revocation time),
 * `<prefix>f:<family>`. Every call rejects when Redis cannot be reached or takes longer than
 * `timeoutMs`; the guard then refuses the request.
 */
export class RedisRevocationStore implements RevocationStore {
  private readonly connection: Promise<Connection>;
  /** The connection once made: calls then go straight to the client (no promise hop). */
  private connected?: Connection;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(options: RedisRevocationStoreOptions) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new TypeError('nest-rest-jwt: RedisRevocationStore timeoutMs must be a positive number of milliseconds');
    }
    if (typeof options.prefix === 'string' && options.prefix.length === 0) {
      throw new TypeError('nest-rest-jwt: RedisRevocationStore prefix must not be empty');
    }
    if (options.client !== undefined && options.url === undefined) {
      if (typeof options.client.call !== 'function') {
        throw new TypeError(
          'nest-rest-jwt: RedisRevocationStore client must have call(command, ...args) (an ioredis client)',
        );
      }
      this.connected = { client: options.client };
      this.connection = Promise.resolve(this.connected);
    } else if (typeof options.url === 'string' && options.client === undefined) {
      this.connection = connectTo(options.url, this.timeoutMs, options.clientOptions);
      this.connection.then((connection) => (this.connected = connection)).catch(() => undefined);
      // Calls report a failure to connect; this keeps it from being an unhandled rejection meanwhile.
      this.connection.catch(() => undefined);
    } else {
      throw new TypeError('nest-rest-jwt: RedisRevocationStore needs either `client` or `url`');
    }
  }

  /**
   * A store with its own client for `url`, once that client is connected: start-up fails (and
   * the client is closed) when Redis cannot be reached then, or ioredis is not installed. Later
   * outages make calls reject, and the client reconnects on its own.
   */
  static async fromUrl(
    url: string,
    options: Omit<RedisUrlStoreOptions, 'url'> & { connectTimeoutMs?: number } = {},
  ): Promise<RedisRevocationStore> {
    const { connectTimeoutMs = 10_000, ...storeOptions } = options;
    const store = new RedisRevocationStore({ ...storeOptions, url });
    try {
      const { owned } = await store.connection;
      await withTimeout(waitUntilReady(owned as Redis), connectTimeoutMs, 'the connection');
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async lookup(query: RevocationQuery): Promise<RevocationState> {
    const keys = [this.key('s', query.subject)];
    if (query.jti !== undefined) keys.push(this.key('t', query.jti));
    if (query.family !== undefined) keys.push(this.key('f', query.family));
    const reply = await this.call('MGET', ...keys);
    if (!Array.isArray(reply) || reply.length !== keys.length) {
      throw new Error('nest-rest-jwt: Redis answered MGET with something other than one value per key');
    }
    const [subject, ...rest] = reply as unknown[];
    const state: RevocationState = { familyRevoked: false };
    const at = subject == null ? NaN : Number(subject);
    if (Number.isFinite(at)) state.subjectRevokedAt = at;
    if (query.jti !== undefined) {
      const mark = rest.shift();
      // Anything else stored there still refuses the token (fail closed).
      if (mark != null) state.token = String(mark) === 'replaced' ? 'replaced' : 'revoked';
    }
    if (query.family !== undefined) state.familyRevoked = rest.shift() != null;
    return state;
  }

  async markToken(jti: string, mark: TokenMark, ttlSeconds: number): Promise<boolean> {
    // NX: of two concurrent marks exactly one sets the key, and an existing mark is kept.
    const reply = await this.call('SET', this.key('t', jti), mark, 'PX', milliseconds(ttlSeconds), 'NX');
    return reply != null;
  }

  async revokeSubject(subject: string, at: number, ttlSeconds: number): Promise<void> {
    if (!Number.isFinite(at)) throw new TypeError('nest-rest-jwt: revokeSubject needs a finite time in seconds');
    await this.keepLater(this.key('s', subject), String(at), milliseconds(ttlSeconds), true);
  }

  async revokeFamily(family: string, ttlSeconds: number): Promise<void> {
    await this.keepLater(this.key('f', family), '1', milliseconds(ttlSeconds), false);
  }

  /** Closes the client the store made from a URL; a client it was given stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let owned: Redis | undefined;
    try {
      ({ owned } = await this.connection);
    } catch {
      return; // no client was made
    }
    if (owned === undefined) return;
    try {
      // QUIT lets the replies in flight arrive; a server that is down or hung cannot delay shutdown.
      if (owned.status === 'ready') await withTimeout(owned.quit(), this.timeoutMs, 'QUIT');
    } catch {
      // disconnect() below ends it anyway
    } finally {
      owned.disconnect();
    }
  }

  private key(kind: 't' | 's' | 'f', id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  private async keepLater(key: string, value: string, ttlMs: number, numeric: boolean): Promise<void> {
    const args = [1, key, value, ttlMs, numeric ? '1' : '0'];
    await this.run('EVALSHA', async (client) => {
      try {
        return await client.call('EVALSHA', KEEP_LATER_SHA, ...args);
      } catch (error) {
        // The server has not seen the script yet (or restarted since): send it whole once.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.call('EVAL', KEEP_LATER_SCRIPT, ...args);
      }
    });
  }

  /**
   * Sends one command over the store's connection, within its timeout: the revocation cache
   * publishes and the login throttle counts through it, so one Redis connection serves all three.
   */
  call(command: string, ...args: (string | number)[]): Promise<unknown> {
    return this.run(command, (client) => client.call(command, ...args));
  }

  /** Runs `send` within the store's timeout; rejects at once after close(). */
  private run(command: string, send: (client: RedisCommandClient) => Promise<unknown>): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('nest-rest-jwt: the RedisRevocationStore is closed'));
    const connected = this.connected;
    // The client made from a URL times its commands out itself (commandTimeout): no second timer.
    if (connected?.owned !== undefined) return send(connected.client);
    const sent = connected !== undefined ? send(connected.client) : this.connection.then(({ client }) => send(client));
    return withTimeout(sent, this.timeoutMs, command);
  }
}

/** Whole milliseconds, at least 1 (PX refuses 0): an entry lives as long as its token could be used. */
function milliseconds(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds)) throw new TypeError('nest-rest-jwt: a revocation needs a finite ttlSeconds');
  return Math.max(1, Math.ceil(ttlSeconds * 1000));
}

/** Makes the ioredis client for a URL: fail fast while Redis is away, reconnect in the background. */
async function connectTo(
  url: string,
  timeoutMs: number,
  clientOptions: Readonly<Record<string, unknown>> = {},
): Promise<Connection> {
  let RedisClient: typeof Redis;
  try {
    ({ Redis: RedisClient } = await import('ioredis'));
  } catch (error) {
    throw new Error(
      `nest-rest-jwt: RedisRevocationStore({ url }) needs the ioredis package (npm install ioredis): ${String(error)}`,
      { cause: error },
    );
  }
  const options: RedisOptions = {
    // Commands sent while disconnected reject at once instead of waiting in a queue.
    enableOfflineQueue: false,
    // No command is sent twice: a retried SET NX could report a mark made by its own first try.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // Try again soon: revocation checks fail until the connection is back.
    retryStrategy: (times) => Math.min(times * 100, 1000),
    ...clientOptions,
  };
  const owned = new RedisClient(url, options);
  // Each call rejects with its own error (and the guard logs it); this keeps ioredis from
  // printing every failed reconnection attempt.
  owned.on('error', () => undefined);
  return { client: owned, owned };
}

/** Resolves once the client is ready; rejects when the first attempt to connect fails. */
function waitUntilReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      client.off('ready', onReady);
      client.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => done();
    const onError = (error: Error): void =>
      done(new Error(`nest-rest-jwt: cannot connect to Redis: ${error.message}`, { cause: error }));
    client.on('ready', onReady);
    client.on('error', onError);
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RevocationStoreTimeoutError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
