import { Redis } from 'ioredis';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Redis for the tests: REDIS_URL (the shared server .ci/run starts), and redis-server processes
 * that a test starts, stops, pauses and restarts itself (Debian's `redis-server` on PATH).
 */
export const REDIS_URL = process.env.REDIS_URL || undefined;

/** Whether `redis-server` can be started here (why not, when not). */
export function redisServerAvailability(): { available: true } | { available: false; reason: string } {
  const result = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    return { available: false, reason: `no redis-server on PATH (${result.error?.message ?? result.stderr.trim()})` };
  }
  return { available: true };
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Whether nothing listens on the loopback port now (it can be bound). */
export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => resolve(true));
  });
  if (bound) await new Promise<void>((resolve) => server.close(() => resolve()));
  return bound;
}

/** Whether something on the port answers PING with PONG. */
export function pings(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

/** Waits until `condition` holds, checking every `everyMs`; false when `timeoutMs` passed first. */
export async function eventually(condition: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

/**
 * The calls of each command the server at `url` has run since it started (`INFO commandstats`,
 * lower-case names): which commands reached it, whatever the clients did meanwhile. Commands
 * replayed from the append-only file at start-up are not counted.
 */
export async function commandCalls(url: string): Promise<Record<string, number>> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const stats = await client.info('commandstats');
    return Object.fromEntries(
      [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map(([, command, calls]) => [command, Number(calls)]),
    );
  } finally {
    client.disconnect();
  }
}

/**
 * One redis-server process on a loopback port, with its own data folder (kept across
 * restarts, removed by `remove()`): `appendonly` makes it keep its data over a restart.
 */
export class RedisServerProcess {
  readonly dir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-redis-'));
  private process: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly port: number,
    private readonly options: { appendonly?: boolean; args?: readonly string[] } = {},
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.process) throw new Error('redis-server already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    args.push('--appendonly', this.options.appendonly ? 'yes' : 'no', '--daemonize', 'no', '--loglevel', 'warning');
    args.push(...(this.options.args ?? []));
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    this.output = '';
    child.stdout?.on('data', (data) => (this.output += data));
    child.stderr?.on('data', (data) => (this.output += data));
    child.once('exit', () => {
      if (this.process === child) this.process = undefined;
    });
    if (!(await eventually(() => pings(this.port), 10_000))) {
      await this.stop();
      throw new Error(`redis-server on port ${this.port} did not answer PING:\n${this.output}`);
    }
  }

  /** SIGTERM: redis-server writes its append-only file and exits. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT'); // a paused server cannot act on SIGTERM
    child.kill('SIGTERM');
    await exited;
  }

  /** Whether the process is up. */
  running(): Promise<boolean> {
    return Promise.resolve(this.process !== undefined);
  }

  /** SIGKILL: the process dies at once, as in a crash (nothing written, nothing said to peers). */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: connections stay open but nothing answers (a hung server). */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
