import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { childEnv, packLibrary, type PackedLibrary, REPO, run } from './consumers/support.js';

interface Manifest {
  name: string;
  main: string;
  types: string;
  typesVersions: Record<string, Record<string, string[]>>;
  files: string[];
  exports: Record<string, unknown>;
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;
const DOCS = ['README.md', 'CHANGELOG.md', 'LICENSE', 'SECURITY.md'];

/** lib/'s shipped sources: every .ts file but the specs. */
function librarySources(dir = join(REPO, 'lib')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return librarySources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The package a bare specifier names: `@scope/name` or `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * Every package lib/ imports, with the files that import it: static and dynamic imports,
 * re-exports and `import type` (the declarations refer to those too). TypeScript's own scanner
 * reads the specifiers, so that comments and strings are not mistaken for imports.
 */
function importedPackages(): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  for (const file of librarySources()) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.') || isBuiltin(specifier)) continue;
      const name = packageOf(specifier);
      packages.set(name, [...(packages.get(name) ?? []), relative(REPO, file)]);
    }
  }
  return packages;
}

describe('package.json', () => {
  it('declares every package lib/ imports, in dependencies or peerDependencies', () => {
    const imported = importedPackages();
    // The scan itself works: these are imported for sure.
    expect([...imported.keys()]).toEqual(expect.arrayContaining(['@nestjs/common', 'jose', 'passport-jwt']));
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const undeclared = [...imported].filter(([name]) => !declared.has(name));
    expect(Object.fromEntries(undeclared)).toEqual({});
  });

  it('marks every optional peer as a peer, and gives Nest 11 and 12 ranges', () => {
    const peers = manifest.peerDependencies ?? {};
    for (const name of Object.keys(manifest.peerDependenciesMeta ?? {})) expect(peers).toHaveProperty([name]);
    for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/jwt', '@nestjs/passport', '@nestjs/websockets']) {
      expect({ name, range: peers[name] }).toEqual({ name, range: '^11.0.0 || ^12.0.0' });
    }
    const optional = Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional === true)
      .map(([name]) => name);
    expect(optional).toEqual(
      expect.arrayContaining(['ioredis', '@nestjs/websockets', '@nestjs/swagger', '@nestjs/event-emitter']),
    );
  });

  it('has conditional exports: types, import and require for each entry point, and ./package.json', () => {
    expect(Object.keys(manifest.exports)).toEqual(['.', './websockets', './package.json']);
    expect(manifest.exports['./package.json']).toBe('./package.json');
    for (const subpath of ['.', './websockets']) {
      const base = subpath === '.' ? 'index' : `${subpath.slice(2)}/index`;
      expect({ subpath, target: manifest.exports[subpath] }).toEqual({
        subpath,
        target: {
          // ESM declarations for import, CommonJS ones for require (dist/cjs has "type": "commonjs").
          import: { types: `./dist/esm/${base}.d.ts`, default: `./dist/esm/${base}.js` },
          require: { types: `./dist/cjs/${base}.d.ts`, default: `./dist/cjs/${base}.js` },
        },
      });
    }
    expect(manifest.main).toBe('./dist/cjs/index.js');
    expect(manifest.types).toBe('./dist/cjs/index.d.ts');
    // TypeScript's old "node10" resolution reads no exports: typesVersions maps the subpaths.
    expect(manifest.typesVersions).toEqual({ '*': { websockets: ['./dist/cjs/websockets/index.d.ts'] } });
  });

  it('ships only dist and the docs, built by prepack', () => {
    expect(manifest.files).toContain('dist');
    expect(manifest.files.filter((entry) => entry !== 'dist' && !DOCS.includes(entry))).toEqual([]);
    expect(manifest.scripts.prepack).toBe('npm run build');
  });
});

describe('the packed tarball', () => {
  let work: string;
  let packed: PackedLibrary;
  let startedAt: number;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-manifest-'));
    startedAt = Date.now();
    packed = await packLibrary(work);
  }, 5 * 60_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('was built by npm pack itself (prepack)', () => {
    // Whole seconds: some file systems keep coarse times.
    expect(statSync(join(REPO, 'dist/cjs/index.js')).mtimeMs).toBeGreaterThanOrEqual(
      Math.floor(startedAt / 1000) * 1000,
    );
  });

  it('holds dist, the docs and package.json, and nothing else', () => {
    const strays = packed.files.filter(
      (path) => path !== 'package.json' && !DOCS.includes(path) && !path.startsWith('dist/'),
    );
    expect(strays).toEqual([]);
    expect(packed.files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'SECURITY.md']));
  });

  it('holds no tests, sample, bench or their source maps, and no TypeScript sources', () => {
    const unwanted = packed.files.filter(
      (path) =>
        /\.(spec|e2e-spec|test)\.|(^|\/)(test|tests|__tests__|sample|bench|dist-sample|dist-bench|fixtures)\//.test(
          path,
        ) ||
        (path.endsWith('.ts') && !path.endsWith('.d.ts')),
    );
    expect(unwanted).toEqual([]);
  });

  it('holds every file the exports, main and types name', () => {
    const targets = [manifest.main, manifest.types];
    for (const target of Object.values(manifest.exports)) {
      if (typeof target === 'string') targets.push(target);
      else
        for (const condition of Object.values(target as Record<string, object>))
          targets.push(...Object.values(condition));
    }
    const missing = targets.map((target) => target.replace(/^\.\//, '')).filter((path) => !packed.files.includes(path));
    // An entry point's source missing (lib/websockets/index.ts...) shows up here: the build skips it.
    expect(missing).toEqual([]);
    expect(packed.files).toContain('dist/cjs/package.json');
  });

  it('loads its main entry point without the optional peers', async () => {
    const optional = Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional === true)
      .map(([name]) => name);
    // The tarball's own files (the build in dist/ may be redone by another test meanwhile),
    // with this repository's node_modules for the other packages.
    await run('tar', ['-xzf', packed.tarball, '-C', work]);
    // Node's CommonJS resolver refuses the optional peers, as if they were not installed.
    const script = `
      const Module = require('node:module');
      const optional = new Set(${JSON.stringify(optional)});
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        const name = request.split('/').slice(0, request.startsWith('@') ? 2 : 1).join('/');
        if (optional.has(name)) throw new Error('the main entry point loaded the optional peer ' + request);
        return resolve.call(this, request, ...rest);
      };
      const library = require(${JSON.stringify(join(work, 'package/dist/cjs/index.js'))});
      console.log(Object.keys(library).length);
    `;
    const env = childEnv({ NODE_PATH: join(REPO, 'node_modules') });
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: work, env });
    expect(Number(stdout.trim())).toBeGreaterThan(10);
  });
});
