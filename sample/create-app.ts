import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { type EnvReader, readChoice } from './env.js';
import { setupSwagger } from './swagger.js';

export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

/** HTTP_ADAPTER: express (default) or fastify; anything else is a SampleConfigError. */
export function httpAdapterFromEnv(env: EnvReader): HttpAdapterName {
  return readChoice(env, 'HTTP_ADAPTER', HTTP_ADAPTERS, 'express');
}

/**
 * The sample app on the chosen adapter, initialised and ready for requests (supertest can use
 * `app.getHttpServer()` right away; `main.ts` then listens). Settings come from the environment.
 */
export async function createApp(
  adapter: HttpAdapterName,
  options: NestApplicationOptions = {},
): Promise<INestApplication> {
  // abortOnError: false makes start-up errors reject (process.abort() otherwise) so callers can report them.
  const appOptions: NestApplicationOptions = { abortOnError: false, ...options };
  if (adapter === 'fastify') {
    // Fastify matches a trailing slash strictly; this makes /protected-url/ work as on Express.
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.fromEnv(),
      new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true } }),
      appOptions,
    );
    return initialised(app, () => app.getHttpAdapter().getInstance().ready());
  }
  return initialised(await NestFactory.create(AppModule.fromEnv(), new ExpressAdapter(), appOptions));
}

/** Serves the docs, runs the start-up hooks; on failure closes the app, so the database file is released. */
async function initialised<T extends INestApplication>(app: T, ready?: () => PromiseLike<unknown>): Promise<T> {
  try {
    setupSwagger(app);
    await app.init();
    await ready?.();
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
