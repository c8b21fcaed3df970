/** What the invalidation channel hears from its subscriber connection. */
export interface SubscriberEvents {
  message(channel: string, message: string): void;
  /** The connection is lost: messages published from now on may never arrive. */
  down(): void;
  /** Subscribed (again): messages published from now on arrive, in order. */
  up(): void;
}

/**
 * A connection that only listens to channels. `ioredisSubscriber` makes one of an ioredis client;
 * another client can be adapted by implementing these two methods.
 */
export interface InvalidationSubscriber {
  /** Listens to `channels`; resolves once subscribed the first time. */
  subscribe(channels: readonly string[], events: SubscriberEvents): Promise<void>;
  /** Stops listening, and closes the connection when it was made for this subscriber. */
  close(): Promise<void>;
  /**
   * A round trip on the listening connection (PING), where its answer proves that every message
   * Redis wrote to that connection before it has arrived: on one Redis server, which writes
   * messages and answers to a connection in the order it runs the commands. Undefined (or no
   * method) where it proves nothing, a cluster (messages reach the node listened to over links
   * of their own): the channel's heartbeats are then messages it publishes and hears back.
   */
  ping?(): Promise<unknown> | undefined;
}

/**
 * What the subscriber uses of an ioredis client (`Redis` or `Cluster`): written out here, so
 * that the package's declarations never name ioredis, an optional peer an app may not install.
 */
export interface IoredisPubSubClient {
  readonly status: string;
  /** ioredis: true for a `Cluster`, false for a `Redis`. */
  readonly isCluster?: boolean;
  ping?(): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'close' | 'end' | 'ready', listener: () => void): unknown;
  off(event: 'message', listener: (channel: string, message: string) => void): unknown;
  off(event: 'close' | 'end' | 'ready', listener: () => void): unknown;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  disconnect(): void;
}

/**
 * An ioredis client (`Redis`, or `Cluster`: it listens on one node, to which a cluster forwards
 * every PUBLISH) as a subscriber. The client must be its own connection (a subscribed connection
 * runs no other command): `redis.duplicate()` makes one. With `owned`, close() disconnects it.
 */
export function ioredisSubscriber(client: IoredisPubSubClient, owned = false): InvalidationSubscriber {
  let listening: { channels: readonly string[]; events: SubscriberEvents } | undefined;
  let closed = false;
  const onMessage = (channel: string, message: string): void => listening?.events.message(channel, message);
  const onDown = (): void => listening?.events.down();
  // ioredis resubscribes on its own after a reconnection, but says nothing when it has: subscribing
  // again ourselves is harmless and tells us the moment messages flow again.
  const onReady = (): void => {
    const now = listening;
    if (now === undefined || closed) return;
    client.subscribe(...now.channels).then(
      () => now.events.up(),
      () => now.events.down(),
    );
  };
  // One server (ioredis's `Redis`, not a `Cluster`): heartbeats are PINGs on this connection.
  const ping = client.isCluster === false && typeof client.ping === 'function' ? () => client.ping?.() : undefined;
  return {
    ...(ping === undefined ? {} : { ping }),
    async subscribe(channels, events) {
      listening = { channels, events };
      client.on('message', onMessage);
      client.on('close', onDown);
      client.on('end', onDown);
      client.on('ready', onReady);
      if (client.status === 'ready') {
        await client.subscribe(...channels);
        events.up();
      }
    },
    async close() {
      closed = true;
      client.off('message', onMessage);
      client.off('close', onDown);
      client.off('end', onDown);
      client.off('ready', onReady);
      if (owned) {
        client.disconnect();
      } else if (listening !== undefined && client.status === 'ready') {
        await client.unsubscribe(...listening.channels).catch(() => undefined);
      }
      listening = undefined;
    },
  };
}
