import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

/**
 * @nestjs/swagger is an optional peer: the library must load and serve without it. Jest cannot
 * unload a package, so the library runs in a child Node process, from a folder whose
 * node_modules links every installed package except @nestjs/swagger. Compiled both ways the
 * package can be built: ESM, and CommonJS (where `import()` becomes `require()`).
 */
const ROOT = process.cwd();
const sandbox = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-no-swagger-'));
const run = promisify(execFile);

function linkNodeModulesWithoutSwagger(): void {
  const from = join(ROOT, 'node_modules');
  const to = join(sandbox, 'node_modules');
  mkdirSync(join(to, '@nestjs'), { recursive: true });
  for (const name of readdirSync(from)) {
    if (name === '@nestjs' || name.startsWith('.')) continue;
    symlinkSync(join(from, name), join(to, name));
  }
  for (const name of readdirSync(join(from, '@nestjs'))) {
    if (name !== 'swagger') symlinkSync(join(from, '@nestjs', name), join(to, '@nestjs', name));
  }
}

function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesOf(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function compileLib(format: 'esm' | 'cjs'): string {
  const out = join(sandbox, format);
  const module = format === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS;
  for (const file of sourcesOf(join(ROOT, 'lib'))) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        esModuleInterop: true,
      },
    });
    const target = join(out, 'lib', relative(join(ROOT, 'lib'), file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: format === 'esm' ? 'module' : 'commonjs' }));
  return join(out, 'lib', 'index.js');
}

/** An app with the module on Express: is @nestjs/swagger loadable here, and does a login work? */
const APP = `
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
const loaded = await import(process.argv[2]);
const lib = loaded.JwtAuthModule ? loaded : loaded.default;
const swagger = await import('@nestjs/swagger').then(() => 'present', (error) => error.code);
class Users extends lib.UserLookupService {
  async findByUsername(username) { return username === 'admin' ? { id: 1, username } : undefined; }
  async verifyPassword(_user, password) { return password === 'abc123'; }
  async verifyDummyPassword() {}
}
class UsersModule {}
Module({ providers: [{ provide: lib.UserLookupService, useClass: Users }], exports: [lib.UserLookupService] })(UsersModule);
class AppModule {}
Module({ imports: [lib.JwtAuthModule.forRoot({ secretKey: 'x'.repeat(40), imports: [UsersModule] })] })(AppModule);
const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false });
await app.listen(0, '127.0.0.1');
const response = await fetch((await app.getUrl()) + '/api-token-auth/', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ username: 'admin', password: 'abc123' }),
});
const body = await response.json();
await app.close();
console.log(JSON.stringify({ swagger, status: response.status, token: typeof body.token }));
`;

describe('without @nestjs/swagger installed', () => {
  const entries: Partial<Record<'esm' | 'cjs', string>> = {};
  beforeAll(() => {
    linkNodeModulesWithoutSwagger();
    writeFileSync(join(sandbox, 'app.mjs'), APP);
    entries.esm = compileLib('esm');
    entries.cjs = compileLib('cjs');
  });
  afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

  it.each(['esm', 'cjs'] as const)('the library (%s build) loads, starts and issues tokens', async (format) => {
    const env = { ...process.env, NODE_OPTIONS: '' };
    const { stdout } = await run(process.execPath, [join(sandbox, 'app.mjs'), entries[format] ?? ''], {
      cwd: sandbox,
      env,
      timeout: 60_000,
    });
    // The sandbox really lacks the package (else this test would prove nothing).
    expect(JSON.parse(stdout)).toEqual({ swagger: 'ERR_MODULE_NOT_FOUND', status: 200, token: 'string' });
  });
});
