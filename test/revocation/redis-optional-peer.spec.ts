import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { RedisRevocationStore, type RedisRevocationStoreOptions } from '../../lib/redis/index.js';

const LIB = join(process.cwd(), 'lib');

function libSources(dir = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return libSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The JavaScript tsc emits for a file (type-only imports are gone), as ESM or as CommonJS (the build). */
function emitted(path: string, module: ts.ModuleKind): string {
  return ts.transpileModule(readFileSync(path, 'utf8'), {
    compilerOptions: { module, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: path,
  }).outputText;
}

/** What loads ioredis when the module is loaded, as opposed to when a function runs. */
const LOADS_IOREDIS: Record<'esm' | 'cjs', { module: ts.ModuleKind; lazy: RegExp; eager: RegExp }> = {
  esm: {
    module: ts.ModuleKind.ES2022,
    lazy: /await import\(['"]ioredis['"]\)/g,
    eager: /^\s*(?:import|export)\b[^;]*?['"]ioredis['"]/m,
  },
  cjs: {
    module: ts.ModuleKind.CommonJS,
    lazy: /Promise\.resolve\(\)\.then\(\(\) => __importStar\(require\(['"]ioredis['"]\)\)\)/g,
    eager: /require\(['"]ioredis['"]\)/,
  },
};

describe('ioredis is an optional peer', () => {
  it.each(['esm', 'cjs'] as const)(
    'no module of the library loads ioredis when it is loaded (%s): a store made from a URL does, then',
    (format) => {
      const { module, lazy, eager } = LOADS_IOREDIS[format];
      const eagerly = libSources()
        .filter((path) => eager.test(emitted(path, module).replace(lazy, '')))
        .map((path) => relative(LIB, path));
      expect(eagerly).toEqual([]);
      // The store itself loads it on demand.
      expect(emitted(join(LIB, 'redis/redis-revocation-store.ts'), module)).toMatch(new RegExp(lazy.source));
    },
  );
});

describe('RedisRevocationStore options', () => {
  const client = { call: () => Promise.resolve(null) };

  it('needs exactly one of client and url', () => {
    expect(() => new RedisRevocationStore({} as RedisRevocationStoreOptions)).toThrow('either `client` or `url`');
    const both = { client, url: 'redis://127.0.0.1:1' } as unknown as RedisRevocationStoreOptions;
    expect(() => new RedisRevocationStore(both)).toThrow('either `client` or `url`');
    const noCall = { client: {} } as unknown as RedisRevocationStoreOptions;
    expect(() => new RedisRevocationStore(noCall)).toThrow('call(command, ...args)');
  });

  it('refuses a timeout that is not a positive number, and an empty prefix', () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new RedisRevocationStore({ client, timeoutMs })).toThrow('timeoutMs');
    }
    expect(() => new RedisRevocationStore({ client, prefix: '' })).toThrow('prefix');
  });

  it('refuses a time to live or a revocation time that is not a finite number', async () => {
    const store = new RedisRevocationStore({ client });
    await expect(store.markToken('j', 'revoked', Number.NaN)).rejects.toThrow('ttlSeconds');
    await expect(store.revokeFamily('f', Number.POSITIVE_INFINITY)).rejects.toThrow('ttlSeconds');
    await expect(store.revokeSubject('s', Number.NaN, 60)).rejects.toThrow('finite time');
  });
});
