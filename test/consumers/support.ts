import { spawn, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The environment for child processes: without NODE_OPTIONS (the repo's jest runs with
 * --experimental-vm-modules, which a classic jest run must not have) and without the variables
 * `npm test` sets (npm_config_local_prefix and friends would point a nested npm at this repo).
 * The user's npm cache, registry and config files are kept.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig']);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'NODE_OPTIONS' || name === 'INIT_CWD') continue;
    if (/^npm_/i.test(name) && !kept.has(name.toLowerCase())) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; rejects with its output when it fails (unless `allowFailure`). */
export function run(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { allowFailure?: boolean } = {},
): Promise<RunResult> {
  const { allowFailure = false, ...spawnOptions } = options;
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env: childEnv(), ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0 || allowFailure) done({ code, stdout, stderr });
      else
        fail(
          new Error(
            `${command} ${args.join(' ')} (in ${String(spawnOptions.cwd ?? REPO)}) exited with ${code}\n${stdout}\n${stderr}`,
          ),
        );
    });
  });
}

export interface PackedLibrary {
  tarball: string;
  files: string[];
}

/**
 * `npm pack` of this repository into `destination`: the real thing, prepack (the build)
 * included. Serialised across jest workers by a lock directory, because each pack rebuilds
 * dist/ from scratch and two at once would see each other's half-built dist/.
 */
export async function packLibrary(destination: string): Promise<PackedLibrary> {
  const lock = join(
    tmpdir(),
    `nest-rest-jwt-pack-${createHash('sha256').update(REPO).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + 10 * 60_000;
  while (!tryLock(lock)) {
    // A lock left by a killed run: a pack takes seconds, not minutes.
    const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (Date.now() - since > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`packLibrary: ${lock} is still held after 10 minutes`);
    await sleep(250);
  }
  try {
    mkdirSync(destination, { recursive: true });
    const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', destination], { cwd: REPO });
    const [result] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    return { tarball: join(destination, result.filename), files: result.files.map((file) => file.path) };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** mkdir is atomic: whoever creates the directory holds the lock. */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * The README's install line for a Nest major: the `npm install nest-rest-jwt ...` line that
 * follows the `# Nest <major>` comment in its quick start.
 */
export function readmeInstallLine(major: number): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const line = new RegExp(`^# Nest ${major}\\b[^\\n]*\\n(npm install nest-rest-jwt [^\\n]+)$`, 'm').exec(readme)?.[1];
  if (line === undefined)
    throw new Error(`README.md has no "# Nest ${major}" line followed by "npm install nest-rest-jwt ..."`);
  return line.trim();
}
