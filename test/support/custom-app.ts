import 'reflect-metadata';
import { Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type AdapterName, createAppOn, initialised, ProtectedController, type TestApp, UsersModule } from './apps.js';
import { InMemoryUsers } from './users.js';

export interface CustomAppOptions {
  /** The JwtAuthModule under test (and anything else the root module should import). */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** The root module's controllers (default: ProtectedController). */
  controllers?: Type<unknown>[];
  /** Set with `app.setGlobalPrefix()` before `init()`. */
  globalPrefix?: string;
}

/**
 * A variant of `startApp` for module-configuration tests: any set of root imports (feature
 * modules, config modules, `forRootAsync` variants) and an optional global prefix, set before
 * the routes are registered. UsersModule is always imported so `users` is the in-memory store.
 */
export async function startCustomApp(adapter: AdapterName, options: CustomAppOptions): Promise<TestApp> {
  @Module({
    imports: [UsersModule, ...options.imports],
    controllers: options.controllers ?? [ProtectedController],
  })
  class CustomAppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [CustomAppModule] }).compile();
  const app = createAppOn(adapter, moduleRef);
  if (options.globalPrefix !== undefined) app.setGlobalPrefix(options.globalPrefix);
  await initialised(adapter, app);
  return {
    app,
    server: app.getHttpServer(),
    users: app.get(InMemoryUsers, { strict: false }),
    close: () => app.close(),
  };
}
