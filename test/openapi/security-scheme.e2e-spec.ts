import { afterAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity } from '@nestjs/swagger';
import request from 'supertest';
import { CurrentUser, JwtAuthGuard, JwtAuthModule, Public } from '../../lib/index.js';
import {
  JWT_AUTH_SECURITY_SCHEME,
  type JwtAuthSecuritySchemeObject,
  jwtAuthRequestInterceptor,
  jwtAuthSecurityScheme,
} from '../../lib/openapi/index.js';
import { ADAPTERS, SECRET, UsersModule } from '../support/apps.js';
import { type DocumentedApp, operation, startDocumentedApp } from './documented-app.js';

@Controller()
class DocumentedRoutes {
  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiSecurity(JWT_AUTH_SECURITY_SCHEME)
  me(@CurrentUser('username') username: string) {
    return { username };
  }

  @Get('open')
  @Public()
  @ApiOperation({ security: [] })
  open() {
    return { open: true };
  }
}

/** What Swagger UI (swagger-client's applySecurities) sends for a value typed into Authorize. */
function authorizeHeaders(scheme: JwtAuthSecuritySchemeObject, typed: string): Record<string, string> {
  return scheme.type === 'apiKey' ? { [scheme.name]: typed } : { Authorization: `Bearer ${typed}` };
}

describe.each(ADAPTERS)('the security scheme in the document (%s)', (adapter) => {
  let t: DocumentedApp | undefined;
  const start = async (...args: Parameters<typeof startDocumentedApp>) => {
    await t?.close();
    t = await startDocumentedApp(...args);
    return t;
  };
  afterAll(() => t?.close());
  const login = async (app: DocumentedApp): Promise<string> => {
    const response = await request(app.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    expect(response.status).toBe(200);
    return response.body.token as string;
  };
  const schemeOf = (app: DocumentedApp) =>
    app.document.components?.securitySchemes?.[JWT_AUTH_SECURITY_SCHEME] as JwtAuthSecuritySchemeObject;

  it('JWT: an Authorization apiKey; typed as the description says, the guarded route answers', async () => {
    const app = await start(adapter, JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] }), {
      controllers: [DocumentedRoutes],
    });
    const scheme = schemeOf(app);
    expect(scheme).toEqual({ type: 'apiKey', in: 'header', name: 'Authorization', description: expect.any(String) });
    expect(scheme.description).toContain('`JWT <token>`');
    expect(operation(app.document, '/me', 'get').security).toEqual([{ JWT: [] }]);
    expect(operation(app.document, '/open', 'get').security).toEqual([]);
    expect(app.document.security).toBeUndefined();

    const token = await login(app);
    const typed = await request(app.server)
      .get('/me')
      .set(authorizeHeaders(scheme, `JWT ${token}`));
    expect(typed.status).toBe(200);
    expect(typed.body).toEqual({ username: 'admin' });
    // The token alone is refused by the guard unless the UI's interceptor adds the prefix.
    expect((await request(app.server).get('/me').set(authorizeHeaders(scheme, token))).status).toBe(401);
    const intercepted = jwtAuthRequestInterceptor()({ headers: authorizeHeaders(scheme, token) });
    expect(intercepted.headers).toEqual({ Authorization: `JWT ${token}` });
    expect(
      (
        await request(app.server)
          .get('/me')
          .set(intercepted.headers as Record<string, string>)
      ).status,
    ).toBe(200);
  });

  it('prefix Bearer: the http bearer scheme, for which Swagger UI adds the prefix itself', async () => {
    const app = await start(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule], authHeaderPrefix: 'Bearer' }),
      { controllers: [DocumentedRoutes], security: { prefix: 'Bearer' } },
    );
    const scheme = schemeOf(app);
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const token = await login(app);
    expect((await request(app.server).get('/me').set(authorizeHeaders(scheme, token))).status).toBe(200);
  });

  it('another prefix: described, and added by the interceptor', async () => {
    const app = await start(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule], authHeaderPrefix: 'Token' }),
      { controllers: [DocumentedRoutes], security: { prefix: 'Token' } },
    );
    const scheme = schemeOf(app);
    expect(scheme.description).toContain('`Token <token>`');
    const revokeAll = app.document.paths['/api-token-revoke-all']?.post?.responses[401] as
      { headers: Record<string, { schema: { enum: string[] } }> } | undefined;
    if (revokeAll) expect(revokeAll.headers['WWW-Authenticate'].schema.enum).toEqual(['Token realm="api"']);
    const token = await login(app);
    const { headers } = jwtAuthRequestInterceptor('Token')({ headers: authorizeHeaders(scheme, token) });
    expect(
      (
        await request(app.server)
          .get('/me')
          .set(headers as Record<string, string>)
      ).status,
    ).toBe(200);
  });

  it('requireByDefault (globalGuard apps): the document requires the scheme; the endpoints stay public', async () => {
    const app = await start(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule], globalGuard: true }),
      { controllers: [DocumentedRoutes], security: { requireByDefault: true } },
    );
    expect(app.document.security).toEqual([{ JWT: [] }]);
    // The app's own routes: guarded as documented, and @Public() with `security: []`.
    expect(operation(app.document, '/me', 'get').security).toEqual([{ JWT: [] }]);
    expect((await request(app.server).get('/me')).status).toBe(401);
    expect(operation(app.document, '/open', 'get').security).toEqual([]);
    expect((await request(app.server).get('/open')).status).toBe(200);
    for (const path of ['/api-token-auth', '/api-token-refresh', '/api-token-verify']) {
      expect(operation(app.document, path, 'post').security).toEqual([]);
      expect((await request(app.server).post(`${path}/`).send({})).status).toBe(400);
    }
  });
});

describe('jwtAuthRequestInterceptor', () => {
  const intercept = (headers: Record<string, unknown>, prefix?: string) =>
    jwtAuthRequestInterceptor(prefix)({ headers }).headers;

  it('adds the prefix to a token typed alone, whatever the header name’s case', () => {
    expect(intercept({ Authorization: 'abc.def.ghi' })).toEqual({ Authorization: 'JWT abc.def.ghi' });
    expect(intercept({ authorization: ' abc.def.ghi ' })).toEqual({ authorization: 'JWT abc.def.ghi' });
    expect(intercept({ Authorization: 'abc' }, 'Token')).toEqual({ Authorization: 'Token abc' });
  });

  it('leaves a value that has a scheme already, other headers and empty values alone', () => {
    expect(intercept({ Authorization: 'JWT abc' })).toEqual({ Authorization: 'JWT abc' });
    expect(intercept({ Authorization: 'Basic dXNlcjpwYXNz' })).toEqual({ Authorization: 'Basic dXNlcjpwYXNz' });
    expect(intercept({ Authorization: 'jwt' })).toEqual({ Authorization: 'jwt' });
    expect(intercept({ Authorization: '' })).toEqual({ Authorization: '' });
    expect(intercept({ 'X-Token': 'abc', Accept: 'application/json' })).toEqual({
      'X-Token': 'abc',
      Accept: 'application/json',
    });
    expect(jwtAuthRequestInterceptor()({})).toEqual({});
  });

  it('needs nothing from its closure: Swagger UI rebuilds it from its source text', () => {
    const rebuilt = new Function(`return (${jwtAuthRequestInterceptor('Token').toString()})`)() as ReturnType<
      typeof jwtAuthRequestInterceptor
    >;
    expect(rebuilt({ headers: { Authorization: 'abc' } }).headers).toEqual({ Authorization: 'Token abc' });
  });

  it('refuses a prefix that is no header token (it is written into the source)', () => {
    expect(() => jwtAuthRequestInterceptor('JWT"; alert(1); "')).toThrow(TypeError);
    expect(() => jwtAuthSecurityScheme('two words')).toThrow(TypeError);
  });
});
