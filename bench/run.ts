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
  type ServerMessage,
} from './cases.js';
import { runInProcess } from './in-process.js';
import { renderChart } from './chart.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const REQUESTS = env('BENCH_REQUESTS', 10_000);
const ROUNDS = env('BENCH_ROUNDS', 9);
const LOGIN_REQUESTS = env('BENCH_LOGIN_REQUESTS', 20);
const MEMORY_REQUESTS = env('BENCH_MEMORY_REQUESTS', 1_000_000);
const CONNECTIONS = 10;

interface Server {
  child: ChildProcess;
  ready: ServerMessage & { type: 'ready' };
}

function start(adapter: AdapterName, name: CaseName): Promise<Server> {
  const child = fork(join(here, 'server.js'), [adapter, name], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: ServerMessage) => {
      if (message.type === 'ready') resolve({ child, ready: message });
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

/** Server CPU microseconds per request over `amount` requests. */
async function cpuPerRequest(server: Server, amount: number, connections?: number): Promise<number> {
  const before = await usage(server);
  await load(server, amount, connections);
  const after = await usage(server);
  return (after.cpuMicros - before.cpuMicros) / amount;
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

async function measureCases(
  adapter: AdapterName,
  names: readonly CaseName[],
  amount: number,
  rounds: number,
  connections?: number,
) {
  const servers = await Promise.all(names.map((name) => start(adapter, name)));
  const samples: number[][] = names.map(() => []);
  try {
    for (const server of servers) await load(server, Math.max(50, Math.floor(amount / 5)), connections); // warm-up
    for (let round = 0; round < rounds; round++) {
      // Alternate the cases inside each round, starting each round one case further on, so
      // that drifting load hits them all alike.
      for (let k = 0; k < servers.length; k++) {
        const i = (round + k) % servers.length;
        samples[i].push(await cpuPerRequest(servers[i], amount, connections));
      }
    }
  } finally {
    await stop(servers);
  }
  return Object.fromEntries(names.map((name, i) => [name, { medianMicros: median(samples[i]), samples: samples[i] }]));
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
    method: { requestsPerSample: REQUESTS, rounds: ROUNDS, connections: CONNECTIONS, loginRequests: LOGIN_REQUESTS },
  };
  const http: Record<string, Record<string, { medianMicros: number; samples: number[] }>> = {};
  for (const adapter of ADAPTERS) {
    console.log(`${adapter}: guarded routes (${ROUNDS} rounds of ${REQUESTS} requests per case)...`);
    const guards = await measureCases(adapter, GUARD_CASES, REQUESTS, ROUNDS);
    console.log(`${adapter}: logins...`);
    const logins = await measureCases(adapter, LOGIN_CASES, LOGIN_REQUESTS, 3, 2);
    http[adapter] = { ...guards, ...logins };
  }
  results.http = http;
  console.log('in-process: verification and signing...');
  results.inProcess = await runInProcess();
  if (MEMORY_REQUESTS > 0) {
    const memory: Record<string, unknown> = {};
    for (const adapter of ADAPTERS) {
      console.log(`${adapter}: memory over ${MEMORY_REQUESTS} guarded requests...`);
      memory[adapter] = await measureMemory(adapter);
    }
    results.memory = memory;
  }

  const ratios: Record<string, Record<string, number>> = {};
  for (const adapter of ADAPTERS) {
    // The median of the ratios within each round: a round's cases ran seconds apart, under
    // the same load, so their ratio is steadier than a ratio of medians.
    const ratio = (a: CaseName, b: CaseName) =>
      round2(median(http[adapter][a].samples.map((value, round) => value / http[adapter][b].samples[round])));
    ratios[adapter] = {
      'ours-hs256 / noop-guard': ratio('ours-hs256', 'noop-guard'),
      'ours-rs256 / noop-guard': ratio('ours-rs256', 'noop-guard'),
      'ours-es256 / noop-guard': ratio('ours-es256', 'noop-guard'),
      'recipe-string / ours-hs256': ratio('recipe-string', 'ours-hs256'),
      'recipe-keyobject / ours-hs256': ratio('recipe-keyobject', 'ours-hs256'),
    };
  }
  results.ratios = ratios;

  const out = join(repo, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(out, 'chart.svg'), renderChart(http, CASE_LABELS));

  console.log('\nserver CPU per request (median of rounds, microseconds)');
  console.log(`| case | ${ADAPTERS.join(' | ')} |\n|---|${ADAPTERS.map(() => '---:').join('|')}|`);
  for (const name of [...GUARD_CASES, ...LOGIN_CASES]) {
    console.log(`| ${CASE_LABELS[name]} | ${ADAPTERS.map((a) => round1(http[a][name].medianMicros)).join(' | ')} |`);
  }
  console.log('\nratios', JSON.stringify(ratios));
  console.log('in-process', JSON.stringify(results.inProcess));
  if (results.memory) console.log('memory', JSON.stringify(results.memory));
  console.log(`\nwritten: bench/results/latest.json, bench/results/chart.svg`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
