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

/** What loads an optional client package when the module is loaded, as opposed to when a function runs. */
function loads(name: string): Record<'esm' | 'cjs', { module: ts.ModuleKind; lazy: RegExp; eager: RegExp }> {
  return {
    esm: {
      module: ts.ModuleKind.ES2022,
      lazy: new RegExp(`await import\\(['"]${name}['"]\\)`, 'g'),
      eager: new RegExp(`^\\s*(?:import|export)\\b[^;]*?['"]${name}['"]`, 'm'),
    },
    cjs: {
      module: ts.ModuleKind.CommonJS,
      lazy: new RegExp(
        `Promise\\.resolve\\(\\)\\.then\\(\\(\\) => __importStar\\(require\\(['"]${name}['"]\\)\\)\\)`,
        'g',
      ),
      eager: new RegExp(`require\\(['"]${name}['"]\\)`),
    },
  };
}

describe.each(['ioredis', 'redis'])('%s is an optional peer', (name) => {
  it.each(['esm', 'cjs'] as const)(
    'no module of the library loads it when it is loaded (%s): a store making its own client does, then',
    (format) => {
      const { module, lazy, eager } = loads(name)[format];
      const eagerly = libSources()
        .filter((path) => eager.test(emitted(path, module).replace(lazy, '')))
        .map((path) => relative(LIB, path));
      expect(eagerly).toEqual([]);
      // The store loads it on demand.
      expect(emitted(join(LIB, 'redis/redis-clients.ts'), module)).toMatch(new RegExp(lazy.source));
    },
  );
});

describe('RedisRevocationStore options', () => {
  const client = { call: () => Promise.resolve(null) };

  it('needs exactly one of client, url and clusterNodes', () => {
    expect(() => new RedisRevocationStore({} as RedisRevocationStoreOptions)).toThrow('either `client` or `url`');
    const both = { client, url: 'redis://127.0.0.1:1' } as unknown as RedisRevocationStoreOptions;
    expect(() => new RedisRevocationStore(both)).toThrow('either `client` or `url`');
    const urlAndNodes = { url: 'redis://127.0.0.1:1', clusterNodes: ['127.0.0.1:2'] };
    expect(() => new RedisRevocationStore(urlAndNodes as unknown as RedisRevocationStoreOptions)).toThrow(
      'either `client` or `url`',
    );
    const noCall = { client: {} } as unknown as RedisRevocationStoreOptions;
    expect(() => new RedisRevocationStore(noCall)).toThrow('call(command, ...args)');
    for (const clusterNodes of [[], [''], 'host:1']) {
      const options = { clusterNodes } as unknown as RedisRevocationStoreOptions;
      expect(() => new RedisRevocationStore(options)).toThrow('clusterNodes');
    }
  });

  it('refuses an unknown option by name, with the near one', () => {
    const options = { client, waitForReplica: 1 } as unknown as RedisRevocationStoreOptions;
    expect(() => new RedisRevocationStore(options)).toThrow(
      'option "waitForReplica" is unknown: did you mean "waitForReplicas"?',
    );
    const library = {
      url: 'redis://127.0.0.1:1',
      clientLibrary: 'node-redis',
    } as unknown as RedisRevocationStoreOptions;
    expect(() => new RedisRevocationStore(library)).toThrow("clientLibrary must be 'ioredis' or 'redis'");
  });

  it('refuses waitForReplicas other than auto or a whole number, and a WAIT timeout past timeoutMs', () => {
    for (const waitForReplicas of [-1, 1.5, Number.NaN, 'all']) {
      const options = { client, waitForReplicas } as unknown as RedisRevocationStoreOptions;
      expect(() => new RedisRevocationStore(options)).toThrow('waitForReplicas');
    }
    for (const waitTimeoutMs of [0, -5, 1.5, 1001]) {
      expect(() => new RedisRevocationStore({ client, waitTimeoutMs })).toThrow('waitTimeoutMs');
    }
    expect(() => new RedisRevocationStore({ client, waitForReplicas: 2, waitTimeoutMs: 1000 })).not.toThrow();
  });

  it('refuses a prefix with braces (they would move the hash tag)', () => {
    expect(() => new RedisRevocationStore({ client, prefix: 'app{1}:' })).toThrow('{ or }');
  });

  it('refuses a timeout that is not a positive number, and an empty prefix', () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new RedisRevocationStore({ client, timeoutMs })).toThrow('timeoutMs');
    }
    expect(() => new RedisRevocationStore({ client, prefix: '' })).toThrow('prefix');
  });

  it('refuses a time to live or a revocation time that is not a finite number', async () => {
    const store = new RedisRevocationStore({ client });
    await expect(store.markToken('j', 'revoked', Number.NaN, 's')).rejects.toThrow('ttlSeconds');
    await expect(store.revokeFamily('f', Number.POSITIVE_INFINITY, 's')).rejects.toThrow('ttlSeconds');
    await expect(store.revokeSubject('s', Number.NaN, 60)).rejects.toThrow('finite time');
  });
});
