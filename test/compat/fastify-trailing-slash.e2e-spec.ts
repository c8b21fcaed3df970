import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { SECRET, UsersModule } from '../support/apps.js';

@Module({ imports: [UsersModule, JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] })] })
class AppModule {}

/** The module adds slash twins only where Fastify matches slashes strictly; otherwise they would clash. */
describe.each([
  ['strict slashes (Fastify default)', undefined],
  ['ignoreTrailingSlash', { ignoreTrailingSlash: true }],
  ['routerOptions.ignoreTrailingSlash', { routerOptions: { ignoreTrailingSlash: true } }],
])('token endpoints on Fastify with %s', (_name, adapterOptions) => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(adapterOptions), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it.each(['/api-token-auth/', '/api-token-auth'])('logs in at %s', async (path) => {
    const response = await request(app.getHttpServer()).post(path).send({ username: 'admin', password: 'abc123' });
    expect(response.status).toBe(200);
    expect(typeof response.body.token).toBe('string');
  });

  it('answers application/xml with the module 415 on the slash form', async () => {
    const response = await request(app.getHttpServer())
      .post('/api-token-verify/')
      .set('Content-Type', 'application/xml')
      .send('<token/>');
    expect(response.status).toBe(415);
    expect(response.body.message).toBe('Unsupported media type "application/xml" in request.');
  });
});
