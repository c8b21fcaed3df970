import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp, HTTP_ADAPTERS } from '../../sample/create-app.js';
import { useSampleEnv } from '../support/sample-env.js';

const SECRET = 'sample-openapi-secret-long-enough-for-hs256-signing';
const SAMPLE_ENV = ['SAMPLE_DB', 'JWT_SECRET_KEY', 'JWT_AUTH_HEADER_PREFIX', 'JWT_ALGORITHM', 'HTTP_ADAPTER'];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-sample-openapi-');

type UiRequest = { headers: Record<string, string> };
/** The options Swagger UI is started with, from /docs/swagger-ui-init.js run as a browser would. */
function swaggerUiConfig(initJs: string): Record<string, unknown> & { requestInterceptor(r: UiRequest): UiRequest } {
  let config: Record<string, unknown> | undefined;
  const SwaggerUIBundle = Object.assign(
    (options: Record<string, unknown>) => {
      config = options;
      return {};
    },
    { presets: { apis: {} }, plugins: { DownloadUrl: {} } },
  );
  const window: { onload?: () => void; location: object } = { location: { search: '', origin: 'http://localhost' } };
  runInNewContext(initJs, { window, SwaggerUIBundle, SwaggerUIStandalonePreset: {} });
  window.onload?.();
  if (!config) throw new Error('swagger-ui-init.js did not start Swagger UI');
  return config as ReturnType<typeof swaggerUiConfig>;
}

describe.each(HTTP_ADAPTERS)('the sample’s Swagger UI on %s', (adapter) => {
  let app: INestApplication;
  let server: App;

  beforeAll(async () => {
    setEnv({ SAMPLE_DB: join(tempDir, `${adapter}.sqlite3`), JWT_SECRET_KEY: SECRET });
    app = await createApp(adapter, { logger: false });
    server = app.getHttpServer();
  });
  afterAll(() => app?.close());

  it('/docs-json is the document: the endpoints, the app’s routes and the security scheme', async () => {
    const response = await request(server).get('/docs-json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const document = JSON.parse(response.text);
    expect(document.openapi).toMatch(/^3\./);
    for (const path of ['/api-token-auth', '/api-token-refresh', '/api-token-verify']) {
      expect(Object.keys(document.paths[path])).toEqual(['post']);
      expect(document.paths[path].post.security).toEqual([]);
    }
    expect(Object.keys(document.paths['/api-token-auth'].post.responses)).toEqual(
      expect.arrayContaining(['200', '400', '405', '413', '415', '429']),
    );
    expect(document.paths['/protected-url'].get.security).toEqual([{ JWT: [] }]);
    expect(document.paths['/protected-url'].post.security).toEqual([{ JWT: [] }]);
    expect(document.paths['/public'].get.security).toBeUndefined();
    expect(document.components.securitySchemes.JWT).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
    });
    // An HMAC secret: nothing public to publish.
    expect(document.paths['/.well-known/jwks.json']).toBeUndefined();
  });

  it('/docs is Swagger UI', async () => {
    const response = await request(server).get('/docs');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('swagger-ui-init.js');
    const css = await request(server).get('/docs/swagger-ui.css');
    expect(css.status).toBe(200);
  });

  it('the UI adds the JWT prefix to a token typed alone into Authorize, and the protected route answers', async () => {
    const init = await request(server).get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    const config = swaggerUiConfig(init.text);
    expect(config.persistAuthorization).toBe(true);
    const login = await request(server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    expect(login.status).toBe(200);
    // The apiKey scheme puts the typed value in the Authorization header; then the interceptor runs.
    const { headers } = config.requestInterceptor({ headers: { Authorization: login.body.token } });
    expect(headers.Authorization).toBe(`JWT ${login.body.token}`);
    const response = await request(server).get('/protected-url/').set(headers);
    expect(response.status).toBe(200);
    expect(response.body.username).toBe('admin');
  });
});

describe('the sample’s Swagger UI with JWT_AUTH_HEADER_PREFIX', () => {
  let app: INestApplication;
  beforeAll(async () => {
    setEnv({ SAMPLE_DB: join(tempDir, 'prefix.sqlite3'), JWT_SECRET_KEY: SECRET, JWT_AUTH_HEADER_PREFIX: 'Token' });
    app = await createApp('express', { logger: false });
  });
  afterAll(() => app?.close());

  it('describes and adds the configured prefix', async () => {
    const document = (await request(app.getHttpServer()).get('/docs-json')).body;
    expect(document.components.securitySchemes.JWT.description).toContain('`Token <token>`');
    const config = swaggerUiConfig((await request(app.getHttpServer()).get('/docs/swagger-ui-init.js')).text);
    expect(config.requestInterceptor({ headers: { Authorization: 'abc' } }).headers.Authorization).toBe('Token abc');
  });
});
