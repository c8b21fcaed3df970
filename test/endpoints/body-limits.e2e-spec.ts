import { describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import request, { type Response } from 'supertest';
import type { App } from 'supertest/types.js';
import { ADAPTERS, ProtectedController, UsersModule } from '../support/apps.js';
import {
  ENDPOINT_ERROR_FORMATS,
  type EndpointErrorFormat,
  expectError,
  expectNoStackTrace,
  INVALID_CREDENTIALS,
  nonField,
  OBTAIN,
  postForm,
  postJson,
  postMultipart,
  postRaw,
  REFRESH,
  tokenModule,
  tokenOf,
  useTokenApp,
  VERIFY,
} from '../support/endpoints.js';
import { payloadOf } from '../support/tokens.js';

/**
 * Body limits of the token endpoints. The module reads every body itself, on both adapters: more
 * than 1 MiB (on Fastify, the app's bodyLimit when lower), a multipart field of 64 KiB or more,
 * or more than 20 multipart parts is a 413 in the module's error format, never a login with a
 * cut or dropped field.
 */

const TOO_LARGE = 'Request body is too large.';
const FIELD_LIMIT = 64 * 1024;
const BOUNDARY = 'body-limits-boundary';

function tooLargeBody(format: EndpointErrorFormat): object {
  return format === 'drf' ? { detail: TOO_LARGE } : { statusCode: 413, message: TOO_LARGE, error: 'Payload Too Large' };
}

function expectModuleTooLarge(response: Response, format: EndpointErrorFormat): void {
  expect({ status: response.status, text: response.text }).toEqual({
    status: 413,
    text: JSON.stringify(tooLargeBody(format)),
  });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
}

/** A multipart body written by hand: any number of parts, files included. */
function multipartBody(parts: { name: string; value: string | Buffer; filename?: string }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename ? 'Content-Type: application/octet-stream\r\n' : '';
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

function postMultipartBody(server: App, path: string, body: Buffer): Promise<Response> {
  return request(server).post(path).set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`).send(body);
}

describe.each(ADAPTERS)('body limits on %s', (adapter) => {
  describe.each(ENDPOINT_ERROR_FORMATS)('errorFormat %s', (format) => {
    const app = useTokenApp(adapter, { errorFormat: format, allowRefresh: true });

    it('refuses a multipart password of 64 KiB or more with 413, never logging in with the cut value', async () => {
      // Cut to the parser's 64 KiB, this password would be exactly the stored one.
      app.users.add({ id: 10, username: 'long', password: 'p'.repeat(FIELD_LIMIT), isActive: true });
      const cut = await postMultipart(app.server, OBTAIN, [
        ['username', 'long'],
        ['password', 'p'.repeat(FIELD_LIMIT + 4000)],
      ]);
      expectModuleTooLarge(cut, format);
      const exact = await postMultipart(app.server, OBTAIN, [
        ['username', 'long'],
        ['password', 'p'.repeat(FIELD_LIMIT)],
      ]);
      expectModuleTooLarge(exact, format);
    });

    it('accepts a multipart field just under 64 KiB', async () => {
      const password = 'q'.repeat(FIELD_LIMIT - 1);
      app.users.add({ id: 11, username: 'almost', password, isActive: true });
      const response = await postMultipart(app.server, OBTAIN, [
        ['username', 'almost'],
        ['password', password],
      ]);
      expect(payloadOf(tokenOf(response)).username).toBe('almost');
    });

    it('refuses a multipart body of more than 20 parts with 413, even when the fields come first', async () => {
      const extra = Array.from({ length: 19 }, (_, i) => ({ name: 'username', value: `other-${i}` }));
      const body = multipartBody([
        { name: 'username', value: 'admin' },
        { name: 'password', value: 'abc123' },
        ...extra,
      ]);
      expectModuleTooLarge(await postMultipartBody(app.server, OBTAIN, body), format);
    });

    it('refuses a multipart body over 1 MiB with 413 (a file part counts)', async () => {
      const body = multipartBody([
        { name: 'username', value: 'admin' },
        { name: 'password', value: 'abc123' },
        { name: 'upload', value: Buffer.alloc(1024 * 1024 + 1, 120), filename: 'big.bin' },
      ]);
      expectModuleTooLarge(await postMultipartBody(app.server, OBTAIN, body), format);
    });

    it('still accepts a small file part next to the fields (it is skipped)', async () => {
      const body = multipartBody([
        { name: 'username', value: 'admin' },
        { name: 'upload', value: Buffer.alloc(1000, 120), filename: 'small.bin' },
        { name: 'password', value: 'abc123' },
      ]);
      expect(payloadOf(tokenOf(await postMultipartBody(app.server, OBTAIN, body))).username).toBe('admin');
    });

    it.each([VERIFY, REFRESH])('refuses a multipart token of 64 KiB or more on %s with 413', async (path) => {
      const response = await postMultipart(app.server, path, [['token', 'x'.repeat(FIELD_LIMIT + 1)]]);
      expectModuleTooLarge(response, format);
    });

    // No time bound: on a shared machine one fails at random, and a hang meets the test's timeout.
    it('logs in with a 4 kB password from JSON, form and multipart bodies', async () => {
      const password = randomBytes(3072).toString('base64'); // 4096 characters
      app.users.add({ id: 12, username: 'four-k', password, isActive: true });
      const sends = [
        () => postJson(app.server, OBTAIN, { username: 'four-k', password }),
        () => postForm(app.server, OBTAIN, `username=four-k&password=${encodeURIComponent(password)}`),
        () =>
          postMultipart(app.server, OBTAIN, [
            ['username', 'four-k'],
            ['password', password],
          ]),
      ];
      for (const send of sends) {
        expect(payloadOf(tokenOf(await send())).username).toBe('four-k');
      }
      const response = await postJson(app.server, OBTAIN, { username: 'four-k', password: `${password.slice(1)}!` });
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
    });

    it.each([
      ['JSON', 'application/json', JSON.stringify({ username: 'admin', password: 'a'.repeat(2 * 1024 * 1024) })],
      ['form', 'application/x-www-form-urlencoded', `username=admin&password=${'a'.repeat(2 * 1024 * 1024)}`],
    ])('answers a %s body over 1 MiB with the module’s 413, on both adapters', async (_kind, contentType, body) => {
      expectModuleTooLarge(await postRaw(app.server, OBTAIN, contentType, body), format);
    });

    it('reads a JSON body of 200 kB (over Express’s own 100 kB limit) as on Fastify', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: 'a'.repeat(200 * 1024) });
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
    });
  });

  describe('routes of the app other than the token endpoints', () => {
    const app = useTokenApp(adapter);

    it('are left to the adapter: neither parses multipart bodies (Fastify answers 415 itself)', async () => {
      const response = await request(app.server)
        .post('/protected-url')
        .field('username', 'admin')
        .field('password', 'p'.repeat(FIELD_LIMIT + 1));
      expect(response.status).toBe(adapter === 'express' ? 401 : 415);
    });

    it('keep the adapter’s JSON parser and its limit (Express: 100 kB)', async () => {
      const response = await postJson(app.server, '/protected-url', { padding: 'p'.repeat(200 * 1024) });
      expect(response.status).toBe(adapter === 'express' ? 413 : 401);
      expectNoStackTrace(response);
    });
  });
});

describe('body limits on fastify with a lower bodyLimit', () => {
  it('applies the app’s bodyLimit to multipart logins too', async () => {
    @Module({ imports: [UsersModule, tokenModule({ errorFormat: 'drf' })], controllers: [ProtectedController] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: 2000 }), {
      logger: false,
    });
    try {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const server = app.getHttpServer();
      const small = await postMultipart(server, OBTAIN, [
        ['username', 'admin'],
        ['password', 'abc123'],
      ]);
      expect(payloadOf(tokenOf(small)).username).toBe('admin');
      const large = await postMultipart(server, OBTAIN, [
        ['username', 'admin'],
        ['password', 'p'.repeat(3000)],
      ]);
      expectModuleTooLarge(large, 'drf');
    } finally {
      await app.close();
    }
  });
});
