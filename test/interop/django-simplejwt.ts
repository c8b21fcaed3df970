/**
 * The real djangorestframework-simplejwt for the interop test: the Django project of
 * test/interop/django run by Debian's python3 (python3-django, python3-djangorestframework,
 * python3-djangorestframework-simplejwt; .ci/run installs them) on a free loopback port.
 * Processes get argv and environment, never a shell string.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, freePort } from '../support/redis-server.js';

export const DJANGO_PROJECT = join(dirname(fileURLToPath(import.meta.url)), 'django');

const IMPORT_PROBE =
  'import json, django, rest_framework, rest_framework_simplejwt, jwt, cryptography; ' +
  'from importlib.metadata import version; ' +
  'print(json.dumps({"django": django.get_version(), "drf": rest_framework.VERSION, ' +
  '"simplejwt": version("djangorestframework-simplejwt"), "pyjwt": jwt.__version__}))';

export interface DjangoVersions {
  django: string;
  drf: string;
  simplejwt: string;
  pyjwt: string;
}

/**
 * The first interpreter with Django, DRF, simplejwt, PyJWT and cryptography: Debian's
 * /usr/bin/python3 first (the `python3` on PATH may be another one, without Debian's packages).
 * Throws the instruction to install them when none has them.
 */
export function findDjangoPython(): { python: string; versions: DjangoVersions } {
  const tried: string[] = [];
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', IMPORT_PROBE], { encoding: 'utf8' });
    if (probe.status === 0) return { python: candidate, versions: JSON.parse(probe.stdout) as DjangoVersions };
    tried.push(`${candidate}: ${probe.error?.message ?? probe.stderr.trim().split('\n').pop()}`);
  }
  throw new Error(
    "No python can import Django, DRF and simplejwt; install Debian's packages: " +
      'apt-get install -y python3-django python3-djangorestframework python3-djangorestframework-simplejwt ' +
      `python3-jwt python3-cryptography (.ci/run does). Tried: ${tried.join('; ')}`,
  );
}

/** A user of both apps: the same id, username and password on each side. */
export interface SharedUser {
  id: number;
  username: string;
  password: string;
  email?: string;
  isActive: boolean;
}

/** SIMPLE_JWT settings by their simplejwt names; lifetimes in seconds, tuples as arrays. */
export type SimpleJwtSettings = Record<string, string | number | boolean | readonly string[]>;

function settingsEnvironment(settings: SimpleJwtSettings): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([name, value]) => [
      `SIMPLE_JWT_${name}`,
      Array.isArray(value) ? value.join(',') : String(value),
    ]),
  );
}

function run(python: string, args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  const result = spawnSync(python, ['manage.py', ...args], { cwd: DJANGO_PROJECT, env, input, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `manage.py ${args[0]} failed (${result.status ?? result.signal}): ${result.error?.message ?? result.stderr}`,
    );
  }
  return result.stdout;
}

export interface DjangoServerOptions {
  python: string;
  /** Django's SECRET_KEY, simplejwt's default SIGNING_KEY. */
  secretKey: string;
  simpleJwt?: SimpleJwtSettings;
  users: readonly SharedUser[];
}

/** The database every server starts from: migrated once per test file, copied for each server. */
let migratedDatabase: string | undefined;

function migrated(python: string, env: NodeJS.ProcessEnv): string {
  if (migratedDatabase === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-django-template-'));
    run(python, ['migrate', '--verbosity', '0'], { ...env, INTEROP_DB_DIR: dir });
    migratedDatabase = join(dir, 'db.sqlite3');
  }
  return migratedDatabase;
}

/** `manage.py runserver --noreload` on a loopback port, with its own SQLite database and users. */
export class DjangoServer {
  private process: ChildProcess | undefined;
  private output = '';
  private port = 0;
  private readonly dir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-django-'));
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: DjangoServerOptions) {
    this.env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SIMPLE_JWT_'))),
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
      DJANGO_SETTINGS_MODULE: 'interop_site.settings',
      DJANGO_SECRET_KEY: options.secretKey,
      // Every login hashes the password: a cheap hasher keeps the test fast on a shared machine.
      DJANGO_PASSWORD_HASHERS: 'django.contrib.auth.hashers.MD5PasswordHasher',
      INTEROP_DB_DIR: this.dir,
      ...settingsEnvironment(options.simpleJwt ?? {}),
    };
  }

  /** The server's base URL, for supertest: `request(django.url)`. */
  get url(): string {
    if (!this.process) throw new Error('the Django server is not running');
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the server printed (its errors, with a 500's traceback). */
  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    copyFileSync(migrated(this.options.python, this.env), join(this.dir, 'db.sqlite3'));
    this.setUsers(this.options.users);
    // The port was free a moment ago; another process may take it first: try again then.
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      if (await this.launch()) return;
      if (attempt === 3) throw new Error(`Django did not start on a free port:\n${this.output}`);
    }
  }

  /** Replaces the users of the database (ids, usernames, passwords, active flags). */
  setUsers(users: readonly SharedUser[]): void {
    const entries = users.map(({ id, username, password, email, isActive }) => ({
      id,
      username,
      password,
      email: email ?? '',
      is_active: isActive,
    }));
    run(this.options.python, ['interop_users'], this.env, JSON.stringify(entries));
  }

  private async launch(): Promise<boolean> {
    const child = spawn(this.options.python, ['manage.py', 'runserver', '--noreload', `127.0.0.1:${this.port}`], {
      cwd: DJANGO_PROJECT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    this.output = '';
    child.stdout?.on('data', (data) => (this.output += data));
    child.stderr?.on('data', (data) => (this.output += data));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let gone = false;
    void exited.then(() => (gone = true));
    const answers = async (): Promise<boolean> => {
      if (gone) return true;
      try {
        await fetch(`http://127.0.0.1:${this.port}/protected-url/`);
        return true;
      } catch {
        return false;
      }
    };
    const ready = await eventually(answers, 30_000, 100);
    if (ready && !gone) return true;
    await this.stop();
    return false;
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Removes the migrated template database (call once, after the file's last server). */
export function removeMigratedDatabase(): void {
  if (migratedDatabase !== undefined) rmSync(dirname(migratedDatabase), { recursive: true, force: true });
  migratedDatabase = undefined;
}
