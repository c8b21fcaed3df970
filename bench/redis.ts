// The Redis server of the Redis case: REDIS_URL when set, or a redis-server of the benchmark's
// own on a free loopback port (no persistence, in a temporary directory), stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

export interface BenchRedis {
  url: string;
  description: string;
  version: string;
  /** Redis's CPU time (user + system, µs) and the MGET calls it has answered, from INFO. */
  stats(): Promise<{ cpuMicros: number; mgetCalls: number }>;
  stop(): Promise<void>;
}

/** BENCH_REDIS_SERVER, or redis-server in /usr/bin or on the PATH. */
export function findRedisServer(): string | undefined {
  const given = process.env.BENCH_REDIS_SERVER;
  const candidates = given
    ? [given]
    : ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)].map((dir) => join(dir, 'redis-server'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

export function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return freePort(port).then(
    () => true,
    () => false,
  );
}

/** A client that waits (at most 10 s) for the server to accept connections. */
export async function connect(url: string): Promise<Redis> {
  const client = new Redis(url, { retryStrategy: () => 100, maxRetriesPerRequest: 0, lazyConnect: true });
  client.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (client.status === 'wait' || client.status === 'end') await client.connect();
      await client.ping();
      return client;
    } catch (error) {
      if (Date.now() > deadline) {
        client.disconnect();
        throw new Error(`Redis at ${url} does not answer: ${String(error)}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export function infoField(info: string, field: string): string | undefined {
  return info.match(new RegExp(`^${field}:(.*)$`, 'm'))?.[1]?.trim();
}

/** Redis's CPU time (user + system, µs) and the MGET calls it has answered, from INFO. */
export async function statsOf(client: Redis): Promise<{ cpuMicros: number; mgetCalls: number }> {
  const cpu = await client.info('cpu');
  const commands = await client.info('commandstats');
  const seconds = Number(infoField(cpu, 'used_cpu_user')) + Number(infoField(cpu, 'used_cpu_sys'));
  const mgetCalls = Number(commands.match(/^cmdstat_mget:calls=(\d+)/m)?.[1] ?? 0);
  return { cpuMicros: seconds * 1e6, mgetCalls };
}

function benchRedis(
  url: string,
  client: Redis,
  description: string,
  version: string,
  stopServer?: () => Promise<void>,
) {
  return {
    url,
    description,
    version,
    stats: () => statsOf(client),
    async stop() {
      await client.quit().catch(() => client.disconnect());
      await stopServer?.();
    },
  } satisfies BenchRedis;
}

/** The Redis server to use, or why the Redis case is skipped. */
export async function startRedis(): Promise<BenchRedis | { skipped: string }> {
  const given = process.env.REDIS_URL;
  if (given) {
    const client = await connect(given);
    const version = infoField(await client.info('server'), 'redis_version') ?? 'unknown';
    return benchRedis(
      given,
      client,
      `Redis ${version} at REDIS_URL (shared: its CPU may include others' work)`,
      version,
      undefined,
    );
  }
  const binary = findRedisServer();
  if (!binary)
    return { skipped: 'redis-server is not installed (or not at BENCH_REDIS_SERVER) and REDIS_URL is not set' };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-bench-redis-'));
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Never leave it running, even when the benchmark fails.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stopServer = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `redis://127.0.0.1:${port}`;
  try {
    const client = await connect(url);
    const version = infoField(await client.info('server'), 'redis_version') ?? 'unknown';
    return benchRedis(
      url,
      client,
      `own redis-server ${version} on 127.0.0.1:${port} (no persistence)`,
      version,
      stopServer,
    );
  } catch (error) {
    await stopServer();
    throw error;
  }
}
