import { Cluster, Redis } from 'ioredis';
import { spawn, spawnSync } from 'node:child_process';
import { eventually, freePort, portIsFree, RedisServerProcess } from './redis-server.js';

/**
 * Redis Cluster for the tests: REDIS_CLUSTER_NODES (seed nodes of the shared cluster .ci/run
 * starts: three primaries with a replica each), and clusters a test starts itself when it kills
 * or reshards (never the shared one).
 */
export const REDIS_CLUSTER_NODES: readonly string[] | undefined = process.env.REDIS_CLUSTER_NODES
  ? process.env.REDIS_CLUSTER_NODES.split(',').map((node) => node.trim())
  : undefined;

/** The instruction a test gives when it needs the shared cluster and has none. */
export const NO_CLUSTER =
  'REDIS_CLUSTER_NODES is not set: these tests need a Redis Cluster of three primaries with a replica each. ' +
  '.ci/run starts one (redis-server --cluster-enabled yes and redis-cli --cluster create); by hand: ' +
  'REDIS_CLUSTER_NODES=127.0.0.1:7100,127.0.0.1:7101,... npm test';

/** An ioredis client of the shared cluster, for looking at keys. */
export function sharedClusterClient(): Cluster {
  if (REDIS_CLUSTER_NODES === undefined) throw new Error(NO_CLUSTER);
  return new Cluster(REDIS_CLUSTER_NODES.map(hostPort));
}

export function hostPort(node: string): { host: string; port: number } {
  const [host, port] = node.replace(/^rediss?:\/\//, '').split(':');
  return { host, port: Number(port) };
}

function redisCli(args: readonly string[], timeoutMs = 120_000): string {
  const result = spawnSync('redis-cli', args, { encoding: 'utf8', timeout: timeoutMs });
  if (result.error || result.status !== 0) {
    throw new Error(
      `redis-cli ${args.join(' ')} failed: ${result.error?.message ?? ''}${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

function redisCliAsync(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`redis-cli ${args.join(' ')} failed (${code}): ${output}`)),
    );
  });
}

/** One node as CLUSTER NODES describes it. */
export interface ClusterNode {
  id: string;
  port: number;
  primary: boolean;
  /** The primary's id, for a replica. */
  primaryId?: string;
  failed: boolean;
  slots: [number, number][];
}

/** A free port whose cluster bus port (port + 10000) is free too: a cluster node binds both. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await portIsFree(port + 10_000))) return port;
  }
}

/**
 * Six redis-server processes on free loopback ports made into a cluster of three primaries with
 * a replica each, for one test file: it can kill a node, fail over, reshard.
 */
export class RedisClusterProcesses {
  readonly servers: RedisServerProcess[] = [];

  /** `nodeTimeoutMs`: how long a silent node takes to be marked failed (and its replica promoted). */
  static async start(nodeTimeoutMs = 1000): Promise<RedisClusterProcesses> {
    const cluster = new RedisClusterProcesses();
    try {
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'];
      args.push('--cluster-node-timeout', String(nodeTimeoutMs));
      for (let i = 0; i < 6; i++) {
        // A port found free may be taken before the node binds it (other test files start
        // servers too): another pair of ports then, a few times.
        for (let attempt = 1; ; attempt++) {
          const server = new RedisServerProcess(await freeClusterPort(), { args });
          try {
            await server.start();
            cluster.servers.push(server);
            break;
          } catch (error) {
            await server.remove();
            if (attempt === 3) throw error;
          }
        }
      }
      redisCli(['--cluster', 'create', ...cluster.nodes, '--cluster-replicas', '1', '--cluster-yes']);
      await cluster.waitUntilHealthy();
    } catch (error) {
      await cluster.remove();
      throw error;
    }
    return cluster;
  }

  get nodes(): string[] {
    return this.servers.map((server) => `127.0.0.1:${server.port}`);
  }

  server(port: number): RedisServerProcess {
    const server = this.servers.find((candidate) => candidate.port === port);
    if (!server) throw new Error(`no node on port ${port}`);
    return server;
  }

  /** The port of a node that is running (not `except`). */
  async livePort(except?: number): Promise<number> {
    for (const server of this.servers) {
      if (server.port !== except && (await server.running())) return server.port;
    }
    throw new Error('no node of the test cluster is running');
  }

  /** What `port` thinks of the cluster (CLUSTER NODES). */
  async topology(port: number): Promise<ClusterNode[]> {
    const text = String(await ask(port, ['CLUSTER', 'NODES']));
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const [id, address, flags, primaryId, , , , , ...slots] = line.split(' ');
        return {
          id,
          port: Number(address.split(':')[1].split('@')[0]),
          primary: flags.includes('master'),
          primaryId: primaryId === '-' ? undefined : primaryId,
          failed: flags.split(',').includes('fail'),
          slots: slots
            .filter((range) => !range.startsWith('['))
            .map((range): [number, number] => {
              const [from, to = from] = range.split('-');
              return [Number(from), Number(to)];
            }),
        };
      });
  }

  /** The primary that owns `slot`, and its replica(s), as the live node `askPort` sees them. */
  async owners(slot: number, askPort: number): Promise<{ primary: ClusterNode; replicas: ClusterNode[] }> {
    const nodes = await this.topology(askPort);
    const primary = nodes.find((node) => node.primary && node.slots.some(([from, to]) => from <= slot && slot <= to));
    if (!primary) throw new Error(`no primary owns slot ${slot}`);
    return { primary, replicas: nodes.filter((node) => node.primaryId === primary.id && !node.failed) };
  }

  /** Every live node says cluster_state:ok, and every live replica's link to its primary is up. */
  async waitUntilHealthy(timeoutMs = 60_000): Promise<void> {
    const healthy = async (): Promise<boolean> => {
      for (const server of this.servers) {
        if (!(await server.running())) continue;
        const info = String(await ask(server.port, ['CLUSTER', 'INFO']).catch(() => ''));
        if (!info.includes('cluster_state:ok')) return false;
        const replication = String(await ask(server.port, ['INFO', 'replication']).catch(() => ''));
        if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
        // Every primary knows its replica (the store asks it before a WAIT).
        if (replication.includes('role:master') && replication.includes('connected_slaves:0')) return false;
      }
      return true;
    };
    if (!(await eventually(healthy, timeoutMs, 200))) throw new Error('the test cluster did not become healthy');
  }

  /**
   * Moves the first `slots` slots of one primary to another, key by key (redis-cli --cluster
   * reshard, one key per MIGRATE): resolves when redis-cli is done; the event loop runs meanwhile.
   */
  reshard(fromId: string, toId: string, slots: number): Promise<string> {
    return redisCliAsync([
      '--cluster',
      'reshard',
      this.nodes[0],
      '--cluster-from',
      fromId,
      '--cluster-to',
      toId,
      '--cluster-slots',
      String(slots),
      '--cluster-yes',
      '--cluster-pipeline',
      '1',
    ]);
  }

  async remove(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.remove()));
  }
}

/** One command to one node, on a connection of its own. */
export async function ask(port: number, command: string[]): Promise<unknown> {
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command[0], ...command.slice(1));
  } finally {
    client.disconnect();
  }
}
