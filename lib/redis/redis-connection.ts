import { clusterSlot } from './redis-key-layout.js';

/**
 * The one method the store needs of a plain client: send a command, resolve with its reply. An
 * ioredis client (`Redis`, `Cluster`) has it as is; so does anything adapted to it. It must send
 * every command on one connection (WAIT counts the writes of the connection it is sent on).
 */
export interface RedisCommandClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** A node-redis 4/5 client (`createClient()`), as the store uses it. */
export interface NodeRedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** A node-redis 4/5 cluster (`createCluster()`), as the store uses it. */
export interface NodeRedisClusterCommandClient {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  getSlotMaster(slot: number): unknown;
  readonly slots: readonly ({ replicas?: readonly unknown[] } | undefined)[];
}

/** Any client the store accepts: ioredis `Redis` or `Cluster`, node-redis client or cluster. */
export type RedisStoreClient = RedisCommandClient | NodeRedisCommandClient | NodeRedisClusterCommandClient;

/** The parts of ioredis the store uses beyond `call` (types only: ioredis is an optional peer). */
interface IoredisLike extends RedisCommandClient {
  isCluster?: boolean;
  pipeline(commands: (string | number)[][]): { exec(): Promise<[Error | null, unknown][] | null> };
  /** Cluster only: slot -> node keys, the primary first and then its replicas. */
  slots?: (string[] | undefined)[];
}

/**
 * The store's command path, whatever the client: each command is about one key (the node that
 * owns it runs it, in a cluster), and WAIT goes to that same node on the connection that wrote.
 */
export interface RedisConnection {
  readonly kind: 'ioredis' | 'ioredis cluster' | 'node-redis' | 'node-redis cluster' | 'client';
  readonly cluster: boolean;
  send(key: string, command: string, args: readonly (string | number)[]): Promise<unknown>;
  /** WAIT numreplicas timeout, on the connection that wrote `key`: the replicas that confirmed. */
  wait(key: string, replicas: number, timeoutMs: number): Promise<number>;
  /**
   * The replicas of the node that owns `key`, from the cluster client's own topology; undefined
   * when the client does not know them (the store asks that node: INFO replication).
   */
  clusterReplicas(key: string): number | undefined;
  /** Which node owns `key` (its address; one server: `''`), to remember what it said. */
  node(key: string): string;
  /** INFO replication of the node that owns `key`. */
  infoReplication(key: string): Promise<string>;
}

/** Chooses the adapter for a client by what it has. */
export function connectionFor(client: RedisStoreClient): RedisConnection {
  const candidate = client as Partial<IoredisLike & NodeRedisClusterCommandClient & NodeRedisCommandClient>;
  if (typeof candidate.call === 'function') {
    return typeof candidate.pipeline === 'function'
      ? new IoredisConnection(client as IoredisLike)
      : new CallConnection(client as RedisCommandClient);
  }
  if (typeof candidate.sendCommand === 'function') {
    return typeof candidate.getSlotMaster === 'function'
      ? new NodeRedisClusterConnection(client as NodeRedisClusterCommandClient)
      : new NodeRedisConnection(client as NodeRedisCommandClient);
  }
  throw new TypeError(
    'nest-rest-jwt: RedisRevocationStore client must be an ioredis client or cluster (call(command, ...args)) ' +
      'or a node-redis client or cluster (sendCommand)',
  );
}

function waitReply(reply: unknown): number {
  const count = Number(reply);
  if (!Number.isInteger(count)) throw new Error('nest-rest-jwt: Redis answered WAIT with something other than a count');
  return count;
}

const strings = (args: readonly (string | number)[]): string[] => args.map(String);

/** Any `{ call }` client: commands as they are (it must use one connection). */
class CallConnection implements RedisConnection {
  constructor(
    protected readonly client: RedisCommandClient,
    readonly kind: RedisConnection['kind'] = 'client',
    readonly cluster = false,
  ) {}

  send(_key: string, command: string, args: readonly (string | number)[]): Promise<unknown> {
    return this.client.call(command, ...args);
  }

  async wait(_key: string, replicas: number, timeoutMs: number): Promise<number> {
    return waitReply(await this.client.call('WAIT', replicas, timeoutMs));
  }

  clusterReplicas(_key: string): number | undefined {
    return undefined;
  }

  node(_key: string): string {
    return '';
  }

  async infoReplication(_key: string): Promise<string> {
    return String(await this.client.call('INFO', 'replication'));
  }
}

/** ioredis `Redis` (one connection) or `Cluster` (which routes each command by its key). */
class IoredisConnection extends CallConnection {
  constructor(private readonly ioredis: IoredisLike) {
    super(ioredis, ioredis.isCluster === true ? 'ioredis cluster' : 'ioredis', ioredis.isCluster === true);
  }

  override async send(key: string, command: string, args: readonly (string | number)[]): Promise<unknown> {
    if (!this.cluster || command.toUpperCase() !== 'PUBLISH') return super.send(key, command, args);
    // PUBLISH names no key: ioredis would send it to any node. The revocation cache needs its
    // messages sent to one node (the owner of `key`), so that they reach subscribers in order.
    return this.sendToOwner(key, ['publish', ...args]);
  }

  override async wait(key: string, replicas: number, timeoutMs: number): Promise<number> {
    if (!this.cluster) return super.wait(key, replicas, timeoutMs);
    return waitReply(await this.sendToOwner(key, ['wait', replicas, timeoutMs]));
  }

  /**
   * Asks the node that owns `key` itself (INFO replication): the client's own topology may not
   * list a replica the primary already has.
   */
  override async infoReplication(key: string): Promise<string> {
    if (!this.cluster) return super.infoReplication(key);
    return String(await this.sendToOwner(key, ['info', 'replication']));
  }

  /** A keyless command goes to any node; in a pipeline it goes where the pipeline's key lives. */
  private async sendToOwner(key: string, command: (string | number)[]): Promise<unknown> {
    const replies = await this.ioredis.pipeline([['pttl', key], command]).exec();
    const [error, reply] = replies?.[1] ?? [new Error(`nest-rest-jwt: no reply to ${command[0]}`), undefined];
    if (error) throw error;
    return reply;
  }

  override clusterReplicas(): undefined {
    return undefined;
  }

  override node(key: string): string {
    return this.cluster ? (this.ioredis.slots?.[clusterSlot(key)]?.[0] ?? '') : '';
  }
}

/** A node-redis client: one connection. */
class NodeRedisConnection implements RedisConnection {
  readonly kind = 'node-redis';
  readonly cluster = false;
  constructor(private readonly client: NodeRedisCommandClient) {}

  send(_key: string, command: string, args: readonly (string | number)[]): Promise<unknown> {
    return this.client.sendCommand([command, ...strings(args)]);
  }

  async wait(_key: string, replicas: number, timeoutMs: number): Promise<number> {
    return waitReply(await this.client.sendCommand(['WAIT', String(replicas), String(timeoutMs)]));
  }

  clusterReplicas(): undefined {
    return undefined;
  }

  node(): string {
    return '';
  }

  async infoReplication(): Promise<string> {
    return String(await this.client.sendCommand(['INFO', 'replication']));
  }
}

/** node-redis's errors for a node it cannot reach (as opposed to a reply of the server). */
const UNREACHABLE = /^(ClientOffline|ClientClosed|SocketClosedUnexpectedly|ConnectionTimeout|SocketTimeout)Error$/;

/** What node-redis keeps of the cluster's topology (internal, but the only way to refresh it). */
interface NodeRedisSlots {
  rediscover?(startWith: unknown): Promise<void>;
  masters?: readonly { client?: unknown }[];
}

/** How often, at most, a cluster whose node cannot be reached is asked for its topology again. */
const REDISCOVER_EVERY_MS = 500;

/**
 * A node-redis cluster: every command is sent to the primary of its first key's slot. node-redis
 * asks the cluster for its topology again on MOVED only; a primary that died (and was failed
 * over) answers nothing, so its commands would fail until the client restarts: on such an error
 * the adapter has it rediscover the topology.
 */
class NodeRedisClusterConnection implements RedisConnection {
  readonly kind = 'node-redis cluster';
  readonly cluster = true;
  private lastRediscovery = 0;
  constructor(private readonly client: NodeRedisClusterCommandClient) {}

  send(key: string, command: string, args: readonly (string | number)[]): Promise<unknown> {
    // Not read-only, even MGET: a replica may not have the latest revocation yet.
    return this.unreachableRediscovers(key, this.client.sendCommand(key, false, [command, ...strings(args)]));
  }

  async wait(key: string, replicas: number, timeoutMs: number): Promise<number> {
    const command = ['WAIT', String(replicas), String(timeoutMs)];
    return waitReply(await this.unreachableRediscovers(key, this.client.sendCommand(key, false, command)));
  }

  /** Asked of the node itself: the client's topology lists replicas only with `useReplicas`. */
  clusterReplicas(): undefined {
    return undefined;
  }

  node(key: string): string {
    const master = this.client.getSlotMaster(clusterSlot(key)) as { address?: unknown } | undefined;
    return typeof master?.address === 'string' ? master.address : '';
  }

  async infoReplication(key: string): Promise<string> {
    return String(await this.send(key, 'INFO', ['replication']));
  }

  private async unreachableRediscovers<T>(key: string, sent: Promise<T>): Promise<T> {
    try {
      return await sent;
    } catch (error) {
      if (error instanceof Error && UNREACHABLE.test(error.constructor.name)) this.rediscover(key);
      throw error;
    }
  }

  private rediscover(key: string): void {
    const now = Date.now();
    if (now - this.lastRediscovery < REDISCOVER_EVERY_MS) return;
    this.lastRediscovery = now;
    const slots = (this.client as unknown as { _slots?: NodeRedisSlots })._slots;
    const master = this.client.getSlotMaster(clusterSlot(key)) as { client?: unknown } | undefined;
    const startWith = master?.client ?? slots?.masters?.find((candidate) => candidate.client)?.client;
    if (startWith === undefined || typeof slots?.rediscover !== 'function') return;
    // Starting from the unreachable node fails over to the seed nodes (node-redis does that).
    slots.rediscover(startWith).catch(() => undefined);
  }
}
