// The default in-memory revocation store holding many revoked tokens:
// `node --expose-gc dist-bench/bench/revocation-memory.js <entries>`, forked by the runner so that
// nothing else lives in its heap. Reports over IPC (or prints) the heap used per entry, and the
// time of one markToken and of one lookup.
import { randomUUID } from 'node:crypto';
import { MemoryRevocationStore } from '../lib/index.js';
import type { RevocationMemoryResult } from './cases.js';

const entries = Number(process.argv[2] ?? 1_000_000);
// A revoked token's entry lives as long as the token could still be used: the rest of its
// lifetime. With the benchmark's 1 h tokens, revoked at any point of their life, that is spread
// over 1 minute to 1 hour (at least a minute, so that none expires while this runs).
const TTL = { min: 60, max: 3600 };
const ttl = () => TTL.min + Math.floor(Math.random() * (TTL.max - TTL.min + 1));

// A jti as the store receives it: a claim of the token's payload, out of JSON.parse. (randomUUID()
// itself returns a string V8 keeps as a tree of its pieces, several times larger.)
const jti = () => (JSON.parse(`{"jti":"${randomUUID()}"}`) as { jti: string }).jti;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function heapUsed(): number {
  // Twice: the first collection can leave finalised objects for the second.
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

function fill(store: MemoryRevocationStore, jtis?: readonly string[]): void {
  for (let i = 0; i < entries; i++) void store.markToken(jtis ? jtis[i] : jti(), 'revoked', ttl());
  if (store.size !== entries) throw new Error(`the store holds ${store.size} entries, not ${entries}`);
}

function microsPerCall(count: number, run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1000 / count;
}

/** Heap used before and after filling a store; the store lives until both are taken. */
function heapAroundFill(): { before: number; after: number } {
  // Each jti is made inside the measured window, since the store keeps the string.
  const before = heapUsed();
  const store = new MemoryRevocationStore();
  fill(store);
  const after = heapUsed();
  if (store.size !== entries) throw new Error('the store lost entries');
  return { before, after };
}

function main(): RevocationMemoryResult {
  const { before, after } = heapAroundFill();

  // Time: the jtis are made beforehand, so that only markToken and lookup are timed.
  const jtis = Array.from({ length: entries }, jti);
  const misses = Array.from({ length: Math.min(entries, 200_000) }, jti);
  heapUsed();
  const timed = new MemoryRevocationStore();
  const markTokenMicros = microsPerCall(entries, () => fill(timed, jtis));
  const lookups = misses.length;
  // A miss is what real traffic asks (a token that was not revoked); a hit, a revoked token.
  // The median of 5 passes.
  const median5 = (run: () => void) => {
    const samples = Array.from({ length: 5 }, () => microsPerCall(lookups, run)).sort((a, b) => a - b);
    return samples[2];
  };
  const lookupMissMicros = median5(() => {
    for (let i = 0; i < lookups; i++) void timed.lookup({ jti: misses[i], subject: 'admin' });
  });
  const lookupHitMicros = median5(() => {
    for (let i = 0; i < lookups; i++) void timed.lookup({ jti: jtis[(i * 7919) % entries], subject: 'admin' });
  });
  return {
    entries,
    ttlSeconds: TTL,
    heapBeforeMiB: before / 2 ** 20,
    heapAfterMiB: after / 2 ** 20,
    bytesPerEntry: (after - before) / entries,
    markTokenMicros,
    lookupMissMicros,
    lookupHitMicros,
  };
}

const result = main();
if (process.send) process.send(result);
else console.log(JSON.stringify(result, null, 2));
