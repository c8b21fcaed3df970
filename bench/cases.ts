/** The server cases the benchmark compares, each a Nest app with one GET /bench route. */
export const GUARD_CASES = [
  'open',
  'noop-guard',
  'noop-user-guard',
  'ours-hs256',
  'ours-hs256-redis',
  'ours-hs256-redis-cached',
  'ours-hs256-cluster',
  'ours-hs256-cluster-cached',
  'ours-rs256',
  'ours-es256',
  'recipe-string',
  'recipe-keyobject',
  'sample-open',
  'sample-guarded',
] as const;
export const LOGIN_CASES = ['login-cheap', 'login-realistic'] as const;
export type CaseName = (typeof GUARD_CASES)[number] | (typeof LOGIN_CASES)[number];
/** The case that needs a Redis server (its URL reaches the server process as BENCH_REDIS_URL). */
export const REDIS_CASE = 'ours-hs256-redis' satisfies CaseName;
/** The Redis store behind its local cache (CachedRevocationStore): the same token on every request. */
export const CACHED_CASE = 'ours-hs256-redis-cached' satisfies CaseName;
/** The sample app itself (sample/create-app.ts, in-memory revocations, a temporary SQLite file). */
export const SAMPLE_CASES: readonly CaseName[] = ['sample-open', 'sample-guarded'];
/** The same on a Redis Cluster (its seed nodes reach the server process as BENCH_REDIS_CLUSTER_NODES). */
export const CLUSTER_CASE = 'ours-hs256-cluster' satisfies CaseName;
export const CLUSTER_CACHED_CASE = 'ours-hs256-cluster-cached' satisfies CaseName;
/** The cases that ask Redis on every request, and those whose cache answers once a token is seen. */
export const UNCACHED_CASES: readonly CaseName[] = [REDIS_CASE, CLUSTER_CASE];
export const CACHED_CASES: readonly CaseName[] = [CACHED_CASE, CLUSTER_CACHED_CASE];
/** The cases that talk to Redis, and those of them on a cluster. */
export const REDIS_CASES: readonly CaseName[] = [...UNCACHED_CASES, ...CACHED_CASES];
export const CLUSTER_CASES: readonly CaseName[] = [CLUSTER_CASE, CLUSTER_CACHED_CASE];
/** The key prefix of the benchmark's revocation entries in Redis. */
export const REDIS_PREFIX = 'nest-rest-jwt-bench:';
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export const CASE_LABELS: Record<CaseName, string> = {
  open: 'open route',
  'noop-guard': 'do-nothing guard (floor)',
  'noop-user-guard': 'do-nothing guard that sets request.user (floor of an authenticating guard)',
  'ours-hs256': 'nest-rest-jwt HS256',
  'ours-hs256-redis': 'nest-rest-jwt HS256, Redis store',
  'ours-hs256-redis-cached': 'nest-rest-jwt HS256, Redis store + local cache',
  'ours-hs256-cluster': 'nest-rest-jwt HS256, Redis Cluster store',
  'ours-hs256-cluster-cached': 'nest-rest-jwt HS256, Redis Cluster store + local cache',
  'ours-rs256': 'nest-rest-jwt RS256',
  'ours-es256': 'nest-rest-jwt ES256',
  'recipe-string': 'official recipe, string secret',
  'recipe-keyobject': 'official recipe, KeyObject secret',
  'sample-open': 'the sample, its open route (GET /public/)',
  'sample-guarded':
    'the sample, its guarded route (GET /protected-url/, its user lookup included: SQLite, kept until the file changes)',
  'login-cheap': 'login, cheap hash (PBKDF2 1,000)',
  'login-realistic': 'login, realistic hash (PBKDF2 1,200,000)',
};

/** Messages between the runner and a server process (over the IPC channel of fork()). */
export type ServerMessage =
  | {
      type: 'ready';
      port: number;
      headers: Record<string, string>;
      body?: string;
      method: 'GET' | 'POST';
      path: string;
    }
  | { type: 'usage'; cpuMicros: number; rss: number };

/** What the revocation-memory child process reports (bench/revocation-memory.ts). */
export interface RevocationMemoryResult {
  entries: number;
  ttlSeconds: { min: number; max: number };
  heapBeforeMiB: number;
  heapAfterMiB: number;
  bytesPerEntry: number;
  markTokenMicros: number;
  lookupMissMicros: number;
  lookupHitMicros: number;
}

/** What the revocation-cache child process reports (bench/revocation-cache.ts). */
export interface RevocationCacheResult {
  samples: number;
  invalidationP50Ms: number;
  invalidationP99Ms: number;
  invalidationMaxMs: number;
  entries: number;
  bytesPerEntry: number;
}
