import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, NPM, packLibrary, readmeInstallLine, REPO, run } from './support.js';

/**
 * The packed library, installed from its tarball as users install it, in a Nest 11 CommonJS
 * app (with a classic jest test: ts-jest to CommonJS, no --experimental-vm-modules) and in a
 * Nest 12 ESM app. Both apps are the same sources (fixtures/app), compiled by each app's own
 * TypeScript against the package's declarations. Needs the npm registry (or a warm npm cache).
 */
const FIXTURES = join(REPO, 'test/consumers/fixtures');
const MINUTES = 60_000;

interface Consumer {
  name: 'nest11-cjs' | 'nest12-esm';
  dir: string;
}

let work: string;
const consumers: Consumer[] = [
  { name: 'nest11-cjs', dir: '' },
  { name: 'nest12-esm', dir: '' },
];

/** Copies a fixture app next to the tarball and installs it: one npm install per app. */
async function install(consumer: Consumer): Promise<void> {
  consumer.dir = join(work, consumer.name);
  cpSync(join(FIXTURES, consumer.name), consumer.dir, { recursive: true });
  cpSync(join(FIXTURES, 'app/src'), join(consumer.dir, 'src'), { recursive: true });
  for (const script of ['hazard.mjs', 'hazard.cjs', 'hazard-compare.cjs']) {
    copyFileSync(join(FIXTURES, 'app', script), join(consumer.dir, script));
  }
  await run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'], {
    cwd: consumer.dir,
  });
}

/**
 * Apps as `nest new` makes them (the files of @nestjs/schematics' application template, copied
 * into fixtures/nest<major>-scaffold: their package.json, test runner configs and tsconfig
 * untouched), plus the README's quick start: src/users/users.module.ts (fixtures/quick-start)
 * and the additions to src/app.module.ts, and an e2e test of a guarded route in test/.
 */
interface ScaffoldApp {
  major: 11 | 12;
  /** How the scaffold runs its tests: its own `npm run test:e2e`, only told where to write a JSON summary. */
  runner: 'jest' | 'vitest';
  dir: string;
}

const scaffolds: ScaffoldApp[] = [
  { major: 11, runner: 'jest', dir: '' },
  { major: 12, runner: 'vitest', dir: '' },
];

/** Copies a scaffolded app and runs the README's install line for its Nest major in it. */
async function installScaffold(app: ScaffoldApp): Promise<void> {
  app.dir = join(work, `nest${app.major}-scaffold`);
  cpSync(join(FIXTURES, `nest${app.major}-scaffold`), app.dir, { recursive: true });
  cpSync(join(FIXTURES, 'quick-start'), join(app.dir, 'src'), { recursive: true });
  // `npm install nest-rest-jwt @nestjs/jwt@^11 ...`, with the packed library for nest-rest-jwt:
  // one install, of the scaffold's own dependencies and the README's.
  const [, , ...packages] = readmeInstallLine(app.major).split(/\s+/);
  const args = packages.map((name) => (name === 'nest-rest-jwt' ? '../nest-rest-jwt.tgz' : name));
  await run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...args], {
    cwd: app.dir,
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-consumers-'));
  const { tarball } = await packLibrary(work);
  // The fixtures' package.json files name it "file:../nest-rest-jwt.tgz".
  copyFileSync(tarball, join(work, 'nest-rest-jwt.tgz'));
  await Promise.all([...consumers.map(install), ...scaffolds.map(installScaffold)]);
}, 15 * MINUTES);

afterAll(() => {
  if (work !== undefined && process.env.KEEP_CONSUMERS === undefined) rmSync(work, { recursive: true, force: true });
});

interface Urls {
  issuer: string;
  verifier: string;
  /** What the app's src/entry-points.ts got from the subpath entry points. */
  entries: unknown;
}

/** The names each entry point gives at run time (its classes, functions and constants). */
const RUNTIME_NAMES: Record<string, string[]> = {
  'nest-rest-jwt/django-passwords': ['DJANGO_HASH_ALGORITHMS', 'DjangoPasswordHasher'],
  'nest-rest-jwt/openapi': [
    'JWT_AUTH_OPENAPI_TAG',
    'JWT_AUTH_SECURITY_SCHEME',
    'addJwtAuthSecurity',
    'jwtAuthRequestInterceptor',
    'jwtAuthSecurityScheme',
  ],
  'nest-rest-jwt/redis': [
    'CachedRevocationStore',
    'RedisRevocationStore',
    'RedisThrottlerStorage',
    'RevocationNotReplicatedError',
    'RevocationStoreTimeoutError',
    'clusterNodesSubscriber',
    'ioredisSubscriber',
    'nodeRedisSubscriber',
    'urlSubscriber',
  ],
  'nest-rest-jwt/websockets': ['WsJwtAuthGuard'],
  'nest-rest-jwt/permissions': [
    'AllowAny',
    'BasePermission',
    'HasClaims',
    'HasRoles',
    'HasScopes',
    'IsAdminUser',
    'IsAuthenticated',
    'IsAuthenticatedOrReadOnly',
    'LoginWithin',
    'ObjectPermissions',
    'OptionalAuthentication',
    'PermissionClasses',
    'RecentLogin',
    'RequireClaims',
    'RequireRoles',
    'RequireScopes',
    'SAFE_METHODS',
    'and',
    'not',
    'or',
  ],
  'nest-rest-jwt/login': ['DrfCharField', 'InactiveUserError', 'LoginDto', 'TokenDto', 'allowLogin', 'refuseLogin'],
  'nest-rest-jwt/audit': ['JWT_AUTH_REQUEST_REFUSED', 'JWT_AUTH_TOKEN_REUSE_DETECTED', 'TokenReuseDetectedError'],
  'nest-rest-jwt/testing': [
    'TESTING_HASHER_OPTIONS',
    'authHeader',
    'issueTestToken',
    'testingJwtAuthOptions',
    'testingPasswordHasher',
  ],
};

/** Starts the compiled app (dist/src/main.js); resolves with the URLs it prints. */
function startApp(dir: string): Promise<{ child: ChildProcess; urls: Urls }> {
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: dir, env: childEnv(), stdio: 'pipe' });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not start within 60 s'), 60_000);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${dir}: the app ${why}\n${output}`));
    }
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((text) => text.startsWith('{"issuer"'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve({ child, urls: JSON.parse(line) as Urls });
    });
    child.on('exit', (code) => fail(`exited with ${code}`));
  });
}

interface EntryReport {
  names: number;
  exported: string[];
  onlyRequire: string[];
  onlyImport: string[];
  different: string[];
  resolved: string[];
}

describe.each(consumers)('the packed library in the $name app', (consumer) => {
  let app: { child: ChildProcess; urls: Urls } | undefined;
  afterAll(() => {
    app?.child.kill();
  });

  it(
    "compiles against the package's declarations (skipLibCheck off)",
    async () => {
      await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: consumer.dir });
    },
    3 * MINUTES,
  );

  it('installed a library built as CommonJS with ESM entry points', () => {
    const root = join(consumer.dir, 'node_modules/nest-rest-jwt');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('dist');
    expect(JSON.parse(readFileSync(join(root, 'dist/cjs/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
  });

  it(
    'logs in, and reaches a guarded route with the token (200) and not without it (401)',
    async () => {
      app = await startApp(consumer.dir);
      const { issuer, verifier } = app.urls;
      const login = await fetch(`${issuer}/api-token-auth/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'abc123' }),
      });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      expect(token.split('.')).toHaveLength(3);

      const guarded = await fetch(`${issuer}/protected-url/`, { headers: { Authorization: `JWT ${token}` } });
      expect(guarded.status).toBe(200);
      expect(await guarded.json()).toEqual({ username: 'admin' });
      expect((await fetch(`${issuer}/protected-url/`)).status).toBe(401);

      const wrong = await fetch(`${issuer}/api-token-auth/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'wrong' }),
      });
      expect(wrong.status).toBe(400);

      // A verify-only app with the issuer's JWKS: jose (ESM-only), loaded on first use.
      const remote = await fetch(`${verifier}/protected-url/`, { headers: { Authorization: `JWT ${token}` } });
      expect(remote.status).toBe(200);
      expect((await fetch(`${verifier}/protected-url/`)).status).toBe(401);
    },
    2 * MINUTES,
  );

  it('uses each subpath entry point, without ioredis and @nestjs/swagger installed', () => {
    // The app started in the test above; its first line reports what src/entry-points.ts got.
    expect(app?.urls.entries).toEqual({
      passwords: { algorithms: ['pbkdf2_sha256', 'pbkdf2_sha1', 'scrypt'], valid: true },
      openapi: { scheme: 'JWT', added: { JWT: 'apiKey' }, header: 'JWT token' },
      redis: { lookup: { familyRevoked: false }, fromUrl: expect.stringContaining('needs the ioredis package') },
      websockets: 'function',
      permissions: { composed: 'and', decorator: 'function' },
      testing: {
        iterations: 1,
        hashPrefix: 'pbkdf2_sha256$1',
        loginThrottle: false,
        helpers: ['function', 'function', 'pbkdf2_sha256'],
      },
    });
  });

  // No dual-package hazard: import and require give the very same objects, in either order.
  it.each(['hazard.mjs', 'hazard.cjs'])(
    'gives the same module to import and require, in one process (%s)',
    async (script) => {
      const { stdout } = await run(process.execPath, [script], { cwd: consumer.dir });
      const report = JSON.parse(stdout) as Record<string, EntryReport>;
      expect(Object.keys(report).sort()).toEqual(['nest-rest-jwt', ...Object.keys(RUNTIME_NAMES)].sort());
      for (const [id, entry] of Object.entries(report)) {
        expect({ id, ...entry, resolved: undefined }).toEqual({
          id,
          names: expect.any(Number),
          exported: RUNTIME_NAMES[id] ?? expect.any(Array),
          onlyRequire: [],
          onlyImport: [],
          different: [],
          resolved: undefined,
        });
        expect(entry.names).toBeGreaterThan(0);
      }
      const root = report['nest-rest-jwt'];
      expect(root.names).toBeGreaterThan(10);
      // The add-ons are only in their own entry points.
      const addOns = Object.values(RUNTIME_NAMES).flat();
      expect(root.exported.filter((name) => addOns.includes(name))).toEqual([]);
      for (const [id, entry] of Object.entries(report)) {
        if (id === 'nest-rest-jwt') continue;
        const folder = id === 'nest-rest-jwt/django-passwords' ? 'passwords' : id.slice('nest-rest-jwt/'.length);
        const resolved = entry.resolved.at(-1) ?? '';
        expect(resolved).toMatch(
          new RegExp(`[\\\\/]nest-rest-jwt[\\\\/]dist[\\\\/]cjs[\\\\/]${folder}[\\\\/]index\\.js$`),
        );
      }
      // require() gets the CommonJS implementation; import gets the ESM file that re-exports it.
      const [first, second] = root.resolved;
      if (script === 'hazard.mjs') {
        expect(fileURLToPath(first)).toMatch(/[\\/]nest-rest-jwt[\\/]dist[\\/]esm[\\/]index\.js$/);
        expect(second).toMatch(/[\\/]nest-rest-jwt[\\/]dist[\\/]cjs[\\/]index\.js$/);
      } else {
        expect(first).toMatch(/[\\/]nest-rest-jwt[\\/]dist[\\/]cjs[\\/]index\.js$/);
      }
    },
    2 * MINUTES,
  );

  if (consumer.name === 'nest11-cjs') {
    it(
      'passes its classic jest test (ts-jest, CommonJS, no --experimental-vm-modules)',
      async () => {
        const results = join(consumer.dir, 'jest-results.json');
        const { code, stdout, stderr } = await run(
          process.execPath,
          ['node_modules/jest/bin/jest.js', '--ci', '--json', `--outputFile=${results}`],
          { cwd: consumer.dir, allowFailure: true },
        );
        const summary = JSON.parse(readFileSync(results, 'utf8')) as {
          success: boolean;
          numPassedTests: number;
          numFailedTests: number;
          numRuntimeErrorTestSuites: number;
        };
        const outcome = { code, ...summary, log: summary.success ? '' : `${stdout}\n${stderr}` };
        expect(outcome).toMatchObject({
          code: 0,
          success: true,
          numFailedTests: 0,
          numRuntimeErrorTestSuites: 0,
          log: '',
        });
        expect(summary.numPassedTests).toBe(5);
      },
      5 * MINUTES,
    );
  }
});

interface RunnerSummary {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  testResults: { name: string; status: string }[];
}

describe.each(scaffolds)('the README quick start in a Nest $major app as `nest new` makes it ($runner)', (app) => {
  const env = () => childEnv({ JWT_SECRET_KEY: randomBytes(48).toString('base64url') });

  it(
    'installed the Nest major the README line asks for',
    () => {
      const version = (name: string) =>
        (JSON.parse(readFileSync(join(app.dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
          .version;
      for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/jwt', '@nestjs/passport']) {
        expect({ name, major: Number(version(name).split('.')[0]) }).toEqual({ name, major: app.major });
      }
      expect(readFileSync(join(app.dir, 'node_modules/nest-rest-jwt/package.json'), 'utf8')).toContain(
        '"name": "nest-rest-jwt"',
      );
    },
    MINUTES,
  );

  it(
    'builds with its own `npm run build` (nest build)',
    async () => {
      await run(NPM, ['run', 'build'], { cwd: app.dir, env: env() });
    },
    3 * MINUTES,
  );

  it(
    'passes its own `npm run test:e2e`: 401 without a token, 200 with one from /api-token-auth/',
    async () => {
      const results = join(app.dir, 'e2e-results.json');
      // Only a reporter option is added; the runner and its config are the scaffold's.
      const reporter =
        app.runner === 'jest' ? ['--json', `--outputFile=${results}`] : ['--reporter=json', `--outputFile=${results}`];
      const { code, stdout, stderr } = await run(NPM, ['run', 'test:e2e', '--', ...reporter], {
        cwd: app.dir,
        env: env(),
        allowFailure: true,
      });
      const summary = JSON.parse(readFileSync(results, 'utf8')) as RunnerSummary;
      const outcome = { code, success: summary.success, log: summary.success ? '' : `${stdout}\n${stderr}` };
      expect(outcome).toEqual({ code: 0, success: true, log: '' });
      // The scaffold's own e2e test (GET / says Hello World!) and the two of test/auth.e2e-spec.ts.
      expect(summary.testResults.map((file) => file.name.split(/[\\/]/).pop()).sort()).toEqual([
        'app.e2e-spec.ts',
        'auth.e2e-spec.ts',
      ]);
      expect(summary).toMatchObject({ numTotalTests: 3, numPassedTests: 3, numFailedTests: 0 });
    },
    5 * MINUTES,
  );
});
