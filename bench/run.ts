// `npm run bench`: server CPU time per request for each case, measured alternately in one run.
// Writes bench/results/latest.json and bench/results/chart.svg, and prints a table.
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ADAPTERS,
  type AdapterName,
  type CaseName,
  CASE_LABELS,
  GUARD_CASES,
  LOGIN_CASES,
  CACHED_CASE,
  CACHED_CASES,
  CLUSTER_CACHED_CASE,
  CLUSTER_CASE,
  CLUSTER_CASES,
  REDIS_CASE,
  REDIS_CASES,
  UNCACHED_CASES,
  type RevocationCacheResult,
  type RevocationMemoryResult,
  type ServerMessage,
} from './cases.js';
import { type BenchRedis, startRedis } from './redis.js';
import { type BenchRedisCluster, startRedisCluster } from './redis-cluster.js';
import { runInProcess } from './in-process.js';
import { runPasswordChecks } from './password-checks.js';
import { type RedisOutageResult, runRedisOutage } from './redis-outage.js';
import { renderChart } from './chart.js';
import { pinRunner, pinServer, releaseCpus } from './cpu-pinning.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const REQUESTS = env('BENCH_REQUESTS', 3_000);
const ROUNDS = env('BENCH_ROUNDS', 32);
/** The server processes each case runs in, one after the other, sharing the rounds. */
const PROCESSES = env('BENCH_PROCESSES', 8);
const LOGIN_REQUESTS = env('BENCH_LOGIN_REQUESTS', 20);
const MEMORY_REQUESTS = env('BENCH_MEMORY_REQUESTS', 1_000_000);
const REVOKED_ENTRIES = env('BENCH_REVOKED_ENTRIES', 1_000_000);
const CACHE_ENTRIES = env('BENCH_CACHE_ENTRIES', 100_000);
const INVALIDATION_SAMPLES = env('BENCH_INVALIDATION_SAMPLES', 1000);
const CONNECTIONS = 10;
/** Set first thing: the servers on a CPU of their own (see cpu-pinning.ts). */
const pinning = pinRunner();

interface Server {
  name: CaseName;
  child: ChildProcess;
  ready: ServerMessage & { type: 'ready' };
}

/** Set when the Redis cases run: the Redis server their stores talk to. */
let redis: BenchRedis | undefined;
/** Set when the cluster cases run: the Redis Cluster their stores talk to. */
let cluster: BenchRedisCluster | undefined;

/** The Redis (server or cluster) a case talks to, if any. */
function redisOf(name: CaseName): Pick<BenchRedis, 'stats'> | undefined {
  if (CLUSTER_CASES.includes(name)) return cluster;
  return REDIS_CASES.includes(name) ? redis : undefined;
}

function start(adapter: AdapterName, name: CaseName): Promise<Server> {
  const child = fork(join(here, 'server.js'), [adapter, name], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      ...(redis ? { BENCH_REDIS_URL: redis.url } : {}),
      ...(cluster ? { BENCH_REDIS_CLUSTER_NODES: cluster.nodes.join(',') } : {}),
    },
  });
  pinServer(child.pid, pinning);
  return new Promise((resolve, reject) => {
    child.once('message', (message: ServerMessage) => {
      if (message.type === 'ready') resolve({ name, child, ready: message });
    });
    child.once('exit', (code) => reject(new Error(`${adapter}/${name} exited with ${code}`)));
  });
}

function usage(server: Server): Promise<{ cpuMicros: number; rss: number }> {
  return new Promise((resolve) => {
    server.child.once('message', (message: ServerMessage) => {
      if (message.type === 'usage') resolve(message);
    });
    server.child.send('usage');
  });
}

async function load(server: Server, amount: number, connections = CONNECTIONS): Promise<void> {
  const { port, headers, method, path, body } = server.ready;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method,
    headers,
    body,
    amount,
    connections,
  });
  const unexpected = result.non2xx + result.errors + result.timeouts;
  if (unexpected > 0) throw new Error(`${path}: ${unexpected} failed requests (${result.non2xx} non-2xx)`);
}

/** Server CPU microseconds per request over `amount` requests (and Redis's, for the Redis case). */
async function cpuPerRequest(
  server: Server,
  amount: number,
  connections?: number,
): Promise<{ server: number; redis?: number; lookups?: number }> {
  const itsRedis = redisOf(server.name);
  const redisBefore = await itsRedis?.stats();
  const before = await usage(server);
  await load(server, amount, connections);
  const after = await usage(server);
  const result: { server: number; redis?: number; lookups?: number } = {
    server: (after.cpuMicros - before.cpuMicros) / amount,
  };
  if (redisBefore) {
    const redisAfter = await itsRedis!.stats();
    result.redis = (redisAfter.cpuMicros - redisBefore.cpuMicros) / amount;
    // The revocation lookups Redis answered (one MGET each), per request.
    result.lookups = (redisAfter.mgetCalls - redisBefore.mgetCalls) / amount;
  }
  return result;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function stop(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map((server) => new Promise((resolve) => (server.child.once('exit', resolve), server.child.send('exit')))),
  );
}

/**
 * Measures `names` round after round. The rounds are shared among `processes` successive sets of
 * server processes (each started, warmed up, then measured for its share of the rounds): a
 * process keeps for its life whatever the JIT and the memory layout made of it, and two
 * processes of the same case differ by several percent on their own.
 */
async function measureCases(
  adapter: AdapterName,
  names: readonly CaseName[],
  amount: number,
  rounds: number,
  connections?: number,
  processes = 1,
) {
  const samples: number[][] = names.map(() => []);
  const redisSamples: Partial<Record<CaseName, number[]>> = {};
  const lookupsPerRequest: Partial<Record<CaseName, number[]>> = {};
  for (let set = 0; set < processes; set++) {
    const servers = await Promise.all(names.map((name) => start(adapter, name)));
    try {
      // Warm-up: one sample's worth, so that the JIT has settled before the first round.
      for (const server of servers) await load(server, Math.max(50, amount), connections);
      const end = Math.round(((set + 1) * rounds) / processes);
      for (let round = Math.round((set * rounds) / processes); round < end; round++) {
        // Alternate the cases inside each round, starting each round one case further on, so
        // that drifting load hits them all alike.
        for (let k = 0; k < servers.length; k++) {
          const i = (round + k) % servers.length;
          const sample = await cpuPerRequest(servers[i], amount, connections);
          samples[i].push(sample.server);
          if (sample.redis !== undefined) (redisSamples[servers[i].name] ??= []).push(sample.redis);
          if (sample.lookups !== undefined) (lookupsPerRequest[servers[i].name] ??= []).push(sample.lookups);
        }
      }
    } finally {
      await stop(servers);
    }
  }
  const cases: Record<string, CaseResult> = Object.fromEntries(
    names.map((name, i) => [name, { medianMicros: median(samples[i]), samples: samples[i] }]),
  );
  for (const name of REDIS_CASES) {
    const samplesOfRedis = redisSamples[name];
    if (samplesOfRedis === undefined) continue;
    // The Redis store: one MGET per request (a few more are other clients'). Behind the cache:
    // as good as none (the token is the same on every request; the first one was the warm-up's).
    const uncached = UNCACHED_CASES.includes(name);
    const lookups = uncached ? Math.min(...lookupsPerRequest[name]!) : Math.max(...lookupsPerRequest[name]!);
    if (uncached && lookups < 1) throw new Error(`${adapter}/${name}: only ${lookups} Redis lookups per request`);
    // Recorded, not fatal: the cache stops trusting itself whenever its channel lags by more than
    // maxLagMs (on a loaded machine, often), and then asks Redis, as it must.
    if (CACHED_CASES.includes(name) && lookups > 0.01) {
      console.warn(`${adapter}/${name}: ${lookups} Redis lookups per request (the invalidation channel lagged)`);
    }
    cases[name] = {
      ...cases[name],
      redisServerMedianMicros: median(samplesOfRedis),
      redisServerSamples: samplesOfRedis,
      redisLookupsPerRequest: lookups,
    };
  }
  return cases;
}

interface CaseResult {
  medianMicros: number;
  samples: number[];
  /** The Redis case: Redis's own CPU time per request (not counted in medianMicros). */
  redisServerMedianMicros?: number;
  redisServerSamples?: number[];
  redisLookupsPerRequest?: number;
}

/** The in-memory revocation store holding REVOKED_ENTRIES revoked tokens, in a process of its own. */
function measureRevocationMemory(): Promise<RevocationMemoryResult> {
  const child = fork(join(here, 'revocation-memory.js'), [String(REVOKED_ENTRIES)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: RevocationMemoryResult | undefined;
    child.once('message', (message: RevocationMemoryResult) => (result = message));
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`revocation-memory exited with ${code} and no result`)),
    );
  });
}

/** Invalidation latency between two cached stores, and heap per cached entry, in a process of its own. */
function measureRevocationCache(target: string): Promise<RevocationCacheResult> {
  const child = fork(join(here, 'revocation-cache.js'), [target, String(CACHE_ENTRIES), String(INVALIDATION_SAMPLES)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: RevocationCacheResult | undefined;
    child.once('message', (message: RevocationCacheResult) => (result = message));
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`revocation-cache exited with ${code} and no result`)),
    );
  });
}

async function measureMemory(adapter: AdapterName) {
  const [server] = await Promise.all([start(adapter, 'ours-hs256')]);
  try {
    const rss = async () => {
      server.child.send('gc');
      return (await usage(server)).rss;
    };
    await load(server, 10_000);
    const after10k = await rss();
    await load(server, MEMORY_REQUESTS - 10_000);
    const after1m = await rss();
    return { requests: MEMORY_REQUESTS, rssAfter10kMiB: after10k / 2 ** 20, rssAfterAllMiB: after1m / 2 ** 20 };
  } finally {
    await stop([server]);
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const results: Record<string, unknown> = {
    startedAt,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    method: {
      requestsPerSample: REQUESTS,
      rounds: ROUNDS,
      processesPerCase: PROCESSES,
      connections: CONNECTIONS,
      loginRequests: LOGIN_REQUESTS,
      // Which CPUs the servers and the rest ran on; false: not pinned.
      cpus: pinning ?? false,
    },
  };
  const started = await startRedis();
  let guardCases: readonly CaseName[] = GUARD_CASES;
  if ('skipped' in started) {
    console.log(`${REDIS_CASE}: SKIPPED (${started.skipped})`);
    results.redis = { skipped: started.skipped };
    guardCases = guardCases.filter((name) => !REDIS_CASES.includes(name) || CLUSTER_CASES.includes(name));
  } else {
    redis = started;
    console.log(`${REDIS_CASE}: ${redis.description}`);
    results.redis = { server: redis.description, version: redis.version };
  }
  const startedCluster = await startRedisCluster();
  if ('skipped' in startedCluster) {
    console.log(`${CLUSTER_CASE}: SKIPPED (${startedCluster.skipped})`);
    results.redisCluster = { skipped: startedCluster.skipped };
    guardCases = guardCases.filter((name) => !CLUSTER_CASES.includes(name));
  } else {
    cluster = startedCluster;
    console.log(`${CLUSTER_CASE}: ${cluster.description}`);
    results.redisCluster = { server: cluster.description, version: cluster.version };
  }
  const http: Record<string, Record<string, CaseResult>> = {};
  let outage: RedisOutageResult | undefined;
  try {
    for (const adapter of ADAPTERS) {
      console.log(
        `${adapter}: guarded routes (${ROUNDS} rounds of ${REQUESTS} requests per case, in ${PROCESSES} processes each)...`,
      );
      const guards = await measureCases(adapter, guardCases, REQUESTS, ROUNDS, undefined, PROCESSES);
      console.log(`${adapter}: logins...`);
      const logins = await measureCases(adapter, LOGIN_CASES, LOGIN_REQUESTS, 3, 2);
      http[adapter] = { ...guards, ...logins };
    }
    // No server is measured from here on: the instances and Redis below get every core again.
    releaseCpus(pinning);
    if (redis) {
      console.log('revocation cache: invalidation latency between two instances, memory per entry...');
      results.revocationCache = await measureRevocationCache(redis.url);
      console.log('revocation cache', JSON.stringify(results.revocationCache));
    }
    if (cluster) {
      console.log('revocation cache on the cluster: invalidation latency between two instances...');
      results.revocationCacheCluster = await measureRevocationCache(`cluster:${cluster.nodes.join(',')}`);
      console.log('revocation cache on the cluster', JSON.stringify(results.revocationCacheCluster));
    }
    console.log('redis store: lookups while nothing listens...');
    outage = await runRedisOutage(redis?.url);
    results.redisOutage = outage;
  } finally {
    await redis?.stop();
    await cluster?.stop();
  }
  results.http = http;
  console.log('in-process: verification and signing...');
  results.inProcess = await runInProcess();
  console.log('password checks: dummy against real...');
  const passwordChecks = await runPasswordChecks();
  results.passwordChecks = passwordChecks;
  if (MEMORY_REQUESTS > 0) {
    const memory: Record<string, unknown> = {};
    for (const adapter of ADAPTERS) {
      console.log(`${adapter}: memory over ${MEMORY_REQUESTS} guarded requests...`);
      memory[adapter] = await measureMemory(adapter);
    }
    results.memory = memory;
  }
  if (REVOKED_ENTRIES > 0) {
    console.log(`in-memory revocation store: ${REVOKED_ENTRIES} revoked tokens...`);
    results.revocationMemory = await measureRevocationMemory();
  }

  const ratios: Record<string, Record<string, number>> = {};
  for (const adapter of ADAPTERS) {
    // The median of the ratios within each round: a round's cases ran seconds apart, under
    // the same load, so their ratio is steadier than a ratio of medians.
    const ratio = (a: CaseName, b: CaseName) =>
      round2(median(http[adapter][a].samples.map((value, round) => value / http[adapter][b].samples[round])));
    // A guard's own cost: the median of its case minus the do-nothing guard's, in the same
    // round. Compared as a ratio of those medians: a guard that costs a few µs has rounds where
    // noise makes its cost zero or negative, and a per-round ratio then means nothing.
    const guardCost = (a: CaseName, b: CaseName) => {
      const floor = http[adapter]['noop-guard'].samples;
      const cost = (name: CaseName) => median(floor.map((value, round) => http[adapter][name].samples[round] - value));
      return round2(cost(a) / cost(b));
    };
    ratios[adapter] = {
      'ours-hs256 / noop-guard': ratio('ours-hs256', 'noop-guard'),
      // Against the floor of any authenticating guard (setting request.user costs Express dearly).
      'ours-hs256 / noop-user-guard': ratio('ours-hs256', 'noop-user-guard'),
      'noop-user-guard / noop-guard': ratio('noop-user-guard', 'noop-guard'),
      ...(http[adapter][REDIS_CASE]
        ? {
            'ours-hs256-redis / noop-guard': ratio(REDIS_CASE, 'noop-guard'),
            'ours-hs256-redis / ours-hs256': ratio(REDIS_CASE, 'ours-hs256'),
            'ours-hs256-redis-cached / noop-guard': ratio(CACHED_CASE, 'noop-guard'),
            'ours-hs256-redis-cached / ours-hs256': ratio(CACHED_CASE, 'ours-hs256'),
          }
        : {}),
      ...(http[adapter][CLUSTER_CASE]
        ? {
            'ours-hs256-cluster / ours-hs256': ratio(CLUSTER_CASE, 'ours-hs256'),
            'ours-hs256-cluster-cached / ours-hs256': ratio(CLUSTER_CACHED_CASE, 'ours-hs256'),
          }
        : {}),
      'ours-rs256 / noop-guard': ratio('ours-rs256', 'noop-guard'),
      'ours-es256 / noop-guard': ratio('ours-es256', 'noop-guard'),
      'recipe-string / ours-hs256': ratio('recipe-string', 'ours-hs256'),
      'recipe-keyobject / ours-hs256': ratio('recipe-keyobject', 'ours-hs256'),
      // The guard's own cost (minus the do-nothing guard's): targets >= 20x and >= 3x.
      'guard cost: recipe-string / ours-hs256': guardCost('recipe-string', 'ours-hs256'),
      'guard cost: recipe-keyobject / ours-hs256': guardCost('recipe-keyobject', 'ours-hs256'),
      // What a user of the sample pays for the guard (target <= 1.3x), its user lookup included.
      'sample-guarded / sample-open': ratio('sample-guarded', 'sample-open'),
    };
  }
  results.ratios = ratios;

  // BENCH_OUT: another directory, for trial runs that must not replace the committed results.
  const out = process.env.BENCH_OUT ?? join(repo, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(out, 'chart.svg'), renderChart(http, CASE_LABELS));

  console.log('\nserver CPU per request (median of rounds, microseconds)');
  console.log(`| case | ${ADAPTERS.join(' | ')} |\n|---|${ADAPTERS.map(() => '---:').join('|')}|`);
  for (const name of [...GUARD_CASES, ...LOGIN_CASES]) {
    const cell = (a: AdapterName) => (http[a][name] ? String(round1(http[a][name].medianMicros)) : 'skipped');
    console.log(`| ${CASE_LABELS[name]} | ${ADAPTERS.map(cell).join(' | ')} |`);
  }
  {
    for (const name of REDIS_CASES) {
      if (!http.express[name]) continue;
      const cell = (a: AdapterName) => String(round1(http[a][name].redisServerMedianMicros ?? NaN));
      console.log(`| (redis-server's own CPU, ${name}) | ${ADAPTERS.map(cell).join(' | ')} |`);
    }
  }
  console.log('\nratios', JSON.stringify(ratios));
  console.log('in-process', JSON.stringify(results.inProcess));
  console.log('\npassword checks (median of the ratios within each round)');
  console.log('| check | wall-clock ratio | CPU ratio | dummy | real |\n|---|---:|---:|---:|---:|');
  for (const check of passwordChecks.checks) {
    console.log(
      `| ${check.label} | ${check.wallRatio} | ${check.cpuRatio} | ${round1(check.dummyMs)} ms | ${round1(check.realMs)} ms |`,
    );
  }
  if (outage) {
    console.log(
      `\nredis store lookup while nothing listens: ${outage.outageMicros} µs` +
        (outage.liveMicros === undefined ? '' : ` (live: ${outage.liveMicros} µs, ratio ${outage.outageToLive})`) +
        `, ${outage.outageToTimeout} of the 1000 ms timeout`,
    );
  }
  if (results.memory) console.log('memory', JSON.stringify(results.memory));
  const revocation = results.revocationMemory as RevocationMemoryResult | undefined;
  if (revocation) {
    console.log(`\nin-memory revocation store, ${revocation.entries} revoked tokens (UUID jtis)`);
    console.log('| bytes per entry | markToken | lookup (miss) | lookup (hit) |\n|---:|---:|---:|---:|');
    console.log(
      `| ${Math.round(revocation.bytesPerEntry)} | ${round2(revocation.markTokenMicros)} µs | ` +
        `${round2(revocation.lookupMissMicros)} µs | ${round2(revocation.lookupHitMicros)} µs |`,
    );
  }
  console.log(`\nwritten: ${join(out, 'latest.json')}, ${join(out, 'chart.svg')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
