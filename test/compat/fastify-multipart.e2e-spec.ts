import multipart from '@fastify/multipart';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { SECRET, UsersModule } from '../support/apps.js';
import { payloadOf } from '../support/tokens.js';

@Module({ imports: [UsersModule, JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] })] })
class AppModule {}

/**
 * The module adds a multipart parser on Fastify only when the app has none. Apps that use
 * @fastify/multipart (directly, or through Nest's upload interceptors) must keep starting,
 * and multipart logins must keep working whichever way the plugin hands over the fields.
 */
describe('multipart logins on Fastify alongside @fastify/multipart', () => {
  // Every row names its adapter options: jest-each takes a missing last argument for `done`.
  const setups: [string, (app: NestFastifyApplication) => Promise<unknown> | unknown, object | undefined][] = [
    ['without the plugin (the module parses)', () => undefined, undefined],
    ['plugin registered and awaited', (app) => app.register(multipart), undefined],
    ['plugin registered without await', (app) => void app.register(multipart), undefined],
    [
      'plugin with attachFieldsToBody: "keyValues"',
      (app) => app.register(multipart, { attachFieldsToBody: 'keyValues' }),
      undefined,
    ],
    ['plugin with attachFieldsToBody: true', (app) => app.register(multipart, { attachFieldsToBody: true }), undefined],
    ["Nest's adapter option multipart: true", () => undefined, { multipart: true }],
  ];

  it.each(setups)('%s', async (_name, setup, adapterOptions) => {
    const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(adapterOptions), {
      logger: false,
    });
    try {
      await setup(app);
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const ok = await request(app.getHttpServer())
        .post('/api-token-auth/')
        .field('username', 'admin')
        .field('password', 'abc123');
      expect(ok.status).toBe(200);
      expect(payloadOf(ok.body.token).username).toBe('admin');
      const missing = await request(app.getHttpServer()).post('/api-token-auth/').field('username', 'admin');
      expect(missing.status).toBe(400);
      expect(missing.body.message).toEqual(['password: This field is required.']);
    } finally {
      await app.close();
    }
  });
});
