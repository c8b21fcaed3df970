// One benchmark server: `node dist-bench/bench/server.js <adapter> <case>`, forked by the runner.
// It answers the runner's IPC messages with its own CPU time and memory, so the runner measures
// this process alone while autocannon loads it from the runner's process.
import 'reflect-metadata';
import {
  type CanActivate,
  Controller,
  Get,
  Injectable,
  Module,
  type Type,
  UseGuards,
  type DynamicModule,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, generateKeyPairSync, pbkdf2, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ExtractJwt, Strategy } from 'passport-jwt';
import {
  JwtAuthGuard,
  JwtAuthModule,
  type JwtAlgorithm,
  JwtAuthService,
  type RevocationStore,
  UserLookupService,
} from '../lib/index.js';
import { CachedRevocationStore, RedisRevocationStore } from '../lib/redis/index.js';
import { type AdapterName, type CaseName, REDIS_PREFIX, type ServerMessage } from './cases.js';

const [adapterName, caseName] = process.argv.slice(2) as [AdapterName, CaseName];
const SECRET = randomBytes(48).toString('base64url');
const pbkdf2Async = promisify(pbkdf2);

interface BenchUser {
  id: number;
  username: string;
  email: string;
  salt: Buffer;
  hash: Buffer;
  iterations: number;
}

/** A user store in memory: the benchmark measures the module, not a database. */
@Injectable()
class BenchUsers extends UserLookupService<BenchUser> {
  static iterations = 1000;
  private readonly users = new Map<string, BenchUser>();
  ready: Promise<void>;

  constructor() {
    super();
    const salt = randomBytes(16);
    const iterations = BenchUsers.iterations;
    this.ready = pbkdf2Async('abc123', salt, iterations, 32, 'sha256').then((hash) => {
      this.users.set('admin', { id: 1, username: 'admin', email: 'admin@example.com', salt, hash, iterations });
    });
  }

  async findByUsername(username: string) {
    return this.users.get(username);
  }

  async verifyPassword(user: BenchUser, password: string) {
    const hash = await pbkdf2Async(password, user.salt, user.iterations, 32, 'sha256');
    return timingSafeEqual(hash, user.hash);
  }
}

@Module({
  providers: [BenchUsers, { provide: UserLookupService, useExisting: BenchUsers }],
  exports: [UserLookupService, BenchUsers],
})
class UsersModule {}

@Injectable()
class NoopGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

/** The floor of any guard that authenticates: it does nothing but set `request.user`, as they all must. */
@Injectable()
class NoopUserGuard implements CanActivate {
  private readonly user = { id: 1, username: 'admin' };
  canActivate(context: ExecutionContext): boolean {
    context.switchToHttp().getRequest<{ user?: object }>().user = this.user;
    return true;
  }
}

function benchController(guard?: Type<CanActivate>): Type<unknown> {
  @Controller()
  class BenchController {
    @Get('bench')
    @UseGuards(...(guard ? [guard] : []))
    get() {
      return { ok: true };
    }
  }
  return BenchController;
}

/** The official Nest recipe (docs.nestjs.com/recipes/passport): passport-jwt, Bearer, secretOrKey. */
function recipeModule(secretOrKey: string | ReturnType<typeof createSecretKey>): DynamicModule {
  @Injectable()
  class RecipeJwtStrategy extends PassportStrategy(Strategy, 'recipe-jwt') {
    constructor() {
      super({
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        ignoreExpiration: false,
        secretOrKey: secretOrKey as string,
      });
    }
    validate(payload: { user_id: number; username: string }) {
      return { userId: payload.user_id, username: payload.username };
    }
  }
  @Injectable()
  class RecipeGuard extends AuthGuard('recipe-jwt') {}
  @Module({
    imports: [PassportModule],
    providers: [RecipeJwtStrategy, RecipeGuard],
    controllers: [benchController(RecipeGuard)],
  })
  class RecipeModule {}
  return { module: RecipeModule };
}

function oursModule(algorithm: JwtAlgorithm, withController = false, revocationStore?: RevocationStore): DynamicModule {
  const keys =
    algorithm === 'HS256'
      ? { secretKey: SECRET }
      : {
          privateKey: (algorithm === 'RS256'
            ? generateKeyPairSync('rsa', { modulusLength: 2048 })
            : generateKeyPairSync('ec', { namedCurve: 'P-256' })
          ).privateKey,
        };
  @Module({
    imports: [
      UsersModule,
      JwtAuthModule.forRoot({
        ...keys,
        algorithm,
        expirationDelta: '1h',
        imports: [UsersModule],
        controller: withController,
        loginThrottle: false,
        // Without one, the default in-memory store (every guarded request asks it too).
        ...(revocationStore ? { revocationStore } : {}),
      }),
    ],
    controllers: withController ? [] : [benchController(JwtAuthGuard)],
  })
  class OursModule {}
  return { module: OursModule };
}

async function appModule(): Promise<DynamicModule> {
  switch (caseName) {
    case 'open':
    case 'noop-guard':
    case 'noop-user-guard': {
      const guard = { open: undefined, 'noop-guard': NoopGuard, 'noop-user-guard': NoopUserGuard }[caseName];
      @Module({
        controllers: [benchController(guard)],
        providers: [NoopGuard, NoopUserGuard],
      })
      class OpenModule {}
      return { module: OpenModule };
    }
    case 'ours-hs256':
      return oursModule('HS256');
    case 'ours-hs256-redis': {
      // The runner's own redis-server (or REDIS_URL); fromUrl fails start-up when it cannot connect.
      const url = process.env.BENCH_REDIS_URL;
      if (!url) throw new Error('ours-hs256-redis needs BENCH_REDIS_URL');
      const store = await RedisRevocationStore.fromUrl(url, { prefix: REDIS_PREFIX });
      return oursModule('HS256', false, store);
    }
    case 'ours-hs256-redis-cached': {
      const url = process.env.BENCH_REDIS_URL;
      if (!url) throw new Error('ours-hs256-redis-cached needs BENCH_REDIS_URL');
      return oursModule('HS256', false, await CachedRevocationStore.fromUrl(url, { prefix: REDIS_PREFIX }));
    }
    case 'ours-hs256-cluster':
    case 'ours-hs256-cluster-cached': {
      const nodes = process.env.BENCH_REDIS_CLUSTER_NODES?.split(',');
      if (!nodes) throw new Error(`${caseName} needs BENCH_REDIS_CLUSTER_NODES`);
      const options = { prefix: REDIS_PREFIX };
      const store =
        caseName === 'ours-hs256-cluster'
          ? await RedisRevocationStore.fromClusterNodes(nodes, options)
          : await CachedRevocationStore.fromClusterNodes(nodes, options);
      return oursModule('HS256', false, store);
    }
    case 'ours-rs256':
      return oursModule('RS256');
    case 'ours-es256':
      return oursModule('ES256');
    case 'recipe-string':
      return recipeModule(SECRET);
    case 'recipe-keyobject':
      return recipeModule(createSecretKey(Buffer.from(SECRET)));
    case 'sample-open':
    case 'sample-guarded':
      throw new Error('the sample cases run the sample app (sampleApp)');
    case 'login-cheap':
    case 'login-realistic':
      BenchUsers.iterations = caseName === 'login-cheap' ? 1000 : 1_200_000;
      return oursModule('HS256', true);
  }
}

/**
 * The sample as `npm start` runs it (createApp: its AppModule from the environment, Swagger, its
 * SQLite users), with an HS256 secret, in-memory revocations and a temporary database; loaded
 * only for these cases.
 */
async function sampleApp(): Promise<INestApplication> {
  const dir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-bench-sample-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  // A token that outlives the run (the sample's default lifetime is 5 minutes; a run takes longer).
  Object.assign(process.env, {
    SAMPLE_DB: join(dir, 'users.sqlite3'),
    JWT_SECRET_KEY: SECRET,
    JWT_EXPIRATION_DELTA: '1d',
  });
  for (const name of ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'JWT_AUTH_COOKIE']) delete process.env[name];
  const { createApp } = await import('../sample/create-app.js');
  return createApp(adapterName, { logger: false });
}

async function main(): Promise<void> {
  const sample = caseName.startsWith('sample-');
  const app = sample
    ? await sampleApp()
    : adapterName === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(await appModule(), new FastifyAdapter(), { logger: false })
      : await NestFactory.create(await appModule(), new ExpressAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = Number(new URL(await app.getUrl()).port);
  const headers: Record<string, string> = {};
  let ready: ServerMessage & { type: 'ready' } = { type: 'ready', port, headers, method: 'GET', path: '/bench' };
  if (sample) {
    ready = { ...ready, path: caseName === 'sample-open' ? '/public/' : '/protected-url/' };
    const user = await app.get(UserLookupService, { strict: false }).findByUsername('admin');
    if (user === undefined || user === null) throw new Error('the sample made no initial user');
    headers.authorization = `JWT ${app.get(JwtAuthService, { strict: false }).issueToken(user)}`;
  } else if (caseName.startsWith('ours-')) {
    await app.get(BenchUsers).ready;
    const tokens = app.get(JwtAuthService);
    const token = tokens.issueToken((await app.get(BenchUsers).findByUsername('admin'))!);
    // A token with a jti that is not revoked: each request's revocation lookup is a miss, as in
    // real traffic (and the lookup asks for the jti, not only for the user).
    if (typeof (await tokens.verifyPayload(token)).jti !== 'string') throw new Error('the benchmark token has no jti');
    headers.authorization = `JWT ${token}`;
  } else if (caseName === 'open' || caseName === 'noop-guard' || caseName === 'noop-user-guard') {
    // The same request as the guarded cases (a token of the same shape, never read): what a
    // guard costs, not what receiving a longer request does.
    const claims = { user_id: 1, username: 'admin', email: 'admin@example.com', jti: randomUUID() };
    headers.authorization = `JWT ${new JwtService({ secret: SECRET }).sign(claims, { expiresIn: 3600 })}`;
  } else if (caseName.startsWith('recipe-')) {
    const token = new JwtService({ secret: SECRET }).sign({ user_id: 1, username: 'admin' }, { expiresIn: 3600 });
    headers.authorization = `Bearer ${token}`;
  } else if (caseName.startsWith('login-')) {
    await app.get(BenchUsers).ready;
    headers['content-type'] = 'application/json';
    ready = {
      ...ready,
      method: 'POST',
      path: '/api-token-auth/',
      body: JSON.stringify({ username: 'admin', password: 'abc123' }),
    };
  }
  process.on('message', (message: string) => {
    if (message === 'usage') {
      const { user, system } = process.cpuUsage();
      process.send?.({
        type: 'usage',
        cpuMicros: user + system,
        rss: process.memoryUsage().rss,
      } satisfies ServerMessage);
    } else if (message === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
    } else if (message === 'exit') {
      void app.close().then(() => process.exit(0));
    }
  });
  process.send?.(ready);
}

main().catch((error) => {
  console.error(`${adapterName}/${caseName}:`, error);
  process.exit(1);
});
