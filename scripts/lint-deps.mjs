// `npm run lint:deps`: the dependency rules of lib/, in one cruise of dependency-cruiser.
//  1. The rules of .dependency-cruiser.cjs: no import cycle between modules (type-only imports
//     included), the core (tokens, keys, settings, common) imports no transport code, and
//     lib/common imports nothing else of lib/.
//  2. No two folders of lib/ import each other, a check dependency-cruiser's rules cannot express
//     (its folder rules see lib/'s root files as the folder lib/, not each as its own folder).
//     The folder of lib/auth/csrf.ts is lib/auth/; a file at lib/'s root, such as lib/index.ts,
//     is its own folder. Each pair is listed with the imports that make it, both ways.
//  3. The folders are layers: no loop through three folders or more either (a -> b -> c -> a),
//     so that each folder can be read knowing only the folders below it.
// Exits 1 when a rule is broken, after listing every violation of both kinds.
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const CONFIG = './.dependency-cruiser.cjs'; // resolved like an import: ./ is needed
const ROOT = 'lib';

const options = await extractDepcruiseOptions(CONFIG);
const tsConfig = options.tsConfig?.fileName ? extractTSConfig(options.tsConfig.fileName) : undefined;
const cruised = await cruise([ROOT], { ...options, outputType: 'json' }, {}, { tsConfig });
const result = typeof cruised.output === 'string' ? JSON.parse(cruised.output) : cruised.output;

/** " (type-only)" or " (dynamic-import)" for an import that is one of these, else "". */
function kindOf(dependencyTypes) {
  const kinds = dependencyTypes.filter((type) => ['type-only', 'dynamic-import'].includes(type));
  return kinds.length ? ` (${kinds.join(', ')})` : '';
}

// 1. The rules of .dependency-cruiser.cjs, a cycle with all its modules.
const comments = new Map((result.summary.ruleSetUsed?.forbidden ?? []).map((rule) => [rule.name, rule.comment]));
const violations = result.summary.violations;
for (const { rule, from, to, cycle, dependencyTypes = [] } of violations) {
  const path = cycle
    ? // Each step of a cycle carries the kinds of the import that leads to it.
      [from, ...cycle.map((step) => `${step.name}${kindOf(step.dependencyTypes)}`)]
    : [from, `${to}${kindOf(dependencyTypes)}`];
  console.log(`  ${rule.severity} ${rule.name}:\n      ${path.join('\n    → ')}`);
  if (comments.get(rule.name)) console.log(`    ${comments.get(rule.name)}`);
  console.log();
}
const errors = violations.filter(({ rule }) => rule.severity === 'error').length;
const { totalCruised, totalDependenciesCruised } = result.summary;
console.log(
  errors === 0
    ? `✔ no rule of .dependency-cruiser.cjs broken (${totalCruised} modules, ${totalDependenciesCruised} dependencies cruised)`
    : `✘ ${errors} violation${errors === 1 ? '' : 's'} of the rules of .dependency-cruiser.cjs` +
        ` (${totalCruised} modules, ${totalDependenciesCruised} dependencies cruised)\n`,
);

// 2. Folders that import each other.
/** lib/auth/csrf.ts -> lib/auth/; lib/index.ts -> lib/index.ts; outside lib/ -> undefined. */
function folderOf(path) {
  return new RegExp(`^${ROOT}/[^/]+(/|$)`).exec(path)?.[0];
}

/** "from folder\0to folder" -> the imports (module -> module) between them, in that direction. */
const imports = new Map();
for (const module of result.modules) {
  const from = folderOf(module.source);
  if (from === undefined) continue;
  for (const dependency of module.dependencies) {
    const to = folderOf(dependency.resolved);
    if (to === undefined || to === from || dependency.couldNotResolve) continue;
    const line = `${module.source} → ${dependency.resolved}${kindOf(dependency.dependencyTypes)}`;
    const key = `${from}\0${to}`;
    imports.set(key, [...(imports.get(key) ?? []), line]);
  }
}

const pairs = [...imports.keys()]
  .map((key) => key.split('\0'))
  .filter(([from, to]) => from < to && imports.has(`${to}\0${from}`))
  .sort(([a, b], [c, d]) => a.localeCompare(c) || b.localeCompare(d));

if (pairs.length === 0) {
  console.log(`✔ no two folders of ${ROOT}/ import each other`);
} else {
  console.log(
    `✘ ${pairs.length} pair${pairs.length === 1 ? '' : 's'} of folders of ${ROOT}/ import each other` +
      ` (a file at ${ROOT}/'s root counts as its own folder):\n`,
  );
  for (const [a, b] of pairs) {
    console.log(`  ${a} ⇄ ${b}`);
    for (const line of [...imports.get(`${a}\0${b}`), ...imports.get(`${b}\0${a}`)]) {
      console.log(`      ${line}`);
    }
  }
  console.log();
}

// 3. Loops through more folders: a depth-first walk of the folder graph finds one, if any.
const edges = new Map();
for (const key of imports.keys()) {
  const [from, to] = key.split('\0');
  edges.set(from, [...(edges.get(from) ?? []), to].sort());
}
const done = new Set();
function loopFrom(folder, path) {
  const at = path.indexOf(folder);
  if (at !== -1) return [...path.slice(at), folder];
  if (done.has(folder)) return undefined;
  for (const next of edges.get(folder) ?? []) {
    const loop = loopFrom(next, [...path, folder]);
    if (loop) return loop;
  }
  done.add(folder);
  return undefined;
}
let loop;
for (const folder of [...edges.keys()].sort()) {
  loop ??= loopFrom(folder, []);
}
// A loop of two is a pair, listed above; only longer ones are news here.
if (loop === undefined || loop.length === 3) {
  if (pairs.length === 0) console.log(`✔ the folders of ${ROOT}/ are layers: no loop between them`);
} else {
  console.log(`✘ the folders of ${ROOT}/ import each other in a loop: ${loop.join(' → ')}`);
  for (let i = 0; i + 1 < loop.length; i++) {
    console.log(`      ${imports.get(`${loop[i]}\0${loop[i + 1]}`)[0]}`);
  }
  console.log();
}

process.exitCode = errors > 0 || pairs.length > 0 || (loop !== undefined && loop.length > 3) ? 1 : 0;
