import type { RedisConnection } from './redis-connection.js';

/**
 * A revocation was written on the primary but no replica confirmed it within `waitTimeoutMs`:
 * a failover now could lose it, so the revocation fails (the endpoint answers as for an outage).
 */
export class RevocationNotReplicatedError extends Error {
  constructor(
    readonly replicas: number,
    readonly confirmed: number,
    timeoutMs: number,
  ) {
    super(
      `nest-rest-jwt: the revocation was written, but ${confirmed} of the ${replicas} replica(s) it waits for ` +
        `confirmed it within ${timeoutMs} ms (WAIT): it could be lost in a failover`,
    );
    this.name = 'RevocationNotReplicatedError';
  }
}

/** How long a server's replica count (INFO replication) is trusted before it is asked again. */
const REPLICAS_REFRESH_MS = 5000;

/**
 * WAIT after each write: how many replicas must confirm it. `'auto'`: one when the node that
 * owns the key has replicas (cluster: the client's topology; one server: `connected_slaves`,
 * asked again every few seconds), none when it has none.
 */
export class ReplicaWait {
  /** Node -> what it said (one entry per node: bounded by the cluster's size). */
  private readonly known = new Map<string, { replicas: number; at: number }>();
  private readonly asking = new Map<string, Promise<number>>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly wanted: number | 'auto',
    readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** After a write of `key` resolved: waits for the replicas, or rejects when too few confirm. */
  async after(key: string): Promise<void> {
    const replicas = this.wanted === 'auto' ? Math.min(1, await this.replicasOf(key)) : this.wanted;
    if (replicas === 0) return;
    const confirmed = await this.connection.wait(key, replicas, this.timeoutMs);
    if (confirmed < replicas) {
      this.known.delete(this.connection.node(key)); // the topology may have changed: ask again next time
      throw new RevocationNotReplicatedError(replicas, confirmed, this.timeoutMs);
    }
  }

  private replicasOf(key: string): number | Promise<number> {
    const fromTopology = this.connection.clusterReplicas(key);
    if (fromTopology !== undefined) return fromTopology;
    const node = this.connection.node(key);
    const known = this.known.get(node);
    if (known !== undefined && this.now() - known.at < REPLICAS_REFRESH_MS) return known.replicas;
    let asking = this.asking.get(node);
    if (asking === undefined) {
      asking = this.askNode(key, node).finally(() => this.asking.delete(node));
      this.asking.set(node, asking);
    }
    return asking;
  }

  /** INFO replication of the node that owns `key`: its `connected_slaves`. */
  private async askNode(key: string, node: string): Promise<number> {
    const info = await this.connection.infoReplication(key);
    const match = /^connected_slaves:(\d+)/m.exec(info);
    const replicas = match ? Number(match[1]) : 0;
    this.known.set(node, { replicas, at: this.now() });
    return replicas;
  }
}
