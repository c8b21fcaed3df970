// Builds the package: one implementation in CommonJS (dist/cjs), and for each entry point of
// package.json "exports" an ESM file that re-exports it (dist/esm). CommonJS apps, classic jest
// and ESM apps thus all load the very same module, so every class and injection token exists
// once (no dual-package hazard). Node >= 20.19 lets the CommonJS code require() ESM-only
// Nest 12; Nest 11 is CommonJS anyway.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Each entry point: its source, its CommonJS output and its ESM re-export. */
const entries = Object.entries(manifest.exports)
  .filter(([subpath]) => subpath !== './package.json')
  .map(([subpath, target]) => {
    const cjs = target?.require?.default;
    const esm = target?.import?.default;
    if (!/^\.\/dist\/cjs\/.+\.js$/.test(cjs ?? '') || !/^\.\/dist\/esm\/.+\.js$/.test(esm ?? '')) {
      throw new Error(
        `package.json exports["${subpath}"] must have require.default in dist/cjs and import.default in dist/esm`,
      );
    }
    const source = join(root, 'lib', cjs.slice('./dist/cjs/'.length).replace(/\.js$/, '.ts'));
    return { subpath, source, cjs: join(root, cjs), esm: join(root, esm) };
  });

// Nothing stale (renamed or deleted modules) may reach the package.
rmSync(join(root, 'dist'), { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

// The root package is "type": "module"; this makes dist/cjs/**/*.js (and .d.ts) CommonJS.
writeFileSync(join(root, 'dist', 'cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

let missing = 0;
for (const { subpath, source, cjs, esm } of entries) {
  if (!existsSync(cjs)) {
    // A subpath whose source is not written yet: the rest still builds, and
    // test/manifest.spec.ts fails until the package has every file its exports name.
    console.warn(`build: skipped exports["${subpath}"]: ${relative(root, source)} does not exist`);
    missing++;
    continue;
  }
  const target = relative(dirname(esm), cjs).replaceAll('\\', '/');
  const specifier = target.startsWith('.') ? target : `./${target}`;
  mkdirSync(dirname(esm), { recursive: true });
  // Node finds the CommonJS names with cjs-module-lexer, which reads tsc's export pattern.
  const reexport = `export * from '${specifier}';\n`;
  writeFileSync(esm, reexport);
  writeFileSync(esm.replace(/\.js$/, '.d.ts'), reexport);
}
if (missing > 0) console.warn(`build: ${missing} entry point(s) skipped`);
