// How soon the Redis revocation store answers while Redis is away: a lookup through a store made
// from a URL where nothing listens, against a lookup through a store on the live server, in one
// run (the two alternating, the ratio taken within each round), and against the store's timeout.
// The tests no longer time this (on a shared machine a bound fails at random); they show why it
// is quick instead: ioredis refuses the command at once, and nothing is queued for later.
import { createServer } from 'node:net';
import { RedisRevocationStore } from '../lib/redis/index.js';
import { REDIS_PREFIX } from './cases.js';

/** The store's default timeoutMs: what a call waits at most for a server that does not answer. */
const DEFAULT_TIMEOUT_MS = 1000;

export interface RedisOutageResult {
  calls: number;
  rounds: number;
  /** Median µs per lookup while nothing listens (each rejected). */
  outageMicros: number;
  /** Median µs per lookup on the live server (each answered), when one was running. */
  liveMicros?: number;
  /** Median over the rounds of outage / live. */
  outageToLive?: number;
  /** outageMicros against the store's default timeout (1000 ms): the share of it the answer waited. */
  outageToTimeout: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round2 = (value: number) => Math.round(value * 100) / 100;

/** Microseconds per lookup over `calls` sequential lookups; `answered` says how each must end. */
async function microsPerLookup(store: RedisRevocationStore, calls: number, answered: boolean): Promise<number> {
  const query = { jti: 'bench-jti', subject: 'bench-subject', family: 'bench-family' };
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const ok = await store.lookup(query).then(
      () => true,
      () => false,
    );
    if (ok !== answered) throw new Error(`redis outage bench: a lookup ${answered ? 'failed' : 'was answered'}`);
  }
  return Number(process.hrtime.bigint() - start) / 1000 / calls;
}

export async function runRedisOutage(
  liveUrl: string | undefined,
  calls = Number(process.env.BENCH_OUTAGE_CALLS ?? 2000),
  rounds = Number(process.env.BENCH_OUTAGE_ROUNDS ?? 7),
): Promise<RedisOutageResult> {
  const away = new RedisRevocationStore({ url: `redis://127.0.0.1:${await freePort()}`, prefix: REDIS_PREFIX });
  const live = liveUrl ? await RedisRevocationStore.fromUrl(liveUrl, { prefix: REDIS_PREFIX }) : undefined;
  try {
    await microsPerLookup(away, Math.min(calls, 200), false); // warm-up
    if (live) await microsPerLookup(live, Math.min(calls, 200), true);
    const outage: number[] = [];
    const answered: number[] = [];
    for (let round = 0; round < rounds; round++) {
      outage.push(await microsPerLookup(away, calls, false));
      if (live) answered.push(await microsPerLookup(live, calls, true));
    }
    const outageMicros = round2(median(outage));
    const result: RedisOutageResult = {
      calls,
      rounds,
      outageMicros,
      outageToTimeout: Number((outageMicros / (DEFAULT_TIMEOUT_MS * 1000)).toPrecision(2)),
    };
    if (live) {
      result.liveMicros = round2(median(answered));
      result.outageToLive = round2(median(outage.map((value, i) => value / answered[i])));
    }
    return result;
  } finally {
    await Promise.all([away.close(), live?.close()]);
  }
}
