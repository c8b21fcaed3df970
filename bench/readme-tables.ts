// Prints the tables of the README's Performance section from bench/results/latest.json (or the
// file given), formatted as prettier formats them, to paste over the old ones:
// `npx tsc -p bench/tsconfig.json && node dist-bench/bench/readme-tables.js [latest.json]`
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import type { RevocationCacheResult, RevocationMemoryResult } from './cases.js';

interface CaseResult {
  medianMicros: number;
  samples: number[];
  redisServerMedianMicros?: number;
}
interface Latest {
  http: Record<'express' | 'fastify', Record<string, CaseResult>>;
  inProcess: { verifyUncachedMicros: number; verifyCachedMicros: number; floorMicros: number; uncachedToFloor: number };
  memory?: Record<'express' | 'fastify', { requests: number; rssAfter10kMiB: number; rssAfterAllMiB: number }>;
  revocationMemory?: RevocationMemoryResult;
  revocationCache?: RevocationCacheResult;
  revocationCacheCluster?: RevocationCacheResult;
  ratios: Record<'express' | 'fastify', Record<string, number>>;
  redis?: { skipped?: string; server?: string };
  redisCluster?: { skipped?: string; server?: string };
}

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? join(here, '..', '..', 'bench', 'results', 'latest.json');
const latest = JSON.parse(readFileSync(file, 'utf8')) as Latest;
const adapters = ['express', 'fastify'] as const;

/** 3 significant digits or whole µs; ms from 100 ms. */
function micros(value: number | undefined): string {
  if (value === undefined) return 'skipped';
  if (value >= 100_000) return `${Math.round(value / 1000)} ms`;
  if (value >= 100) return `${Math.round(value)} µs`;
  return `${value.toFixed(1)} µs`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
/** As the runner's ratios: the median of the ratios within each round. */
const ratio = (adapter: 'express' | 'fastify', a: string, b: string) => {
  const x = latest.http[adapter][a];
  const y = latest.http[adapter][b];
  return x && y ? Math.round(median(x.samples.map((v, i) => v / y.samples[i])) * 100) / 100 : undefined;
};

const rows: [string, string][] = [
  ['open', 'open route'],
  ['noop-guard', 'do-nothing guard (the floor of any guard)'],
  ['noop-user-guard', 'do-nothing guard that sets `request.user` (the floor of an authenticating guard)'],
  ['ours-hs256', 'nest-rest-jwt, HS256'],
  ['ours-hs256-redis', 'nest-rest-jwt, HS256, Redis revocation store'],
  ['ours-hs256-redis-cached', 'nest-rest-jwt, HS256, Redis store + local cache'],
  ['ours-hs256-cluster', 'nest-rest-jwt, HS256, Redis Cluster store'],
  ['ours-hs256-cluster-cached', 'nest-rest-jwt, HS256, Redis Cluster store + local cache'],
  ['ours-rs256', 'nest-rest-jwt, RS256'],
  ['ours-es256', 'nest-rest-jwt, ES256'],
  ['recipe-string', 'official recipe, string secret'],
  ['recipe-keyobject', 'official recipe, KeyObject secret'],
  ['sample-open', 'the sample, its open route'],
  ['sample-guarded', 'the sample, its guarded route (its user lookup included)'],
  ['login-cheap', 'login, PBKDF2 1,000 iterations'],
  ['login-realistic', 'login, PBKDF2 1,200,000 iterations'],
];

const lines: string[] = ['| case | Express | Fastify |', '| --- | ---: | ---: |'];
for (const [name, label] of rows) {
  lines.push(`| ${label} | ${adapters.map((a) => micros(latest.http[a][name]?.medianMicros)).join(' | ')} |`);
  if (/^ours-hs256-(redis|cluster)/.test(name) && latest.http.express[name]) {
    const redis = adapters.map((a) => `(+ ${micros(latest.http[a][name].redisServerMedianMicros)})`);
    lines.push(`| ... and redis-server's own CPU for it | ${redis.join(' | ')} |`);
  }
}

const r = latest.ratios;
const cell = (a: 'express' | 'fastify', key: string) => (r[a][key] === undefined ? 'skipped' : String(r[a][key]));
/** A ratio's cells and whether each adapter meets its target (a ratio without one: `meets` omitted). */
function target(label: string, key: string, goal: string, meets?: (value: number) => boolean): string {
  const met =
    meets === undefined
      ? ['—']
      : adapters.map((a) => (r[a][key] === undefined ? 'skipped' : meets(r[a][key]) ? 'yes' : 'no'));
  return `| ${label} | ${cell('express', key)} | ${cell('fastify', key)} | ${goal} | ${met.join(', ')} |`;
}
const within5 = (value: number) => value <= 1.05;
const ratioLines = [
  '| ratio | Express | Fastify | target | met (Express, Fastify) |',
  '| --- | ---: | ---: | --- | --- |',
  `| nest-rest-jwt HS256 / do-nothing guard | ${cell('express', 'ours-hs256 / noop-guard')} | ${cell(
    'fastify',
    'ours-hs256 / noop-guard',
  )} | ≤ 1.05 (Express), ≤ 1.15 (Fastify) | ${(r.express['ours-hs256 / noop-guard'] <= 1.05 ? 'yes' : 'no') + ', ' + (r.fastify['ours-hs256 / noop-guard'] <= 1.15 ? 'yes' : 'no')} |`,
  target(
    'Redis store + local cache, token seen / in-memory store',
    'ours-hs256-redis-cached / ours-hs256',
    '≤ 1.05',
    within5,
  ),
  target(
    'Redis Cluster store + local cache, token seen / in-memory store',
    'ours-hs256-cluster-cached / ours-hs256',
    '≤ 1.05',
    within5,
  ),
  target('Redis store, no cache / in-memory store', 'ours-hs256-redis / ours-hs256', '(none)'),
  target('Redis Cluster store, no cache / in-memory store', 'ours-hs256-cluster / ours-hs256', '(none)'),
  target(
    'guard cost: official recipe (string secret) / ours',
    'guard cost: recipe-string / ours-hs256',
    '≥ 20',
    (v) => v >= 20,
  ),
  target(
    'guard cost: official recipe (KeyObject) / ours',
    'guard cost: recipe-keyobject / ours-hs256',
    '≥ 3',
    (v) => v >= 3,
  ),
  target('the sample: guarded route / open route', 'sample-guarded / sample-open', '≤ 1.3', (v) => v <= 1.3),
  target('nest-rest-jwt RS256 / do-nothing guard', 'ours-rs256 / noop-guard', '(none)'),
  target('nest-rest-jwt ES256 / do-nothing guard', 'ours-es256 / noop-guard', '(none)'),
  `| verification in process / raw HMAC + JSON floor | ${latest.inProcess.uncachedToFloor} (uncached), ${
    Math.round((latest.inProcess.verifyCachedMicros / latest.inProcess.floorMicros) * 100) / 100
  } (cached) | | ≤ 2 | |`,
];

const out: string[] = [lines.join('\n'), ratioLines.join('\n')];
const m = latest.revocationMemory;
if (m) {
  out.push(
    [
      '| revoked tokens held | heap used | per entry | `markToken` | `lookup`, not revoked | `lookup`, revoked |',
      '| ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${m.entries.toLocaleString('en-US')} | ${Math.round(m.heapAfterMiB - m.heapBeforeMiB)} MiB | ${Math.round(
        m.bytesPerEntry,
      )} bytes | ${m.markTokenMicros.toFixed(2)} µs | ${m.lookupMissMicros.toFixed(2)} µs | ${m.lookupHitMicros.toFixed(2)} µs |`,
    ].join('\n'),
  );
}

const caches: [string, RevocationCacheResult | undefined][] = [
  ['one server', latest.revocationCache],
  ['cluster', latest.revocationCacheCluster],
];
if (caches.some(([, c]) => c !== undefined)) {
  const cacheLines = [
    '| Redis | invalidation, p50 | p99 | max | samples | heap per cached entry |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [where, c] of caches) {
    if (c === undefined) continue;
    cacheLines.push(
      `| ${where} | ${c.invalidationP50Ms.toFixed(2)} ms | ${c.invalidationP99Ms.toFixed(2)} ms | ${c.invalidationMaxMs.toFixed(1)} ms | ${c.samples} | ${c.bytesPerEntry} bytes |`,
    );
  }
  out.push(cacheLines.join('\n'));
}

const facts: Record<string, unknown> = {
  redis: latest.redis,
  redisCluster: latest.redisCluster,
  'express: recipe-string / noop-guard (the best any guard could give)': ratio(
    'express',
    'recipe-string',
    'noop-guard',
  ),
  'express: recipe-string / open': ratio('express', 'recipe-string', 'open'),
  'fastify: recipe-string / noop-guard': ratio('fastify', 'recipe-string', 'noop-guard'),
  'ours-hs256-redis / ours-hs256': adapters.map((a) => r[a]['ours-hs256-redis / ours-hs256']),
  memory: latest.memory,
  revocationMemory: m,
};

for (const table of out) console.log(await format(table, { parser: 'markdown' }));
console.log(JSON.stringify(facts, null, 2));
