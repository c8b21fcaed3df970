import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import { generateKeyPairSync } from 'node:crypto';
import request, { type Response } from 'supertest';
import { type ErrorFormat, JwtAuthModule, MemoryRevocationStore, type RevocationStore } from '../../lib/index.js';
import { JWT_AUTH_OPENAPI_TAG } from '../../lib/openapi/index.js';
import { ADAPTERS, SECRET, UsersModule } from '../support/apps.js';
import { adminClaims, now, signHs } from '../support/tokens.js';
import { type DocumentedApp, examplesOf, operation, startDocumentedApp } from './documented-app.js';

const FORM_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];
const ROUTES = ['api-token-auth', 'api-token-refresh', 'api-token-verify', 'api-token-revoke', 'api-token-revoke-all'];
const JWKS_PATH = '/.well-known/jwks.json';

type Schema = { type?: string; required?: string[]; properties?: Record<string, unknown> };
const jsonSchemaOf = (document: OpenAPIObject, path: string, status: number): Schema =>
  (operation(document, path, 'post').responses[status] as { content: Record<string, { schema: Schema }> }).content[
    'application/json'
  ].schema;
const headersOf = (document: OpenAPIObject, path: string, status: number) =>
  (operation(document, path, 'post').responses[status] as { headers?: Record<string, { schema: { enum?: string[] } }> })
    .headers ?? {};
/** The seconds of a throttling message change from one run to the next. */
const withoutSeconds = (body: unknown) => JSON.parse(JSON.stringify(body).replace(/in \d+ seconds?/g, 'in N seconds'));

describe.each(ADAPTERS)('the module in the app’s OpenAPI document (%s)', (adapter) => {
  describe.each(['nest', 'drf'] as ErrorFormat[])('errorFormat %s', (errorFormat) => {
    let t: DocumentedApp;
    /** Each candidate path and whether the controller serves it (lead work adds revoke and revoke-all). */
    const served = new Map<string, boolean>();
    beforeAll(async () => {
      t = await startDocumentedApp(
        adapter,
        JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule], errorFormat, loginThrottle: { limit: 2 } }),
      );
      for (const route of ROUTES) {
        const status = (await request(t.server).post(`/${route}/`).send({})).status;
        served.set(`/${route}`, status !== 404);
      }
    });
    afterAll(() => t?.close());

    it('has a POST operation for each endpoint the controller serves, and nothing else', () => {
      // Upstream's three are always there; the others only once the controller has them.
      for (const path of ['/api-token-auth', '/api-token-refresh', '/api-token-verify'])
        expect(served.get(path)).toBe(true);
      for (const [path, isServed] of served) {
        // The 405 handlers (GET, PUT, PATCH, DELETE) are answers of the POST, not operations.
        if (isServed) expect(Object.keys(t.document.paths[path] ?? {})).toEqual(['post']);
        else expect(t.document.paths[path]).toBeUndefined();
      }
      expect(t.document.paths[JWKS_PATH]).toBeUndefined();
      expect(operation(t.document, '/api-token-auth', 'post').tags).toEqual([JWT_AUTH_OPENAPI_TAG]);
    });

    it('takes JSON, form-urlencoded and multipart bodies', () => {
      const bodyOf = (path: string) =>
        operation(t.document, path, 'post').requestBody as {
          required: boolean;
          content: Record<string, { schema: Schema }>;
        };
      const login = bodyOf('/api-token-auth');
      expect(login.required).toBe(true);
      expect(Object.keys(login.content)).toEqual(FORM_TYPES);
      for (const type of FORM_TYPES) {
        expect(login.content[type].schema).toMatchObject({
          type: 'object',
          required: ['username', 'password'],
          properties: { username: { type: 'string' }, password: { type: 'string', format: 'password' } },
        });
      }
      for (const path of ['/api-token-refresh', '/api-token-verify']) {
        expect(Object.keys(bodyOf(path).content)).toEqual(FORM_TYPES);
        expect(bodyOf(path).content['multipart/form-data'].schema).toMatchObject({ required: ['token'] });
      }
      if (served.get('/api-token-revoke')) {
        // Optional: without a token the request's own credentials are revoked.
        const revoke = bodyOf('/api-token-revoke');
        expect(revoke.required).toBe(false);
        expect(revoke.content['application/json'].schema.required).toBeUndefined();
        expect(revoke.content['application/json'].schema.properties).toHaveProperty('token');
      }
    });

    it('documents the success body, {token}, with Cache-Control: no-store', async () => {
      for (const path of ['/api-token-auth', '/api-token-refresh', '/api-token-verify']) {
        expect(jsonSchemaOf(t.document, path, 200)).toEqual({
          type: 'object',
          required: ['token'],
          properties: { token: expect.objectContaining({ type: 'string' }) },
        });
        expect(headersOf(t.document, path, 200)['Cache-Control'].schema.enum).toEqual(['no-store']);
      }
      const response = await request(t.server)
        .post('/api-token-auth/')
        .type('form')
        .send('username=admin&password=abc123');
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual(['token']);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('400: the documented examples are the bodies the endpoints send', async () => {
      const login = examplesOf(t.document, '/api-token-auth', 400);
      const post = (route: string, body: object): Promise<Response> => request(t.server).post(route).send(body);
      expect((await post('/api-token-auth/', {})).body).toEqual(login.missing);
      expect((await post('/api-token-auth/', { username: 'admin', password: '' })).body).toEqual(login.blank);
      expect((await post('/api-token-auth/', { username: 'admin', password: 'wrong' })).body).toEqual(
        login.credentials,
      );

      const expired = signHs(adminClaims({ exp: now() - 60, orig_iat: now() - 600 }));
      for (const route of ['/api-token-verify', '/api-token-refresh']) {
        const examples = examplesOf(t.document, route, 400);
        expect((await post(`${route}/`, {})).body).toEqual(examples.missing);
        expect((await post(`${route}/`, { token: expired })).body).toEqual(examples.expired);
      }
      const verify = examplesOf(t.document, '/api-token-verify', 400);
      expect((await post('/api-token-verify/', { token: 'not.a.token' })).body).toEqual(verify.decode);
      if (served.get('/api-token-revoke')) {
        const revoke = examplesOf(t.document, '/api-token-revoke', 400);
        expect((await post('/api-token-revoke/', { token: 'not.a.token' })).body).toEqual(revoke.decode);
        const noJti = signHs(adminClaims());
        expect((await post('/api-token-revoke/', { token: noJti })).body).toEqual(revoke.no_token_id);
      }
    });

    it('400: the schema is the error format’s', () => {
      const schema = jsonSchemaOf(t.document, '/api-token-auth', 400);
      if (errorFormat === 'drf') {
        expect(Object.keys(schema.properties ?? {})).toEqual(['username', 'password', 'non_field_errors']);
        expect(schema.properties?.non_field_errors).toEqual({ type: 'array', items: { type: 'string' } });
        expect(jsonSchemaOf(t.document, '/api-token-auth', 415)).toMatchObject({ required: ['detail'] });
      } else {
        expect(schema.required).toEqual(['statusCode', 'message', 'error']);
        expect(schema.properties?.statusCode).toEqual({ type: 'integer', enum: [400] });
        expect(jsonSchemaOf(t.document, '/api-token-auth', 415).properties?.statusCode).toEqual({
          type: 'integer',
          enum: [415],
        });
      }
    });

    it('405, 415 and 413 as the endpoints answer them', async () => {
      for (const path of ['/api-token-auth', '/api-token-refresh', '/api-token-verify']) {
        const response = await request(t.server).get(`${path}/`);
        expect(response.status).toBe(405);
        expect(response.body).toEqual(examplesOf(t.document, path, 405).get);
        expect(headersOf(t.document, path, 405).Allow.schema.enum).toEqual([response.headers.allow]);

        const text = await request(t.server).post(`${path}/`).set('Content-Type', 'text/plain').send('token=x');
        expect(text.status).toBe(415);
        expect(text.body).toEqual(examplesOf(t.document, path, 415).text);
      }
      // A multipart field of 64 KiB or more is refused whole, never truncated.
      const large = await request(t.server)
        .post('/api-token-auth/')
        .field('username', 'a'.repeat(70 * 1024))
        .field('password', 'x');
      expect(large.status).toBe(413);
      expect(large.body).toEqual(examplesOf(t.document, '/api-token-auth', 413).tooLarge);
    });

    it('429 for login throttling, with Retry-After', async () => {
      expect(operation(t.document, '/api-token-refresh', 'post').responses[429]).toBeUndefined();
      const attempt = () =>
        request(t.server).post('/api-token-auth/').send({ username: 'throttled', password: 'wrong' });
      await attempt();
      await attempt();
      const refused = await attempt();
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(headersOf(t.document, '/api-token-auth', 429)).toHaveProperty('Retry-After');
      expect(withoutSeconds(refused.body)).toEqual(
        withoutSeconds(examplesOf(t.document, '/api-token-auth', 429).throttled),
      );
    });

    it('the endpoints are public; revoke takes credentials optionally, revoke-all requires them', async () => {
      for (const path of ['/api-token-auth', '/api-token-refresh', '/api-token-verify']) {
        expect(operation(t.document, path, 'post').security).toEqual([]);
      }
      if (served.get('/api-token-revoke')) {
        expect(operation(t.document, '/api-token-revoke', 'post').security).toEqual([{}, { JWT: [] }]);
      }
      if (served.get('/api-token-revoke-all')) {
        expect(operation(t.document, '/api-token-revoke-all', 'post').security).toEqual([{ JWT: [] }]);
        const response = await request(t.server).post('/api-token-revoke-all/');
        expect(response.status).toBe(401);
        expect(response.body).toEqual(examplesOf(t.document, '/api-token-revoke-all', 401).missing);
        expect(headersOf(t.document, '/api-token-revoke-all', 401)['WWW-Authenticate'].schema.enum).toEqual([
          response.headers['www-authenticate'],
        ]);
      }
    });
  });

  describe('what the options change', () => {
    let t: DocumentedApp | undefined;
    const start = async (...args: Parameters<typeof startDocumentedApp>) => {
      await t?.close();
      t = await startDocumentedApp(...args);
      return t;
    };
    afterAll(() => t?.close());
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

    it('routePrefix (below the global prefix) moves the documented paths with the routes', async () => {
      const app = await start(
        adapter,
        JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule], routePrefix: 'auth' }),
        { globalPrefix: 'api' },
      );
      const paths = Object.keys(app.document.paths).filter((path) => path.includes('api-token'));
      expect(paths).toEqual(expect.arrayContaining(['/api/auth/api-token-auth', '/api/auth/api-token-verify']));
      expect(paths.every((path) => path.startsWith('/api/auth/api-token-'))).toBe(true);
      const login = await request(app.server)
        .post('/api/auth/api-token-auth/')
        .send({ username: 'admin', password: 'abc123' });
      expect(login.status).toBe(200);
    });

    it('jwks: GET /.well-known/jwks.json, public, with the key set', async () => {
      const app = await start(
        adapter,
        JwtAuthModule.forRoot({ algorithm: 'ES256', privateKey: ec.privateKey, imports: [UsersModule], jwks: true }),
      );
      const get = app.document.paths[JWKS_PATH]?.get;
      expect(get?.security).toEqual([]);
      expect(get?.tags).toEqual([JWT_AUTH_OPENAPI_TAG]);
      type KeySet = Schema & { properties: { keys: { items: Schema } } };
      const ok = get?.responses[200] as unknown as { content: Record<string, { schema: KeySet }> };
      const schema = ok.content['application/json'].schema;
      const response = await request(app.server).get(JWKS_PATH);
      expect(response.status).toBe(200);
      for (const key of response.body.keys as Record<string, unknown>[]) {
        for (const member of schema.properties.keys.items.required ?? []) expect(key).toHaveProperty(member);
        for (const member of Object.keys(key)) expect(schema.properties.keys.items.properties).toHaveProperty(member);
      }
    });

    it('verifyOnly: no login or refresh operations (they answer 404)', async () => {
      const app = await start(
        adapter,
        JwtAuthModule.forRoot({
          imports: [UsersModule],
          verifyOnly: true,
          algorithm: 'ES256',
          verifyKeys: [{ kid: 'k1', key: ec.publicKey, algorithm: 'ES256' }],
        }),
      );
      expect((await request(app.server).post('/api-token-auth/').send({})).status).toBe(404);
      expect(app.document.paths['/api-token-auth']).toBeUndefined();
      expect(app.document.paths['/api-token-refresh']).toBeUndefined();
      expect(operation(app.document, '/api-token-verify', 'post').responses[200]).toBeDefined();
    });

    it('loginThrottle: false has no 429; responsePayloadHandler makes the success body the app’s', async () => {
      const app = await start(
        adapter,
        JwtAuthModule.forRoot({
          secretKey: SECRET,
          imports: [UsersModule],
          loginThrottle: false,
          responsePayloadHandler: (token, user) => ({ token, user: (user as { username: string }).username }),
        }),
      );
      const login = operation(app.document, '/api-token-auth', 'post');
      expect(Object.keys(login.responses)).toEqual(['200', '400', '405', '413', '415']);
      expect(jsonSchemaOf(app.document, '/api-token-auth', 200)).toEqual({ type: 'object' });
    });

    it('503 while the store is down and 403 for CSRF in cookie mode, as the endpoints answer them', async () => {
      const store = new MemoryRevocationStore();
      let down = false;
      const flaky: RevocationStore = {
        lookup: (query) => (down ? Promise.reject(new Error('down')) : store.lookup(query)),
        markToken: (...args) => (down ? Promise.reject(new Error('down')) : store.markToken(...args)),
        revokeSubject: (...args) => store.revokeSubject(...args),
        revokeFamily: (...args) => store.revokeFamily(...args),
      };
      const app = await start(
        adapter,
        JwtAuthModule.forRoot({
          secretKey: SECRET,
          imports: [UsersModule],
          errorFormat: 'drf',
          authCookie: 'jwt',
          revocationStore: flaky,
        }),
      );
      for (const path of ['/api-token-refresh', '/api-token-verify', '/api-token-revoke', '/api-token-revoke-all']) {
        expect(Object.keys(operation(app.document, path, 'post').responses)).toEqual(
          expect.arrayContaining(['403', '503']),
        );
      }
      const token = signHs(adminClaims({ jti: 'documented', iat: now() - 1 }));
      down = true;
      const unavailable = await request(app.server).post('/api-token-verify/').send({ token });
      down = false;
      expect(unavailable.status).toBe(503);
      expect(Object.values(examplesOf(app.document, '/api-token-verify', 503))).toEqual([unavailable.body]);
      const csrf = await request(app.server).post('/api-token-verify/').set('Cookie', `jwt=${token}; csrftoken=x`);
      expect(csrf.status).toBe(403);
      expect(Object.values(examplesOf(app.document, '/api-token-verify', 403))).toContainEqual(csrf.body);
    });

    it('without cookie mode no 403, and with revocationUnavailableStatus 401 no 503', async () => {
      const app = await start(
        adapter,
        JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule], revocationUnavailableStatus: 401 }),
      );
      const responses = Object.keys(operation(app.document, '/api-token-verify', 'post').responses);
      expect(responses).not.toContain('403');
      expect(responses).not.toContain('503');
    });

    it('controller: false documents nothing of the module', async () => {
      const app = await start(
        adapter,
        JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule], controller: false }),
      );
      expect(Object.keys(app.document.paths).filter((path) => path.includes('api-token'))).toEqual([]);
    });
  });
});
