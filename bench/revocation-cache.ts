// The local cache of "not revoked" answers (CachedRevocationStore), in a process of its own:
// `node --expose-gc dist-bench/bench/revocation-cache.js <redis-url> <entries> <samples>`, forked
// by the runner. Reports over IPC (or prints):
// - invalidation latency between two instances: two stores, each with its own connections (as two
//   processes would have), in this process. Each sample: B has a token cached; A revokes it; the
//   time from A's call until B first refuses it (B's lookup is tried on every turn of the event
//   loop: a cached answer costs no round trip, and once dropped one lookup asks Redis).
// - heap per cached entry, with the UUID jti, username and orig_jti of a real token.
import { randomUUID } from 'node:crypto';
import { CachedRevocationStore } from '../lib/redis/index.js';
import { RevocationCache } from '../lib/redis/revocation-cache.js';
import type { RevocationQuery } from '../lib/revocation/revocation-store.js';
import { REDIS_PREFIX, type RevocationCacheResult } from './cases.js';

// A URL, or `cluster:host:port,host:port,...` (seed nodes).
const target = process.argv[2];
const entries = Number(process.argv[3] ?? 100_000);
const samples = Number(process.argv[4] ?? 500);
if (!target) throw new Error('usage: revocation-cache.js <redis-url | cluster:nodes> [entries] [samples]');
const clusterNodes = target.startsWith('cluster:') ? target.slice('cluster:'.length).split(',') : undefined;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const claim = (value: string) => (JSON.parse(JSON.stringify({ value })) as { value: string }).value;

function heapUsed(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

function bytesPerEntry(): number {
  const queries: RevocationQuery[] = [];
  const before = heapUsed();
  const cache = new RevocationCache({ maxEntries: entries, maxAgeMs: 3_600_000, now: Date.now });
  for (let i = 0; i < entries; i++) {
    const query = { jti: claim(randomUUID()), subject: claim(`user${i % 1000}`), family: claim(randomUUID()) };
    cache.set(query, { familyRevoked: false });
    if (i === 0) queries.push(query);
  }
  const after = heapUsed();
  if (cache.size !== entries || cache.get(queries[0]) === undefined) throw new Error('the cache lost entries');
  return (after - before) / entries;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function latencies(): Promise<number[]> {
  const options = { prefix: REDIS_PREFIX, channel: `${REDIS_PREFIX}revocations` };
  const open = () =>
    clusterNodes
      ? CachedRevocationStore.fromClusterNodes(clusterNodes, options)
      : CachedRevocationStore.fromUrl(target, options);
  const a = await open();
  const b = await open();
  const millis: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const query = { jti: randomUUID(), subject: 'bench-user' };
      while (!b.stats.trusted) await turn();
      // One round trip, then B answers from its cache (tried again if the channel flapped meanwhile).
      while ((await b.lookup(query)) && b.lookup(query) instanceof Promise) await turn();
      const start = process.hrtime.bigint();
      const revoked = a.markToken(query.jti, 'revoked', 60, query.subject);
      for (;;) {
        const state = await b.lookup(query);
        if (state.token !== undefined) break;
        await turn();
      }
      millis.push(Number(process.hrtime.bigint() - start) / 1e6);
      await revoked;
    }
  } finally {
    await a.close();
    await b.close();
  }
  return millis;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round3 = (value: number) => Math.round(value * 1000) / 1000;

async function main(): Promise<void> {
  const measured = await latencies();
  const result: RevocationCacheResult = {
    samples: measured.length,
    invalidationP50Ms: round3(percentile(measured, 50)),
    invalidationP99Ms: round3(percentile(measured, 99)),
    invalidationMaxMs: round3(Math.max(...measured)),
    entries,
    bytesPerEntry: Math.round(bytesPerEntry()),
  };
  if (process.send) process.send(result);
  else console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
