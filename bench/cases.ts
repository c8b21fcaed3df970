/** The server cases the benchmark compares, each a Nest app with one GET /bench route. */
export const GUARD_CASES = [
  'open',
  'noop-guard',
  'ours-hs256',
  'ours-rs256',
  'ours-es256',
  'recipe-string',
  'recipe-keyobject',
] as const;
export const LOGIN_CASES = ['login-cheap', 'login-realistic'] as const;
export type CaseName = (typeof GUARD_CASES)[number] | (typeof LOGIN_CASES)[number];
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export const CASE_LABELS: Record<CaseName, string> = {
  open: 'open route',
  'noop-guard': 'do-nothing guard (floor)',
  'ours-hs256': 'nest-rest-jwt HS256',
  'ours-rs256': 'nest-rest-jwt RS256',
  'ours-es256': 'nest-rest-jwt ES256',
  'recipe-string': 'official recipe, string secret',
  'recipe-keyobject': 'official recipe, KeyObject secret',
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
