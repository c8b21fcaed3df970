// Types only: ioredis and redis (node-redis) are optional peers, loaded (dynamically) only when a
// store makes its own client from a URL or from cluster seed nodes.
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { RedisClientOptions } from 'redis';
import { isMissingPackage } from '../common/optional-peer.js';
import type { RedisStoreClient } from './redis-connection.js';

/** Which package makes the store's own client: `'ioredis'` or `'redis'` (node-redis). */
export type RedisClientLibrary = 'ioredis' | 'redis';

/** Tried in this order when none is asked for. */
const LIBRARIES: readonly RedisClientLibrary[] = ['ioredis', 'redis'];

/** Where the store's own client connects: one server, or a cluster from seed nodes. */
export type OwnedTarget = { url: string } | { clusterNodes: readonly string[] };

/** A client the store made: it waits until ready at start-up and closes it at shutdown. */
export interface OwnedClient {
  readonly client: RedisStoreClient;
  readonly library: RedisClientLibrary;
  /** Resolves once connected; rejects on the first failure to connect. */
  ready(): Promise<void>;
  /** Lets replies in flight arrive (within `timeoutMs`), then drops the connection(s). */
  close(timeoutMs: number): Promise<void>;
  /** Whether it times its own commands out (then the store needs no timer of its own). */
  readonly timesOut: boolean;
}

/** `host:port`, `redis://host:port` or `rediss://...`, as a URL. */
export function seedUrl(node: string): URL {
  const url = new URL(/^rediss?:\/\//i.test(node) ? node : `redis://${node}`);
  if (url.hostname === '' || url.port === '')
    throw new TypeError(`nest-rest-jwt: cluster node "${node}" has no host:port`);
  return url;
}

/** Tries ioredis, then redis, unless one is asked for. */
export async function makeOwnedClient(
  target: OwnedTarget,
  timeoutMs: number,
  library: RedisClientLibrary | undefined,
  clientOptions: Readonly<Record<string, unknown>> = {},
): Promise<OwnedClient> {
  const choices = library ? [library] : LIBRARIES;
  const errors: unknown[] = [];
  for (const choice of choices) {
    try {
      if (choice === 'ioredis') {
        const { Redis, Cluster } = await import('ioredis');
        return ioredisClient({ Redis, Cluster }, target, timeoutMs, clientOptions);
      }
      const nodeRedis = await import('redis');
      return nodeRedisClient(nodeRedis, target, timeoutMs, clientOptions);
    } catch (error) {
      if (!isMissingPackage(error, choice)) throw error;
      errors.push(error);
    }
  }
  throw new Error(
    `nest-rest-jwt: RedisRevocationStore needs the ${choices.map((c) => `${c} package`).join(' or the ')} ` +
      `(npm install ${choices[0]}): ${errors.map(String).join('; ')}`,
    { cause: errors[0] },
  );
}

function ioredisClient(
  { Redis: RedisClient, Cluster: ClusterClient }: { Redis: typeof Redis; Cluster: typeof Cluster },
  target: OwnedTarget,
  timeoutMs: number,
  clientOptions: Readonly<Record<string, unknown>>,
): OwnedClient {
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
  };
  let client: Redis | Cluster;
  if ('url' in target) {
    client = new RedisClient(target.url, { ...options, ...clientOptions });
  } else {
    const { redisOptions, ...clusterOptions } = clientOptions as ClusterOptions;
    client = new ClusterClient(
      target.clusterNodes.map((node) => {
        const url = seedUrl(node);
        return { host: url.hostname, port: Number(url.port) };
      }),
      {
        enableOfflineQueue: false,
        // The cluster's own redirections (MOVED, ASK, TRYAGAIN during a reshard) are followed.
        retryDelayOnTryAgain: 50,
        retryDelayOnClusterDown: 100,
        clusterRetryStrategy: (times) => Math.min(times * 100, 1000),
        redisOptions: { ...options, ...redisOptions },
        ...clusterOptions,
      },
    );
  }
  // Each call rejects with its own error (and the guard logs it); this keeps ioredis from
  // printing every failed reconnection attempt.
  client.on('error', () => undefined);
  return {
    client,
    library: 'ioredis',
    timesOut: 'url' in target,
    ready: () => ioredisReady(client),
    close: async (closeTimeoutMs) => {
      try {
        // QUIT lets the replies in flight arrive; a server that is down or hung cannot delay shutdown.
        if (client.status === 'ready') await withTimeout(client.quit(), closeTimeoutMs, 'QUIT');
      } catch {
        // disconnect() below ends it anyway
      } finally {
        client.disconnect();
      }
    },
  };
}

/** Resolves once the client is ready; rejects when the first attempt to connect fails. */
function ioredisReady(client: Redis | Cluster): Promise<void> {
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

function nodeRedisClient(
  { createClient, createCluster }: typeof import('redis'),
  target: OwnedTarget,
  timeoutMs: number,
  clientOptions: Readonly<Record<string, unknown>>,
): OwnedClient {
  const defaults: RedisClientOptions = {
    // Commands sent while disconnected reject at once instead of waiting in a queue.
    disableOfflineQueue: true,
    socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries: number) => Math.min(retries * 100, 1000) },
  };
  const client =
    'url' in target
      ? createClient({ ...defaults, ...clientOptions, url: target.url })
      : createCluster({
          rootNodes: target.clusterNodes.map((node) => ({ url: seedUrl(node).href })),
          defaults: { ...defaults, ...(clientOptions.defaults as object | undefined) },
          ...clientOptions,
        });
  let firstError: ((error: Error) => void) | undefined;
  // One server: a refused first connection is only an 'error' event (connect() keeps retrying).
  // A cluster tries its seed nodes in turn (a dead one among them is fine), and connect()
  // rejects when none answers.
  client.on('error', (error: Error) => {
    if ('url' in target) firstError?.(error);
  });
  let connecting: Promise<void> | undefined;
  return {
    client: client as unknown as RedisStoreClient,
    library: 'redis',
    timesOut: false,
    ready: () =>
      (connecting ??= new Promise<void>((resolve, reject) => {
        firstError = (error) => {
          firstError = undefined;
          reject(new Error(`nest-rest-jwt: cannot connect to Redis: ${error.message}`, { cause: error }));
        };
        client.connect().then(
          () => {
            firstError = undefined;
            resolve();
          },
          (error: unknown) => firstError?.(error instanceof Error ? error : new Error(String(error))),
        );
      })),
    close: async (closeTimeoutMs) => {
      try {
        // Still connecting (or never connected): nothing to let arrive, and retries must stop.
        if (!client.isReady) throw new Error('not connected');
        await withTimeout(client.close(), closeTimeoutMs, 'QUIT');
      } catch {
        try {
          client.destroy();
        } catch {
          // already closed
        }
      }
    },
  };
}

/** A call to Redis did not answer within `timeoutMs`. */
export class RevocationStoreTimeoutError extends Error {
  constructor(command: string, timeoutMs: number) {
    super(`nest-rest-jwt: Redis did not answer ${command} within ${timeoutMs} ms`);
    this.name = 'RevocationStoreTimeoutError';
  }
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RevocationStoreTimeoutError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
