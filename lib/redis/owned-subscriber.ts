import type { ClusterOptions } from 'ioredis';
import { isMissingPackage } from '../common/optional-peer.js';
import { ioredisSubscriber, type InvalidationSubscriber } from './invalidation-subscriber.js';
import { nodeRedisListener, type NodeRedisPubSubClient } from './node-redis-subscriber.js';
import { type OwnedTarget, type RedisClientLibrary, seedUrl } from './redis-clients.js';

/** Tried in this order when none is asked for (as the store's own client). */
const LIBRARIES: readonly RedisClientLibrary[] = ['ioredis', 'redis'];
const reconnect = (times: number): number => Math.min(times * 100, 1000);
// node-redis counts retries from 0: the first one waits too, as ioredis does.
const nodeRedisReconnect = (retries: number): number => reconnect(retries + 1);

/**
 * A subscriber with its own client for `url`, made when it starts (the package is loaded then)
 * and closed by close(). It reconnects forever, at most a second apart. `library` as the store's
 * `clientLibrary` (default: ioredis when installed, else redis).
 */
export function urlSubscriber(
  url: string,
  clientOptions: Readonly<Record<string, unknown>> = {},
  library?: RedisClientLibrary,
): InvalidationSubscriber {
  return ownedSubscriber({ url }, clientOptions, library);
}

/** The same for a Redis Cluster, from its seed nodes (`host:port`). */
export function clusterNodesSubscriber(
  clusterNodes: readonly string[],
  clientOptions: Readonly<Record<string, unknown>> = {},
  library?: RedisClientLibrary,
): InvalidationSubscriber {
  return ownedSubscriber({ clusterNodes }, clientOptions, library);
}

function ownedSubscriber(
  target: OwnedTarget,
  clientOptions: Readonly<Record<string, unknown>>,
  library: RedisClientLibrary | undefined,
): InvalidationSubscriber {
  let made: InvalidationSubscriber | undefined;
  let closed = false;
  return {
    async subscribe(channels, events) {
      const subscriber = await makeSubscriber(target, clientOptions, library);
      if (closed) return;
      made = subscriber;
      await subscriber.subscribe(channels, events);
    },
    async close() {
      closed = true;
      await made?.close();
    },
    ping: () => made?.ping?.(),
  };
}

async function makeSubscriber(
  target: OwnedTarget,
  clientOptions: Readonly<Record<string, unknown>>,
  library: RedisClientLibrary | undefined,
): Promise<InvalidationSubscriber> {
  const choices = library ? [library] : LIBRARIES;
  const errors: unknown[] = [];
  for (const choice of choices) {
    try {
      return choice === 'ioredis'
        ? ioredisOwned(await import('ioredis'), target, clientOptions)
        : nodeRedisOwned(await import('redis'), target, clientOptions);
    } catch (error) {
      if (!isMissingPackage(error, choice)) throw error;
      errors.push(error);
    }
  }
  throw new Error(
    `nest-rest-jwt: the revocation cache needs the ${choices.join(' or the ')} package ` +
      `(npm install ${choices[0]}): ${errors.map(String).join('; ')}`,
    { cause: errors[0] },
  );
}

function ioredisOwned(
  { Redis, Cluster }: Pick<typeof import('ioredis'), 'Redis' | 'Cluster'>,
  target: OwnedTarget,
  clientOptions: Readonly<Record<string, unknown>>,
): InvalidationSubscriber {
  const options = { retryStrategy: reconnect, maxRetriesPerRequest: 0 };
  let client;
  if ('url' in target) {
    client = new Redis(target.url, { ...options, ...clientOptions });
  } else {
    const { redisOptions, ...clusterOptions } = clientOptions as ClusterOptions;
    const nodes = target.clusterNodes.map((node) => {
      const url = seedUrl(node);
      return { host: url.hostname, port: Number(url.port) };
    });
    client = new Cluster(nodes, {
      clusterRetryStrategy: reconnect,
      redisOptions: { ...options, ...redisOptions },
      ...clusterOptions,
    });
  }
  // Losing the connection is reported to the channel (down), which stops trusting the cache.
  client.on('error', () => undefined);
  return ioredisSubscriber(client, true);
}

function nodeRedisOwned(
  { createClient, createCluster }: typeof import('redis'),
  target: OwnedTarget,
  clientOptions: Readonly<Record<string, unknown>>,
): InvalidationSubscriber {
  const socket = { reconnectStrategy: nodeRedisReconnect };
  return nodeRedisListener(() => {
    const client =
      'url' in target
        ? createClient({ socket, ...clientOptions, url: target.url })
        : createCluster({
            rootNodes: target.clusterNodes.map((node) => ({ url: seedUrl(node).href })),
            // node-redis's own reconnection for the nodes: with a strategy of ours, its pub/sub
            // client did not come back after its connection was killed.
            ...(clientOptions.defaults === undefined ? {} : { defaults: clientOptions.defaults as object }),
            ...clientOptions,
          });
    return client as unknown as NodeRedisPubSubClient;
  });
}
