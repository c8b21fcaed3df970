import type { InvalidationSubscriber } from './invalidation-subscriber.js';

/**
 * What the channel uses of a node-redis 5 client (`createClient()`) or cluster (`createCluster()`);
 * types only: redis is an optional peer.
 */
export interface NodeRedisPubSubClient {
  duplicate(): NodeRedisPubSubClient;
  connect(): Promise<unknown>;
  subscribe(channels: string[], listener: (message: string, channel: string) => void): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close(): Promise<unknown>;
  destroy(): unknown;
  readonly isOpen: boolean;
  ping?(): Promise<unknown>;
}

/**
 * A node-redis client or cluster as a subscriber. A subscribed node-redis connection runs no
 * other command, so this listens on a `duplicate()` of the client it is given (connected when
 * the cache starts, closed with it); the given client is left as it is.
 */
export function nodeRedisSubscriber(client: NodeRedisPubSubClient): InvalidationSubscriber {
  return nodeRedisListener(() => client.duplicate());
}

/** Listens on the connection `make` returns, which it connects, and closes at the end. */
export function nodeRedisListener(make: () => NodeRedisPubSubClient): InvalidationSubscriber {
  let connection: NodeRedisPubSubClient | undefined;
  /** A client of one server, subscribed: heartbeats are PINGs on its connection. */
  let pinging: NodeRedisPubSubClient | undefined;
  let closed = false;
  return {
    ping: () => pinging?.ping?.(),
    async subscribe(channels, events) {
      if (closed) return;
      const listening = make();
      connection = listening;
      let subscribed = false;
      // A cluster moves its subscription to another node on its own and says nothing: the
      // channel's heartbeats tell (a gap in them forgets everything). One client reports both.
      const cluster = typeof (listening as { getSlotMaster?: unknown }).getSlotMaster === 'function';
      listening.on('error', () => {
        if (!cluster && subscribed) events.down();
      });
      // node-redis resubscribes before it reports ready again: from then on, messages flow.
      listening.on('ready', () => {
        if (!cluster && subscribed && !closed) events.up();
      });
      await listening.connect();
      await listening.subscribe([...channels], (message, channel) => events.message(channel, message));
      subscribed = true;
      if (!cluster) pinging = listening;
      events.up();
    },
    async close() {
      closed = true;
      const listening = connection;
      connection = undefined;
      pinging = undefined;
      if (listening === undefined || !listening.isOpen) return;
      try {
        await listening.close();
      } catch {
        listening.destroy();
      }
    },
  };
}
