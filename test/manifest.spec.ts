import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
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

/** Each entry point: its folder under lib/ (and dist/*), and the optional peers it may load. */
const ENTRY_POINTS: Record<string, { base: string; peers: string[] }> = {
  '.': { base: 'index', peers: [] },
  './django-passwords': { base: 'passwords/index', peers: [] },
  './openapi': { base: 'openapi/index', peers: [] },
  './redis': { base: 'redis/index', peers: [] },
  './websockets': { base: 'websockets/index', peers: ['@nestjs/websockets'] },
  './testing': { base: 'testing/index', peers: [] },
  './permissions': { base: 'permissions/index', peers: [] },
  './login': { base: 'login/index', peers: [] },
  './audit': { base: 'audit/index', peers: [] },
};
const ADD_ONS = Object.keys(ENTRY_POINTS).filter((subpath) => subpath !== '.');

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

/**
 * The files of lib/ that `file` loads, itself included, following its relative imports and
 * re-exports (not `import type`, which loads nothing, nor the dynamic imports of optional peers).
 */
function loadedFiles(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  for (const statement of source.statements) {
    const isImport = ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly;
    const isExport = ts.isExportDeclaration(statement) && !statement.isTypeOnly;
    const specifier = (isImport || isExport) && statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    loadedFiles(join(dirname(file), specifier.text.replace(/\.js$/, '.ts')), seen);
  }
  return seen;
}

const libFile = (base: string) => join(REPO, 'lib', `${base}.ts`);

describe('the entry points', () => {
  it('are not loaded by the main entry point', () => {
    const loaded = loadedFiles(libFile('index'));
    expect(loaded.size).toBeGreaterThan(20); // the walk itself works
    const addOns = ADD_ONS.map((subpath) => libFile(ENTRY_POINTS[subpath].base));
    expect(addOns.filter((file) => loaded.has(file)).map((file) => relative(REPO, file))).toEqual([]);
  });

  it.each(['./django-passwords', './openapi', './redis'])(
    '%s loads none of the module, its guards or its controllers',
    (subpath) => {
      const loaded = [...loadedFiles(libFile(ENTRY_POINTS[subpath].base))].map((file) => relative(REPO, file));
      const core = loaded.filter((file) => /^lib\/(jwt-auth\.|auth\/|http\/|tokens\/|settings\/)/.test(file));
      expect({ subpath, core }).toEqual({ subpath, core: [] });
    },
  );
});

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
      expect.arrayContaining(['ioredis', 'redis', '@nestjs/websockets', '@nestjs/swagger', '@nestjs/event-emitter']),
    );
  });

  it('has conditional exports: types, import and require for each entry point, and ./package.json', () => {
    expect(Object.keys(manifest.exports)).toEqual([...Object.keys(ENTRY_POINTS), './package.json']);
    expect(manifest.exports['./package.json']).toBe('./package.json');
    for (const [subpath, { base }] of Object.entries(ENTRY_POINTS)) {
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
    expect(manifest.typesVersions).toEqual({
      '*': Object.fromEntries(
        ADD_ONS.map((subpath) => [subpath.slice(2), [`./dist/cjs/${ENTRY_POINTS[subpath].base}.d.ts`]]),
      ),
    });
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
    await run('tar', ['-xzf', packed.tarball, '-C', work]);
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

  it.each(Object.keys(ENTRY_POINTS))(
    'loads entry point %s without the optional peers it does not need, nor the other entry points',
    async (subpath) => {
      const { base, peers } = ENTRY_POINTS[subpath];
      const refused = Object.entries(manifest.peerDependenciesMeta ?? {})
        .filter(([name, meta]) => meta.optional === true && !peers.includes(name))
        .map(([name]) => name);
      expect(refused).toEqual(expect.arrayContaining(['ioredis', 'redis', '@nestjs/swagger']));
      // The tarball's own files (the build in dist/ may be redone by another test meanwhile),
      // with this repository's node_modules for the other packages.
      const dist = join(work, 'package/dist/cjs');
      const others = Object.values(ENTRY_POINTS)
        .filter((entry) => entry.base !== base)
        .map((entry) => join(dist, `${entry.base}.js`));
      // Node's CommonJS resolver refuses the optional peers, as if they were not installed.
      const script = `
        const Module = require('node:module');
        const refused = new Set(${JSON.stringify(refused)});
        const resolve = Module._resolveFilename;
        Module._resolveFilename = function (request, ...rest) {
          const name = request.split('/').slice(0, request.startsWith('@') ? 2 : 1).join('/');
          if (refused.has(name)) throw new Error('the entry point loaded the optional peer ' + request);
          return resolve.call(this, request, ...rest);
        };
        const library = require(${JSON.stringify(join(dist, `${base}.js`))});
        const others = ${JSON.stringify(others)}.filter((file) => file in require.cache);
        console.log(JSON.stringify({ names: Object.keys(library).length, others }));
      `;
      const env = childEnv({ NODE_PATH: join(REPO, 'node_modules') });
      const { stdout } = await run(process.execPath, ['-e', script], { cwd: work, env });
      const { names, others: loaded } = JSON.parse(stdout) as { names: number; others: string[] };
      expect(names).toBeGreaterThan(subpath === '.' ? 10 : 0);
      expect(loaded).toEqual([]);
    },
  );
});
