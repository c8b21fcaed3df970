import { type DynamicModule, type INestApplication, Module, type Type } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import type { App } from 'supertest/types.js';
import { addJwtAuthSecurity, type JwtAuthSecurityOptions } from '../../lib/openapi/index.js';
import { type AdapterName, createAppOn, initialised, ProtectedController, UsersModule } from '../support/apps.js';

export interface DocumentedApp {
  app: INestApplication;
  server: App;
  document: OpenAPIObject;
  close(): Promise<void>;
}

export interface DocumentedAppOptions {
  controllers?: Type<unknown>[];
  globalPrefix?: string;
  security?: JwtAuthSecurityOptions;
}

/**
 * A real app on the adapter whose OpenAPI document is made as a main.ts makes it: after the
 * app is created and before `app.init()` (which `listen()` would run). Then it is initialised
 * for supertest, so tests can compare the document with what the endpoints answer.
 */
export async function startDocumentedApp(
  adapter: AdapterName,
  jwtModule: DynamicModule,
  { controllers = [ProtectedController], globalPrefix, security }: DocumentedAppOptions = {},
): Promise<DocumentedApp> {
  @Module({ imports: [UsersModule, jwtModule], controllers })
  class AppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = createAppOn(adapter, moduleRef);
  if (globalPrefix !== undefined) app.setGlobalPrefix(globalPrefix);
  const config = addJwtAuthSecurity(new DocumentBuilder().setTitle('test'), security).build();
  const document = SwaggerModule.createDocument(app, config);
  await initialised(adapter, app);
  return { app, server: app.getHttpServer(), document, close: () => app.close() };
}

/** The operation, or a failure that names what the document has instead. */
export function operation(document: OpenAPIObject, path: string, method: 'get' | 'post') {
  const found = document.paths[path]?.[method];
  if (!found) throw new Error(`no ${method.toUpperCase()} ${path} in the document: ${Object.keys(document.paths)}`);
  return found;
}

/** The example bodies documented for one response of an operation. */
export function examplesOf(document: OpenAPIObject, path: string, status: number): Record<string, unknown> {
  const response = operation(document, path, 'post').responses[status] as {
    content?: Record<string, { examples?: Record<string, { value: unknown }> }>;
  };
  const examples = response?.content?.['application/json']?.examples;
  if (!examples) throw new Error(`no examples for ${status} of POST ${path}`);
  return Object.fromEntries(Object.entries(examples).map(([name, { value }]) => [name, value]));
}
