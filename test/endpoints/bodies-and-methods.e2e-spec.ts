import { describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import {
  BLANK,
  DECODE_ERROR,
  detail,
  ENDPOINT_ERROR_FORMATS,
  ENDPOINT_FIELDS,
  ENDPOINTS,
  type EndpointPath,
  expectError,
  expectNoStackTrace,
  INVALID_TOKEN,
  nonField,
  NOT_A_STRING,
  NULL,
  NULL_CHARACTERS,
  OBTAIN,
  postForm,
  postJson,
  postRaw,
  REFRESH,
  REQUIRED,
  tokenOf,
  useTokenApp,
  VERIFY,
} from '../support/endpoints.js';
import { adminClaims, now, signHs } from '../support/tokens.js';

const REFUSED_METHODS = ['GET', 'PUT', 'PATCH', 'DELETE'] as const;
type RefusedMethod = (typeof REFUSED_METHODS)[number];

/** The same field errors for every field the endpoint reads. */
function allFields(path: EndpointPath, message: string): Record<string, string[]> {
  return Object.fromEntries(ENDPOINT_FIELDS[path].map((field) => [field, [message]]));
}

function send(server: Parameters<typeof request>[0], method: RefusedMethod | 'HEAD', path: string): Promise<Response> {
  const agent = request(server);
  switch (method) {
    case 'GET':
      return agent.get(path);
    case 'PUT':
      return agent.put(path);
    case 'PATCH':
      return agent.patch(path);
    case 'DELETE':
      return agent.delete(path);
    case 'HEAD':
      return agent.head(path);
  }
}

const BOUNDARY = 'nest-rest-jwt-test-boundary';
const HUGE = 'a'.repeat(200 * 1024);

/** Bodies no client should send: each must be answered, and never with a 5xx. */
const ODD_BODIES: [name: string, contentType: string, body: string][] = [
  ['JSON null', 'application/json', 'null'],
  ['a JSON string', 'application/json', '"abc"'],
  ['a JSON empty string', 'application/json', '""'],
  ['JSON 0', 'application/json', '0'],
  ['JSON -0', 'application/json', '-0'],
  ['JSON 1e400', 'application/json', '1e400'],
  ['JSON true', 'application/json', 'true'],
  ['an empty JSON array', 'application/json', '[]'],
  ['a JSON array of objects', 'application/json', '[{"username":"admin","password":"abc123"}]'],
  ['an empty body declared as JSON', 'application/json', ''],
  ['a JSON body with a BOM', 'application/json', '\ufeff{"token":"x"}'],
  [
    'nested objects in every field',
    'application/json',
    '{"username":{"a":{"b":[1,{"c":null}]}},"password":[[[]]],"token":{"$ne":null}}',
  ],
  ['numbers in every field', 'application/json', '{"username":1e400,"password":-0,"token":123}'],
  [
    'NUL characters in every field',
    'application/json',
    '{"username":"\\u0000","password":"\\u0000","token":"\\u0000"}',
  ],
  ['unicode in every field', 'application/json', '{"username":"ünïcødé 😀","password":"😀","token":"😀.😀.😀"}'],
  [
    'lone surrogates in every field',
    'application/json',
    '{"username":"\\ud800","password":"\\udfff","token":"\\ud800"}',
  ],
  ['a 200 kB token', 'application/json', JSON.stringify({ token: HUGE })],
  ['a 200 kB dotted token', 'application/json', JSON.stringify({ token: `${HUGE}.${HUGE.slice(0, 1000)}.x` })],
  ['a 200 kB username', 'application/json', JSON.stringify({ username: HUGE, password: 'abc123' })],
  ['a __proto__ key', 'application/json', '{"__proto__":{"username":"admin","token":"x"},"password":"abc123"}'],
  ['a constructor.prototype key', 'application/json', '{"constructor":{"prototype":{"username":"admin"}}}'],
  ['deeply nested arrays', 'application/json', `{"token":${'['.repeat(5000)}${']'.repeat(5000)}}`],
  [
    'duplicate keys',
    'application/json',
    '{"username":"admin","password":"abc123","username":"ghost","token":"a","token":"b"}',
  ],
  ['JSON with a latin1 charset', 'application/json; charset=latin1', '{"token":"x"}'],
  ['a +json media type', 'application/vnd.api+json', '{"token":"x"}'],
  ['bracketed form keys', 'application/x-www-form-urlencoded', 'username[a]=1&password[]=x&token[b][c]=d'],
  ['a form __proto__ key', 'application/x-www-form-urlencoded', '__proto__[username]=admin&__proto__[token]=x'],
  ['bad percent-encoding in a form', 'application/x-www-form-urlencoded', 'username=%ZZ&password=%&token=%E0%A4%A'],
  ['NUL characters in a form', 'application/x-www-form-urlencoded', 'username=%00&password=%00&token=%00'],
  ['a 200 kB form field', 'application/x-www-form-urlencoded', `token=${HUGE}&username=${HUGE}`],
  ['multipart without a boundary', 'multipart/form-data', 'garbage'],
  ['multipart with a garbage body', `multipart/form-data; boundary=${BOUNDARY}`, 'garbage'],
  [
    'truncated multipart',
    `multipart/form-data; boundary=${BOUNDARY}`,
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc`,
  ],
  [
    'multipart with a file part',
    `multipart/form-data; boundary=${BOUNDARY}`,
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="username"\r\n\r\nadmin\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="token"; filename="t.txt"\r\n` +
      `Content-Type: text/plain\r\n\r\nfile content\r\n--${BOUNDARY}--\r\n`,
  ],
  [
    'multipart with many parts',
    `multipart/form-data; boundary=${BOUNDARY}`,
    Array.from(
      { length: 100 },
      (_, i) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`,
    ).join('') + `--${BOUNDARY}--\r\n`,
  ],
  ['text/html', 'text/html', '<b>hi</b>'],
  ['application/octet-stream', 'application/octet-stream', '\u0000\u0001\u0002'],
  ['a content type of only parameters', ';;charset=utf-8', 'x'],
];

describe.each(ADAPTERS)('bodies and methods on %s', (adapter) => {
  describe.each(ENDPOINT_ERROR_FORMATS)('errorFormat %s', (format) => {
    const app = useTokenApp(adapter, { errorFormat: format });

    describe.each(ENDPOINTS)('%s', (path) => {
      it('refuses a JSON array: "Invalid data. Expected a dictionary, but got list." (raw text too)', async () => {
        const response = await postRaw(app.server, path, 'application/json', '[1,2]');
        expectError(response, format, 400, nonField('Invalid data. Expected a dictionary, but got list.'), {
          raw: true,
        });
      });

      it('refuses a JSON array of objects as a list too', async () => {
        const response = await postJson(app.server, path, [{ username: 'admin', password: 'abc123', token: 'x' }]);
        expectError(response, format, 400, nonField('Invalid data. Expected a dictionary, but got list.'));
      });

      // Both adapters: the module reads the bytes itself (Express's strict JSON parser and
      // Fastify's let the token routes by), so every JSON value gets DRF's answer.
      it.each([
        ['"abc"', 'str'],
        ['42', 'int'],
        ['1.5', 'float'],
        ['1.0', 'float'],
        ['true', 'bool'],
      ])('refuses the JSON value %s: "...but got %s."', async (json, pythonType) => {
        const response = await postRaw(app.server, path, 'application/json', json);
        expectError(response, format, 400, nonField(`Invalid data. Expected a dictionary, but got ${pythonType}.`));
      });

      it('refuses JSON null: "No data provided"', async () => {
        const response = await postRaw(app.server, path, 'application/json', 'null');
        expectError(response, format, 400, nonField('No data provided'), { raw: true });
      });

      it('answers text/plain with 415 {"detail":"Unsupported media type \\"text/plain\\" in request."}', async () => {
        const response = await postRaw(app.server, path, 'text/plain', 'username=admin');
        expectError(response, format, 415, detail('Unsupported media type "text/plain" in request.'), { raw: true });
      });

      it('echoes "text/plain; charset=utf-8" in full in the 415 message', async () => {
        const response = await postRaw(app.server, path, 'text/plain; charset=utf-8', 'x');
        expectError(response, format, 415, detail('Unsupported media type "text/plain; charset=utf-8" in request.'));
      });

      it('answers application/xml with the same 415 body', async () => {
        const response = await postRaw(app.server, path, 'application/xml', '<token>x</token>');
        expectError(response, format, 415, detail('Unsupported media type "application/xml" in request.'));
      });

      it('answers application/vnd.api+json (not a documented type) with the same 415 body', async () => {
        const response = await postRaw(app.server, path, 'application/vnd.api+json', '{"token":"x"}');
        expectError(response, format, 415, detail('Unsupported media type "application/vnd.api+json" in request.'));
      });

      it('reports every field as required when there is no content type and no body', async () => {
        const response = await request(app.server).post(path);
        expectError(response, format, 400, allFields(path, REQUIRED));
      });

      it('reports every field as required for an empty JSON object', async () => {
        expectError(await postJson(app.server, path, {}), format, 400, allFields(path, REQUIRED));
      });

      it('reports every field as required for an empty form body', async () => {
        expectError(await postForm(app.server, path, ''), format, 400, allFields(path, REQUIRED));
      });

      it('answers malformed JSON with 400, without a stack trace', async () => {
        const response = await postRaw(app.server, path, 'application/json', '{"token": "abc"');
        expect(response.status).toBe(400);
        expectNoStackTrace(response);
      });

      it('answers JSON with a trailing comma with 400, without a stack trace', async () => {
        const response = await postRaw(app.server, path, 'application/json', '{"token":"abc",}');
        expect(response.status).toBe(400);
        expectNoStackTrace(response);
      });

      it.each(REFUSED_METHODS)(
        'answers %s with 405 {"detail":"Method \\"%s\\" not allowed."} and Allow',
        async (method) => {
          const response = await send(app.server, method, path);
          expectError(response, format, 405, detail(`Method "${method}" not allowed.`), { raw: method === 'GET' });
          expect(response.headers.allow).toBe('POST');
          expect(response.headers.allow).not.toMatch(/\bGET\b/);
        },
      );

      it.each(REFUSED_METHODS)('answers %s without the trailing slash with 405 too', async (method) => {
        const response = await send(app.server, method, path.slice(0, -1));
        expectError(response, format, 405, detail(`Method "${method}" not allowed.`));
      });

      it('answers a GET with a query string with 405 too', async () => {
        const response = await send(app.server, 'GET', `${path}?username=admin&password=abc123&token=x`);
        expectError(response, format, 405, detail('Method "GET" not allowed.'));
      });

      it.each([path, path.slice(0, -1)])('answers HEAD %s with 405, an Allow header and no body', async (url) => {
        const response = await send(app.server, 'HEAD', url);
        expect(response.status).toBe(405);
        expect(response.headers.allow).toMatch(/\bPOST\b/);
        expect(response.text ?? '').toBe('');
      });

      if (path !== OBTAIN) {
        it('reports an empty token as "This field may not be blank."', async () => {
          expectError(await postJson(app.server, path, { token: '' }), format, 400, { token: [BLANK] });
        });

        it('reports a whitespace-only token as "This field may not be blank."', async () => {
          expectError(await postJson(app.server, path, { token: ' \n\t ' }), format, 400, { token: [BLANK] });
        });

        it('reports a null token as "This field may not be null."', async () => {
          expectError(await postJson(app.server, path, { token: null }), format, 400, { token: [NULL] });
        });

        it.each([
          ['an object', { value: 'x' }],
          ['an array', ['x']],
          ['a boolean', false],
        ])('reports a token that is %s as "Not a valid string."', async (_kind, token) => {
          expectError(await postJson(app.server, path, { token }), format, 400, { token: [NOT_A_STRING] });
        });

        it('reads a number token as a string: "Error decoding signature."', async () => {
          expectError(await postJson(app.server, path, { token: 123 }), format, 400, nonField(DECODE_ERROR));
        });

        it('reports a NUL character in the token as "Null characters are not allowed."', async () => {
          const token = `${signHs(adminClaims({ orig_iat: now() }))}\u0000`;
          expectError(await postJson(app.server, path, { token }), format, 400, { token: [NULL_CHARACTERS] });
        });

        it('answers a 200 kB token with 400 "Error decoding signature." (under the 1 MiB body limit)', async () => {
          const response = await postJson(app.server, path, { token: HUGE });
          expectError(response, format, 400, nonField(DECODE_ERROR));
        });

        it('answers a 50 kB token with 400 "Error decoding signature."', async () => {
          const response = await postJson(app.server, path, { token: HUGE.slice(0, 50 * 1024) });
          expectError(response, format, 400, nonField(DECODE_ERROR));
        });
      }

      it('never answers an odd body with a 5xx', async () => {
        const failures: { name: string; status: number }[] = [];
        for (const [name, contentType, body] of ODD_BODIES) {
          const response = await postRaw(app.server, path, contentType, body);
          if (response.status >= 500 || response.status < 400) failures.push({ name, status: response.status });
          expectNoStackTrace(response);
        }
        // Every odd body is refused (4xx), none breaks the server (5xx).
        expect(failures).toEqual([]);
      });
    });
  });

  describe('the Authorization header is ignored on the endpoints', () => {
    const app = useTokenApp(adapter, { allowRefresh: true, errorFormat: 'drf' });

    it.each(['JWT', 'JWT garbage', 'JWT a b c', 'Bearer xyz', 'garbage', 'JWT '.repeat(100)])(
      'logs in with Authorization: %s',
      async (header) => {
        const response = await request(app.server)
          .post(OBTAIN)
          .set('Authorization', header.trim())
          .send({ username: 'admin', password: 'abc123' });
        expect(response.body).toEqual({ token: tokenOf(response) });
      },
    );

    it('verifies the body token when the Authorization header carries an expired token', async () => {
      const token = signHs(adminClaims());
      const response = await request(app.server)
        .post(VERIFY)
        .set('Authorization', `JWT ${signHs(adminClaims({ exp: now() - 10 }))}`)
        .send({ token });
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 200, body: { token } });
    });

    it('does not fall back to a valid Authorization token when the body token is invalid', async () => {
      const response = await request(app.server)
        .post(VERIFY)
        .set('Authorization', `JWT ${signHs(adminClaims())}`)
        .send({ token: signHs(adminClaims(), { alg: 'HS384' }) });
      expectError(response, 'drf', 400, nonField(INVALID_TOKEN));
    });

    it('does not read the token from the Authorization header when the body has none', async () => {
      const response = await request(app.server)
        .post(REFRESH)
        .set('Authorization', `JWT ${signHs(adminClaims())}`);
      expectError(response, 'drf', 400, { token: [REQUIRED] });
    });

    it('refreshes the body token whatever the Authorization header says', async () => {
      const token = signHs(adminClaims({ orig_iat: now() - 10 }));
      const response = await request(app.server).post(REFRESH).set('Authorization', 'JWT a b').send({ token });
      expect(response.body).toEqual({ token: tokenOf(response) });
    });
  });
});
