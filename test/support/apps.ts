import 'reflect-metadata';
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import {
  Controller,
  Get,
  type INestApplication,
  Module,
  type NestApplicationOptions,
  Post,
  UseGuards,
  type DynamicModule,
  type Type,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModule } from '@nestjs/testing';
import type { App } from 'supertest/types.js';
import { CurrentUser, JwtAuthGuard, Public, UserLookupService } from '../../lib/index.js';
import { InMemoryUsers, type TestUser } from './users.js';

/** A secret long enough for HS256; tests sign their own tokens with it. */
export const SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

@Module({
  providers: [InMemoryUsers, { provide: UserLookupService, useExisting: InMemoryUsers }],
  exports: [UserLookupService, InMemoryUsers],
})
export class UsersModule {}

@Controller()
export class ProtectedController {
  @Get('protected-url')
  @UseGuards(JwtAuthGuard)
  get(@CurrentUser() user: TestUser) {
    return { username: user.username };
  }

  @Post('protected-url')
  @UseGuards(JwtAuthGuard)
  post(@CurrentUser('username') username: string) {
    return { username };
  }

  @Get('public')
  @Public()
  open() {
    return { ok: true };
  }

  /** No guard of its own: protected only when the guard is global. */
  @Get('plain')
  plain() {
    return { plain: true };
  }
}

export interface TestApp {
  app: INestApplication;
  server: App;
  users: InMemoryUsers;
  close(): Promise<void>;
}

/** The app of a compiled testing module on the named adapter; Nest's logs only with TEST_LOG. */
export function createAppOn(
  adapter: AdapterName,
  moduleRef: TestingModule,
  logger: NestApplicationOptions['logger'] = process.env.TEST_LOG ? undefined : false,
): INestApplication {
  return adapter === 'express'
    ? moduleRef.createNestApplication(new ExpressAdapter(), { logger })
    : moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger });
}

/** Runs the app's start-up hooks; on Fastify also waits until the server takes requests (supertest). */
export async function initialised(adapter: AdapterName, app: INestApplication): Promise<void> {
  await app.init();
  if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
}

/** Starts a real Nest app on the named adapter, ready for supertest. */
export async function startApp(
  adapter: AdapterName,
  jwtModule: DynamicModule,
  extraControllers: Type<unknown>[] = [ProtectedController],
): Promise<TestApp> {
  @Module({ imports: [UsersModule, jwtModule], controllers: extraControllers })
  class AppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = createAppOn(adapter, moduleRef);
  await initialised(adapter, app);
  return {
    app,
    server: app.getHttpServer(),
    users: app.get(InMemoryUsers),
    close: () => app.close(),
  };
}

/** A running app of `useApp`: each getter throws while the app is not running. */
export interface LiveTestApp {
  readonly app: INestApplication;
  readonly server: App;
  readonly users: InMemoryUsers;
}

export interface UseAppOptions {
  /** Reset the user store after each test (default: false, the store lives as long as the app). */
  resetUsers?: boolean;
}

/**
 * Starts one app for the enclosing describe block (beforeAll, building its JwtAuthModule there)
 * and closes it afterwards (afterAll); with `resetUsers`, the user store is reset after each test.
 * Call it only in describe blocks that have no app in an enclosing block, so that no two apps
 * (and their global Passport strategies) are alive at once.
 */
export function useApp(
  adapter: AdapterName,
  jwtModule: () => DynamicModule,
  { resetUsers = false }: UseAppOptions = {},
): LiveTestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await startApp(adapter, jwtModule());
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  if (resetUsers) {
    afterEach(() => {
      current?.users.reset();
    });
  }
  const started = (): TestApp => {
    if (!current) throw new Error('the test app is not running (useApp starts it in beforeAll)');
    return current;
  };
  return {
    get app() {
      return started().app;
    },
    get server() {
      return started().server;
    },
    get users() {
      return started().users;
    },
  };
}
