// `node scripts/check-readme.mjs` (part of `npm run typecheck`): every ```ts block of README.md
// compiles, as an app would compile it: `strict` and `exactOptionalPropertyTypes`, with
// `nest-rest-jwt` and its entry points (`/redis`, `/openapi`, `/django-passwords`,
// `/websockets`) mapped to lib/'s sources.
//
// Each block is written as a module under build-check/readme/ (gitignored): a block whose first
// line is a file comment (`// users/users.service.ts`) is written at that path, so the blocks of
// the quick start import each other as an app's files do; any other is `block-<line>.ts`.
// Just before a block (blank lines between allowed), an HTML comment, which Markdown does not
// show, may say how to check it:
//
//   <!-- readme-check: context
//   import { JwtAuthModule } from 'nest-rest-jwt';
//   declare const users: { touch(id: number): Promise<void> };
//   -->
//
// puts the hidden lines before the block (or, where a line of them is `// @readme-block`, around
// it: a fragment of a class body goes inside a class), and
//
//   <!-- readme-check: folder recipe -->
//
// writes the block under recipe/ (its own app: its files may have the quick start's names), and
//
//   <!-- readme-check: skip (the reason) -->
//
// leaves the block out (sparingly: not this library's code, or a mistake shown on purpose).
//
// Only the blocks' own files are reported, at their README line; lib/ is checked by tsc with the
// repo's own options. Exits 1 on any error.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const README = join(ROOT, 'README.md');
const OUT = join(ROOT, 'build-check', 'readme');
const BLOCK_MARK = '// @readme-block';

const ENTRY_POINTS = {
  'nest-rest-jwt': 'lib/index.ts',
  'nest-rest-jwt/django-passwords': 'lib/passwords/index.ts',
  'nest-rest-jwt/openapi': 'lib/openapi/index.ts',
  'nest-rest-jwt/redis': 'lib/redis/index.ts',
  'nest-rest-jwt/websockets': 'lib/websockets/index.ts',
  'nest-rest-jwt/testing': 'lib/testing/index.ts',
  'nest-rest-jwt/permissions': 'lib/permissions/index.ts',
  'nest-rest-jwt/login': 'lib/login/index.ts',
  'nest-rest-jwt/audit': 'lib/audit/index.ts',
};

/**
 * The ```ts blocks of a Markdown text, each with its first line's number (1-based), its lines,
 * and the readme-check directive just before it, if any.
 */
export function extractBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  let directive;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const comment = /^<!--\s*readme-check:\s*(.*)$/.exec(line);
    if (comment) {
      const text = [comment[1]];
      while (!text.at(-1).includes('-->') && i + 1 < lines.length) text.push(lines[++i]);
      text[text.length - 1] = text.at(-1).replace(/\s*-->.*$/, '');
      // A `-->` on a line of its own ends the comment, and adds no line.
      if (text.length > 1 && text.at(-1).trim() === '') text.pop();
      const [first, ...rest] = text;
      if (/^skip\b/.test(first)) directive = { skip: first.replace(/^skip\s*/, '') || '(no reason given)' };
      else if (/^context\b/.test(first)) directive = { context: rest };
      else if (/^folder\s+[\w-]+$/.test(first.trim())) directive = { folder: first.trim().split(/\s+/)[1] };
      else throw new Error(`README.md:${i + 1}: unknown readme-check directive "${first}"`);
      continue;
    }
    if (/^```ts\s*$/.test(line)) {
      const start = i + 2;
      const body = [];
      while (++i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i]);
      blocks.push({ line: start, lines: body, directive });
      directive = undefined;
      continue;
    }
    // A directive belongs to the next block only when nothing but blank lines is between them.
    if (line.trim() !== '' && !/^```/.test(line)) directive = undefined;
    else if (/^```/.test(line)) {
      // Another kind of fenced block: skip its body, and forget the directive.
      while (++i < lines.length && !/^```\s*$/.test(lines[i]));
      directive = undefined;
    }
  }
  return blocks;
}

/** The module to write for a block: its path, its text, and the README line of each of its lines. */
export function moduleOf(block) {
  // `// users/users.service.ts` or `// app.module.ts and app.controller.ts: ...` names the file.
  const fileComment = /^\/\/ ([\w./-]+\.ts)\b/.exec(block.lines[0] ?? '');
  // A block without a file name is app code: it sits in the app's src/, beside the quick
  // start's files (`./users/users.module.js`), where a test in test/ finds it as `../src/...`.
  const name = fileComment ? fileComment[1] : `src/block-${block.line}.ts`;
  const path = block.directive?.folder ? `${block.directive.folder}/${name}` : name;
  const own = block.lines.map((text, index) => ({ text, line: block.line + index }));
  const context = (block.directive?.context ?? []).map((text) => ({ text, line: undefined }));
  const mark = context.findIndex(({ text }) => text.trim() === BLOCK_MARK);
  const all = mark === -1 ? [...context, ...own] : [...context.slice(0, mark), ...own, ...context.slice(mark + 1)];
  // `export {}` makes every block a module, so that no two blocks share a global scope.
  all.push({ text: 'export {};', line: undefined });
  return { path, text: all.map(({ text }) => text).join('\n') + '\n', readmeLines: all.map(({ line }) => line) };
}

function compilerOptions() {
  const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  return {
    ...options,
    strict: true,
    exactOptionalPropertyTypes: true,
    // Examples declare what they show, not all of it used.
    noUnusedLocals: false,
    noUnusedParameters: false,
    noEmit: true,
    // The quick start shows both a Nest 11 (CommonJS: './x') and a Nest 12 (ESM: './x.js')
    // import of the same file: a bundler's resolution takes both.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['node'],
    paths: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, path]) => [name, [join(ROOT, path)]])),
  };
}

function main() {
  const blocks = extractBlocks(readFileSync(README, 'utf8'));
  rmSync(OUT, { recursive: true, force: true });
  const modules = new Map();
  let skipped = 0;
  for (const block of blocks) {
    if (block.directive?.skip !== undefined) {
      skipped += 1;
      continue;
    }
    const module = moduleOf(block);
    const file = join(OUT, module.path);
    if (modules.has(file)) throw new Error(`README.md:${block.line}: a second block is named ${module.path}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, module.text);
    modules.set(file, module);
  }

  const program = ts.createProgram([...modules.keys()], compilerOptions());
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => !diagnostic.file || modules.has(resolve(diagnostic.file.fileName)));
  for (const diagnostic of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ');
    if (!diagnostic.file || diagnostic.start === undefined) {
      console.log(`error TS${diagnostic.code}: ${message}`);
      continue;
    }
    const module = modules.get(resolve(diagnostic.file.fileName));
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const readmeLine = module.readmeLines[line];
    const where =
      readmeLine === undefined
        ? `README.md (hidden context of ${relative(ROOT, diagnostic.file.fileName)}:${line + 1})`
        : `README.md:${readmeLine}:${character + 1}`;
    console.log(`${where}: error TS${diagnostic.code}: ${message}`);
  }
  const checked = `${modules.size} TypeScript blocks of README.md checked, ${skipped} skipped`;
  if (diagnostics.length > 0) {
    console.log(`\n${checked}: ${diagnostics.length} error(s).`);
    process.exitCode = 1;
  } else {
    console.log(`${checked}: they compile.`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
