// The Redis Cluster of the cluster cases: REDIS_CLUSTER_NODES when set (seed nodes), or three
// primaries of the benchmark's own on free loopback ports (no replicas, no persistence, in a
// temporary directory), made into a cluster by redis-cli and stopped at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type BenchRedis, connect, findRedisServer, freePort, infoField, portIsFree, statsOf } from './redis.js';

export interface BenchRedisCluster extends Omit<BenchRedis, 'url'> {
  /** Seed nodes, `host:port`. */
  nodes: string[];
}

const PRIMARIES = 3;

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await portIsFree(port + 10_000))) return port;
  }
}

/** Every node of the cluster the seed nodes name (CLUSTER NODES of the first). */
async function allNodes(seeds: readonly string[]): Promise<string[]> {
  const [host, port] = seeds[0].replace(/^rediss?:\/\//, '').split(':');
  const client = await connect(`redis://${host}:${port}`);
  try {
    const text = String(await client.call('CLUSTER', 'NODES'));
    return text
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[1].split('@')[0]);
  } finally {
    client.disconnect();
  }
}

/** One client per node: Redis's CPU and MGET calls are the sum over the nodes. */
async function clusterStats(nodes: readonly string[], description: string, stopServers?: () => Promise<void>) {
  const clients: Redis[] = await Promise.all(nodes.map((node) => connect(`redis://${node}`)));
  const version = infoField(await clients[0].info('server'), 'redis_version') ?? 'unknown';
  return {
    nodes: [...nodes],
    description: description.replace('%v', version),
    version,
    async stats() {
      const each = await Promise.all(clients.map(statsOf));
      return {
        cpuMicros: each.reduce((sum, node) => sum + node.cpuMicros, 0),
        mgetCalls: each.reduce((sum, node) => sum + node.mgetCalls, 0),
      };
    },
    async stop() {
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
      await stopServers?.();
    },
  } satisfies BenchRedisCluster;
}

async function healthy(nodes: readonly string[]): Promise<boolean> {
  for (const node of nodes) {
    const client = await connect(`redis://${node}`);
    try {
      if (!String(await client.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
    } finally {
      client.disconnect();
    }
  }
  return true;
}

/** The cluster to use, or why the cluster cases are skipped. */
export async function startRedisCluster(): Promise<BenchRedisCluster | { skipped: string }> {
  const given = process.env.REDIS_CLUSTER_NODES;
  if (given) {
    const nodes = await allNodes(given.split(',').map((node) => node.trim()));
    return clusterStats(nodes, `Redis %v Cluster at REDIS_CLUSTER_NODES (${nodes.length} nodes, shared)`);
  }
  const binary = findRedisServer();
  if (!binary) return { skipped: 'redis-server is not installed and REDIS_CLUSTER_NODES is not set' };
  if (spawnSync('redis-cli', ['--version']).status !== 0) {
    return { skipped: 'redis-cli is not installed and REDIS_CLUSTER_NODES is not set' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-bench-cluster-'));
  const children: ChildProcess[] = [];
  const killOnExit = () => children.forEach((child) => child.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const stopServers = async () => {
    process.off('exit', killOnExit);
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        return exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const nodes: string[] = [];
    for (let i = 0; i < PRIMARIES; i++) {
      const port = await freeClusterPort();
      children.push(
        spawn(
          binary,
          ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir].concat([
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
          ]),
          { stdio: 'ignore' },
        ),
      );
      nodes.push(`127.0.0.1:${port}`);
    }
    await Promise.all(nodes.map((node) => connect(`redis://${node}`).then((client) => client.disconnect())));
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    const deadline = Date.now() + 30_000;
    while (!(await healthy(nodes))) {
      if (Date.now() > deadline) throw new Error('the benchmark cluster did not reach cluster_state:ok');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return await clusterStats(
      nodes,
      `own Redis %v Cluster of ${PRIMARIES} primaries on 127.0.0.1 (no persistence)`,
      stopServers,
    );
  } catch (error) {
    await stopServers();
    throw error;
  }
}
