import { describe, expect, it } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request, { type Response } from 'supertest';
import type { App } from 'supertest/types.js';
import { ADAPTERS, type AdapterName, initialised, ProtectedController, UsersModule } from '../support/apps.js';
import {
  detail,
  ENDPOINT_ERROR_FORMATS,
  expectError,
  INVALID_CREDENTIALS,
  INVALID_PAYLOAD,
  nonField,
  NOT_A_STRING,
  OBTAIN,
  postForm,
  postRaw,
  REQUIRED,
  tokenModule,
  tokenOf,
  USER_NOT_FOUND,
  useTokenApp,
  VERIFY,
} from '../support/endpoints.js';
import { adminClaims, now, payloadOf, signHs } from '../support/tokens.js';

/**
 * Issue #14: each item measured against the real djangorestframework-jwt 1.11.0 (Django 3.2,
 * DRF 3.14), one test per item on both adapters. The expected bodies are upstream's, byte for
 * byte, unless the README lists the item among the deliberate differences (then the test says so).
 */

const BOUNDARY = 'parity-boundary';
const LOGIN = { username: 'admin', password: 'abc123' };

/** A POST with these bytes and no Content-Type header at all (supertest sets none for a Buffer). */
function postWithoutContentType(server: App, path: string, body: string): Promise<Response> {
  return request(server).post(path).send(Buffer.from(body));
}

function multipart(parts: { name: string; value: string; filename?: string }[]): string {
  const encoded = parts.map(({ name, value, filename }) => {
    const file = filename === undefined ? '' : `; filename="${filename}"\r\nContent-Type: text/plain`;
    return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${file}\r\n\r\n${value}\r\n`;
  });
  return `${encoded.join('')}--${BOUNDARY}--\r\n`;
}

/** A form of `count` fields, the login's two among them (Django counts `&` separators plus one). */
function formOfFields(count: number, trailingAmpersand = false): string {
  const filler = Array.from({ length: count - 2 }, (_, i) => `f${i}=v`);
  return [...filler, 'username=admin', 'password=abc123'].join('&') + (trailingAmpersand ? '&' : '');
}

describe.each(ADAPTERS)('issue #14, letter-exact with djangorestframework-jwt, on %s', (adapter) => {
  describe.each(ENDPOINT_ERROR_FORMATS)('errorFormat %s', (format) => {
    const app = useTokenApp(adapter, { errorFormat: format });

    it('1. a JSON body that starts with a UTF-8 BOM: 400 with Python json’s message', async () => {
      const response = await postRaw(app.server, OBTAIN, 'application/json', `\ufeff${JSON.stringify(LOGIN)}`);
      expectError(
        response,
        format,
        400,
        detail('JSON parse error - Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)'),
        { raw: true },
      );
    });

    it('1. malformed JSON: DRF’s "JSON parse error - " and Python’s reason and position', async () => {
      const cases: [string, string][] = [
        ['{"username": "abc"', "Expecting ',' delimiter: line 1 column 19 (char 18)"],
        ['{"token":"abc",}', 'Expecting property name enclosed in double quotes: line 1 column 16 (char 15)'],
        ['{"username":NaN}', "Out of range float values are not JSON compliant: 'NaN'"],
        ['   ', 'Expecting value: line 1 column 4 (char 3)'],
        ['{"username":"a\tb"}', 'Invalid control character at: line 1 column 15 (char 14)'],
        ['{"a":1}\n\n x', 'Extra data: line 3 column 2 (char 10)'],
      ];
      for (const [body, reason] of cases) {
        const response = await postRaw(app.server, OBTAIN, 'application/json', body);
        expectError(response, format, 400, detail(`JSON parse error - ${reason}`));
      }
      const badUtf8 = await request(app.server)
        .post(OBTAIN)
        .set('Content-Type', 'application/json')
        .serialize((bytes: unknown) => bytes as string)
        .send(Buffer.from([...Buffer.from('{"username":"'), 0xff, ...Buffer.from('"}')]));
      expectError(
        badUtf8,
        format,
        400,
        detail("JSON parse error - 'utf-8' codec can't decode byte 0xff in position 13: invalid start byte"),
      );
    });

    it('2. a non-empty body with no Content-Type: 415 Unsupported media type ""', async () => {
      const response = await postWithoutContentType(app.server, OBTAIN, JSON.stringify(LOGIN));
      expectError(response, format, 415, detail('Unsupported media type "" in request.'), { raw: true });
      // An empty body is no data, whatever its type (DRF never picks a parser for it).
      const empty = await request(app.server).post(OBTAIN);
      expectError(empty, format, 400, { username: [REQUIRED], password: [REQUIRED] });
      const emptyText = await postRaw(app.server, OBTAIN, 'text/plain', '');
      expectError(emptyText, format, 400, { username: [REQUIRED], password: [REQUIRED] });
    });

    it('3. JSON 42, true and 1.0: "Expected a dictionary, but got int / bool / float."; an empty JSON body: both fields required', async () => {
      for (const [json, type] of [
        ['42', 'int'],
        ['true', 'bool'],
        ['1.0', 'float'],
        ['"abc"', 'str'],
      ]) {
        const response = await postRaw(app.server, OBTAIN, 'application/json', json);
        expectError(response, format, 400, nonField(`Invalid data. Expected a dictionary, but got ${type}.`), {
          raw: true,
        });
      }
      expectError(
        await postRaw(app.server, OBTAIN, 'application/json', 'null'),
        format,
        400,
        nonField('No data provided'),
      );
      const empty = await postRaw(app.server, OBTAIN, 'application/json', '');
      expectError(empty, format, 400, { username: [REQUIRED], password: [REQUIRED] }, { raw: true });
    });

    it('4. multipart without a boundary is a parse error; a username sent as a file is "Not a valid string."', async () => {
      const noBoundary = await postRaw(app.server, OBTAIN, 'multipart/form-data', 'garbage');
      expectError(noBoundary, format, 400, detail('Multipart form parse error - Invalid boundary in multipart: None'), {
        raw: true,
      });
      const file = multipart([
        { name: 'username', value: 'admin', filename: 'name.txt' },
        { name: 'password', value: 'abc123' },
      ]);
      const asFile = await postRaw(app.server, OBTAIN, `multipart/form-data; boundary=${BOUNDARY}`, file);
      expectError(asFile, format, 400, { username: [NOT_A_STRING] }, { raw: true });
      // A file beside a field of the same name comes after it, so it is the value read.
      const both = multipart([
        { name: 'username', value: 'admin' },
        { name: 'username', value: 'admin', filename: 'name.txt' },
        { name: 'password', value: 'abc123' },
      ]);
      const fieldThenFile = await postRaw(app.server, OBTAIN, `multipart/form-data; boundary=${BOUNDARY}`, both);
      expectError(fieldThenFile, format, 400, { username: [NOT_A_STRING] });
      // An empty filename is a field, as Django reads it.
      const emptyName = multipart([
        { name: 'username', value: 'admin', filename: '' },
        { name: 'password', value: 'abc123' },
      ]);
      tokenOf(await postRaw(app.server, OBTAIN, `multipart/form-data; boundary=${BOUNDARY}`, emptyName));
    });

    it('5. a form of more than 1,000 fields is a 400 on both adapters (Django’s DATA_UPLOAD_MAX_NUMBER_FIELDS)', async () => {
      const tooMany = detail('The number of fields exceeded 1000.');
      expectError(await postForm(app.server, OBTAIN, formOfFields(1502)), format, 400, tooMany, { raw: true });
      expectError(await postForm(app.server, OBTAIN, formOfFields(1000, true)), format, 400, tooMany);
      tokenOf(await postForm(app.server, OBTAIN, formOfFields(1000)));
    });

    it('6. an Accept header no renderer satisfies: 406, before the method or the body is looked at', async () => {
      const notAcceptable = detail('Could not satisfy the request Accept header.');
      for (const accept of ['application/xml', 'foo', '']) {
        const response = await request(app.server).post(OBTAIN).set('Accept', accept).send(LOGIN);
        expectError(response, format, 406, notAcceptable, { raw: true });
      }
      const get = await request(app.server).get(OBTAIN).set('Accept', 'application/xml');
      expectError(get, format, 406, notAcceptable);
      const malformed = await request(app.server)
        .post(OBTAIN)
        .set('Content-Type', 'application/json')
        .set('Accept', 'text/csv')
        .send('{');
      expectError(malformed, format, 406, notAcceptable);
      // What upstream's JSONRenderer and browsable API accept; the module answers JSON to all.
      for (const accept of [
        'application/json',
        '*/*',
        'application/*',
        'application/json; q=0',
        'application/xml, application/json',
        'text/html',
        'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      ]) {
        const response = await request(app.server).post(OBTAIN).set('Accept', accept).send(LOGIN);
        expect({ accept, status: response.status }).toEqual({ accept, status: 200 });
        expect(response.headers['content-type']).toMatch(/^application\/json/);
      }
    });

    it('9. /API-TOKEN-AUTH/ in another case is no token endpoint: the app’s 404, for every method', async () => {
      for (const path of ['/API-TOKEN-AUTH/', '/Api-Token-Auth', '/API-TOKEN-VERIFY/']) {
        const post = await request(app.server).post(path).send(LOGIN);
        expect({ status: post.status, body: post.body as unknown }).toEqual({
          status: 404,
          body: { statusCode: 404, message: `Cannot POST ${path}`, error: 'Not Found' },
        });
        expect((await request(app.server).get(path)).status).toBe(404);
      }
      tokenOf(await request(app.server).post(OBTAIN).send(LOGIN));
    });

    it('10. every answer of the token endpoints carries Cache-Control: no-store, errors included', async () => {
      const answers = [
        await request(app.server).post(OBTAIN).send(LOGIN),
        await request(app.server).post(OBTAIN).send({ username: 'admin', password: 'wrong' }),
        await postRaw(app.server, OBTAIN, 'application/json', '{'),
        await postRaw(app.server, OBTAIN, 'text/plain', 'x'),
        await request(app.server).get(OBTAIN),
        await request(app.server).post(OBTAIN).set('Accept', 'application/xml').send(LOGIN),
        await postForm(app.server, OBTAIN, `password=${'a'.repeat(2 * 1024 * 1024)}`),
      ];
      expect(answers.map((response) => [response.status, response.headers['cache-control']])).toEqual(
        [200, 400, 400, 415, 405, 406, 413].map((status) => [status, 'no-store']),
      );
    });

    it('11. a 3 MB urlencoded form: the same 413 in the module’s format on both adapters (upstream reads it all)', async () => {
      const response = await postForm(app.server, OBTAIN, `username=admin&password=${'a'.repeat(3 * 1024 * 1024)}`);
      expectError(response, format, 413, detail('Request body is too large.'), { raw: true });
    });
  });

  describe('tokens and users (errorFormat drf)', () => {
    const app = useTokenApp(adapter, { errorFormat: 'drf' });

    it('7. a username claim that is a number names the user with those digits, as Django looks it up', async () => {
      app.users.add({ id: 42, username: '42', password: 'abc123', isActive: true });
      const token = signHs({ user_id: 42, username: 42, exp: now() + 300 });
      const verified = await request(app.server).post(VERIFY).send({ token });
      expect({ status: verified.status, body: verified.body as unknown }).toEqual({ status: 200, body: { token } });
      const guarded = await request(app.server).get('/protected-url').set('Authorization', `JWT ${token}`);
      expect({ status: guarded.status, body: guarded.body as unknown }).toEqual({
        status: 200,
        body: { username: '42' },
      });

      const nobody = signHs({ username: 43, exp: now() + 300 });
      expectError(await request(app.server).post(VERIFY).send({ token: nobody }), 'drf', 400, nonField(USER_NOT_FOUND));
      const refused = await request(app.server).get('/protected-url').set('Authorization', `JWT ${nobody}`);
      expect({ status: refused.status, body: refused.body as unknown }).toEqual({
        status: 401,
        body: { detail: 'Invalid signature.' },
      });
      // Python's false values are no username at all; other values name no user (upstream
      // looks up their Python text, "True" or "[42]"; here nothing is looked up).
      for (const [username, message] of [
        [0, INVALID_PAYLOAD],
        [[], INVALID_PAYLOAD],
        [true, USER_NOT_FOUND],
        [42.5, USER_NOT_FOUND],
        [[42], USER_NOT_FOUND],
        [2 ** 60, USER_NOT_FOUND],
      ] as [unknown, string][]) {
        const response = await request(app.server)
          .post(VERIFY)
          .send({ token: signHs({ username, exp: now() + 300 }) });
        expectError(response, 'drf', 400, nonField(message));
      }
    });

    it('8. a user without an email: the token carries "email": "", as with Django’s User', async () => {
      app.users.add({ id: 9, username: 'no-email', password: 'abc123', isActive: true });
      const response = await request(app.server).post(OBTAIN).send({ username: 'no-email', password: 'abc123' });
      const claims = payloadOf(tokenOf(response));
      expect(claims.email).toBe('');
      expect(Object.keys(claims).slice(0, 4)).toEqual(['user_id', 'username', 'exp', 'email']);
      const wrong = await request(app.server).post(OBTAIN).send({ username: 'no-email', password: 'x' });
      expectError(wrong, 'drf', 400, nonField(INVALID_CREDENTIALS));
      expect(payloadOf(signHs(adminClaims())).email).toBe('admin@example.com');
    });
  });
});

/** An app whose router ignores case (Express's default; Fastify's `caseSensitive: false`), with prefixes. */
async function caseInsensitiveApp(adapter: AdapterName): Promise<INestApplication> {
  @Module({
    imports: [UsersModule, tokenModule({ errorFormat: 'drf', routePrefix: 'Auth' })],
    controllers: [ProtectedController],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app =
    adapter === 'express'
      ? moduleRef.createNestApplication(new ExpressAdapter(), { logger: false })
      : moduleRef.createNestApplication<NestFastifyApplication>(
          new FastifyAdapter({ routerOptions: { caseSensitive: false } }),
          { logger: false },
        );
  app.setGlobalPrefix('v1');
  await initialised(adapter, app);
  return app;
}

describe.each(ADAPTERS)('issue #14, item 9, on %s with a router that ignores case', (adapter) => {
  it('serves the token endpoints at their exact path only, prefixes included', async () => {
    const app = await caseInsensitiveApp(adapter);
    try {
      const server = app.getHttpServer();
      tokenOf(await request(server).post('/v1/Auth/api-token-auth/').send(LOGIN));
      tokenOf(await request(server).post('/v1/Auth/api-token-auth').send(LOGIN));
      for (const path of ['/v1/auth/api-token-auth/', '/V1/Auth/api-token-auth/', '/v1/Auth/API-TOKEN-AUTH']) {
        const response = await request(server).post(path).send(LOGIN);
        expect({ path, status: response.status, body: response.body as unknown }).toEqual({
          path,
          status: 404,
          body: { statusCode: 404, message: `Cannot POST ${path}`, error: 'Not Found' },
        });
      }
      // The app's own routes keep its router's rule.
      expect((await request(server).get('/V1/PUBLIC')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
