import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type DynamicModule, Get, type INestApplication, Module, Param, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { JwtAuthGuard, JwtAuthModule, type JwtAuthModuleForRootOptions } from '../../lib/index.js';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { ADAPTERS, type AdapterName, createAppOn, initialised, SECRET, UsersModule } from '../support/apps.js';
import { adminClaims, signHs } from '../support/tokens.js';

@Controller('health')
class HealthController {
  @Get()
  health() {
    return { status: 'ok' };
  }

  @Get('deep/check')
  deep() {
    return { status: 'deep ok' };
  }

  /** Guarded on its own: the global guard's exclusion does not open it. */
  @Get('private')
  @UseGuards(JwtAuthGuard)
  private() {
    return { secret: 'health private' };
  }
}

@Controller('health-admin')
class HealthAdminController {
  @Get()
  admin() {
    return { secret: 'health-admin' };
  }
}

@Controller('admin')
class AdminController {
  @Get()
  admin() {
    return { secret: 'admin' };
  }
}

@Controller('status')
class StatusController {
  @Get(':code')
  status(@Param('code') code: string) {
    return { code };
  }

  @Get(':code/details')
  details() {
    return { secret: 'status details' };
  }
}

/** Excluded by class: a controller of a library the app does not own. */
@Controller('metrics')
class MetricsController {
  @Get()
  metrics() {
    return { requests: 1 };
  }
}

@Controller('docs')
class DocsController {
  @Get()
  docs() {
    return { docs: true };
  }
}

const CONTROLLERS = [
  HealthController,
  HealthAdminController,
  AdminController,
  StatusController,
  MetricsController,
  DocsController,
];

const EXCLUDE = ['/health', '/health/deep/**', '/health/private', '/docs/', /^\/status\/:code$/, MetricsController];

async function startExcludingApp(
  adapter: AdapterName,
  jwtModule: DynamicModule,
  prefix?: string,
): Promise<INestApplication> {
  @Module({ imports: [UsersModule, jwtModule], controllers: CONTROLLERS })
  class ExcludingAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ExcludingAppModule] }).compile();
  const app = createAppOn(adapter, moduleRef);
  if (prefix !== undefined) app.setGlobalPrefix(prefix);
  await initialised(adapter, app);
  await app.listen(0, '127.0.0.1');
  return app;
}

/** A GET with the path sent byte for byte (supertest's URL parsing would resolve `..` first). */
function rawGet(app: INestApplication, path: string): Promise<{ status: number; body: string }> {
  const { port } = app.getHttpServer().address() as { port: number };
  return new Promise((resolve, reject) => {
    const call = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    call.on('error', reject).end();
  });
}

const module = (options: Partial<JwtAuthModuleForRootOptions> = {}) =>
  JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, imports: [UsersModule], ...options });

describe.each(ADAPTERS)('globalGuardExclude: routes the global guard leaves alone (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startExcludingApp(adapter, module({ globalGuardExclude: EXCLUDE }));
  });
  afterAll(() => app.close());
  const get = (path: string) => request(app.getHttpServer()).get(path);
  const token = () => `JWT ${signHs(adminClaims())}`;

  it('an excluded path answers without a token', async () => {
    await get('/health').expect(200, { status: 'ok' });
  });

  it('`**` covers the routes below the path', async () => {
    await get('/health/deep/check').expect(200, { status: 'deep ok' });
  });

  it('a trailing slash in the pattern is ignored', async () => {
    await get('/docs').expect(200, { docs: true });
  });

  it('a RegExp is tested against the declared path (`/status/:code`), not the one sent', async () => {
    await get('/status/404').expect(200, { code: '404' });
    await get('/status/404/details').expect(401);
  });

  it('a controller class is excluded whatever its paths', async () => {
    await get('/metrics').expect(200, { requests: 1 });
  });

  it('`/health` does not open `/health-admin` (segments, not prefixes of text)', async () => {
    await get('/health-admin').expect(401);
    await get('/health-admin').set('Authorization', token()).expect(200, { secret: 'health-admin' });
  });

  it('routes not excluded are guarded as before', async () => {
    await get('/admin').expect(401);
    await get('/admin').set('Authorization', token()).expect(200, { secret: 'admin' });
  });

  it('a route guarded explicitly with @UseGuards(JwtAuthGuard) stays guarded', async () => {
    await get('/health/private').expect(401);
    await get('/health/private').set('Authorization', token()).expect(200, { secret: 'health private' });
  });

  // Neither router resolves dot segments or decodes %2F: these reach no route at all.
  it.each([
    '/HEALTH/../admin',
    '/health/../admin',
    '/health/%2e%2e/admin',
    '/health%2F..%2Fadmin',
    '/health/..%2Fadmin',
    '/health;/../admin',
    '/health/deep/check/../../../admin',
    '/%68ealth/../admin',
    '/health-admin/../health',
  ])('%s opens nothing: 404', async (path) => {
    const response = await rawGet(app, path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('secret');
  });

  it.each(['/admin?/health', '/admin#/health'])('%s is /admin, guarded: 401', async (path) => {
    expect((await rawGet(app, path)).status).toBe(401);
  });

  // The routers differ (Express: case-insensitive, lenient trailing slash, no decoding of the
  // path; Fastify: the opposite), and the exclusion follows the route each one runs: a spelling
  // that reaches /health is open, one that reaches /admin is guarded, others are 404.
  const SPELLINGS: Record<AdapterName, [string, number][]> = {
    express: [
      ['/HEALTH', 200],
      ['/health/', 200],
      ['/heal%74h', 404],
      ['/ADMIN', 401],
      ['/adm%69n', 404],
    ],
    fastify: [
      ['/HEALTH', 404],
      ['/health/', 404],
      ['/heal%74h', 200],
      ['/ADMIN', 404],
      ['/adm%69n', 401],
    ],
  };
  it.each(SPELLINGS[adapter])('%s: %d, as the route it reaches', async (path, status) => {
    const response = await rawGet(app, path);
    expect(response.status).toBe(status);
    if (status === 200) expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });
});

describe.each(ADAPTERS)('globalGuardExclude with a global prefix (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startExcludingApp(adapter, module({ globalGuardExclude: ['/api/health', '/metrics'] }), 'api');
  });
  afterAll(() => app.close());
  const get = (path: string) => request(app.getHttpServer()).get(path);

  it('paths are full paths, the prefix included', async () => {
    await get('/api/health').expect(200, { status: 'ok' });
  });

  it('a path without the prefix matches no route', async () => {
    await get('/api/metrics').expect(401);
  });
});

describe.each(ADAPTERS)('globalGuardExclude is checked at start-up (%s)', (adapter) => {
  const bad = (value: unknown) => value as JwtAuthModuleForRootOptions['globalGuardExclude'];
  it.each([
    ['not an array', bad('/health'), 'globalGuardExclude'],
    ['a path without its leading slash', bad(['health']), 'globalGuardExclude[0]'],
    ['a wildcard inside a segment', bad(['/ok', '/health*']), 'globalGuardExclude[1]'],
    ['an empty segment', bad(['/a//b']), 'globalGuardExclude[0]'],
    ['a number', bad([1]), 'globalGuardExclude[0]'],
    ['a global RegExp', bad([/^\/health$/g]), 'globalGuardExclude[0]'],
  ])('refuses %s, naming the entry', async (_, globalGuardExclude, option) => {
    const started = startExcludingApp(adapter, module({ globalGuardExclude }));
    await expect(started).rejects.toThrow(`option "${option}"`);
    await expect(started).rejects.toBeInstanceOf(JwtAuthConfigError);
  });

  it('refuses exclusions without globalGuard: true', async () => {
    const started = startExcludingApp(adapter, module({ globalGuard: false, globalGuardExclude: ['/health'] }));
    await expect(started).rejects.toThrow('option "globalGuardExclude" excludes routes from the global guard');
  });
});
