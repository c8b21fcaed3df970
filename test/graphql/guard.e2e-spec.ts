import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { ADAPTERS, SECRET, type TestApp, UsersModule } from '../support/apps.js';
import { ERROR_FORMATS, unauthorizedBody } from '../support/refusals.js';
import { adminClaims, now, signHs } from '../support/tokens.js';
import { GuardedResolver, OpenResolver, startGraphqlApp } from './graphql-app.js';

const NOT_PROVIDED = 'Authentication credentials were not provided.';
const EXPIRED = 'Signature has expired.';
const DECODE = 'Error decoding signature.';
const NO_CREDENTIALS = 'Invalid Authorization header. No credentials provided.';
const DISABLED = 'User account is disabled.';

function query(server: TestApp['server'], text: string, authorization?: string) {
  const call = request(server).post('/graphql').set('Content-Type', 'application/json');
  if (authorization !== undefined) call.set('Authorization', authorization);
  return call.send({ query: text });
}

/**
 * The guard's refusal through Apollo: an HTTP 200 carrying one GraphQL error with the
 * reference's message, code UNAUTHENTICATED, Nest's 401 body as `originalError` whatever the
 * errorFormat (`{detail}` is REST's shape, and Apollo maps only Nest's to UNAUTHENTICATED), and
 * no WWW-Authenticate (there is no HTTP challenge to answer in GraphQL).
 */
function expectGraphqlRefusal(response: Response, field: string, message: string): void {
  expect(response.status).toBe(200);
  expect(response.body).toEqual({
    data: null,
    errors: [
      {
        message,
        locations: [{ line: 1, column: 3 }],
        path: [field],
        extensions: { code: 'UNAUTHENTICATED', originalError: unauthorizedBody('nest', message) },
      },
    ],
  });
  expect(response.headers['www-authenticate']).toBeUndefined();
}

describe.each(ADAPTERS)('JwtAuthGuard on GraphQL resolvers, @UseGuards on the resolver (%s)', (adapter) => {
  describe.each(ERROR_FORMATS)('errorFormat %s', (errorFormat) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startGraphqlApp(
        adapter,
        JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat, imports: [UsersModule] }),
        GuardedResolver,
      );
    });
    afterAll(() => t.close());

    it('accepts a valid token: @CurrentUser("username") gives the user name', async () => {
      const response = await query(t.server, '{ me }', `JWT ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { me: 'admin' } });
    });

    it('@CurrentUser() gives the whole user (the one the UserLookupService found)', async () => {
      const response = await query(t.server, '{ whoami { username email } }', `JWT ${signHs(adminClaims())}`);
      expect(response.body).toEqual({ data: { whoami: { username: 'admin', email: 'admin@example.com' } } });
    });

    it('refuses a query without a token: Authentication credentials were not provided.', async () => {
      expectGraphqlRefusal(await query(t.server, '{ me }'), 'me', NOT_PROVIDED);
    });

    it('refuses a token that is not a JWT: Error decoding signature.', async () => {
      expectGraphqlRefusal(await query(t.server, '{ me }', 'JWT abc'), 'me', DECODE);
    });

    it('refuses a token signed with another key: Error decoding signature.', async () => {
      const forged = signHs(adminClaims(), { secret: 'another-secret-that-is-also-long-enough-for-hs256' });
      expectGraphqlRefusal(await query(t.server, '{ me }', `JWT ${forged}`), 'me', DECODE);
    });

    it('refuses an expired token: Signature has expired.', async () => {
      const expired = signHs(adminClaims({ exp: now() - 10 }));
      expectGraphqlRefusal(await query(t.server, '{ me }', `JWT ${expired}`), 'me', EXPIRED);
    });

    it('refuses a bare "JWT" header with the header message', async () => {
      expectGraphqlRefusal(await query(t.server, '{ me }', 'JWT'), 'me', NO_CREDENTIALS);
    });

    it('refuses the token of a deactivated user: User account is disabled.', async () => {
      const token = signHs({ user_id: 2, username: 'inactive', exp: now() + 60 });
      expectGraphqlRefusal(await query(t.server, '{ me }', `JWT ${token}`), 'me', DISABLED);
    });

    it('answers a @Public() query without a token', async () => {
      const response = await query(t.server, '{ hello }');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { hello: 'world' } });
    });

    it('guards each field: the public one answers, the guarded one is refused, in one operation', async () => {
      const response = await query(t.server, '{ hello plain }');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        data: { hello: 'world', plain: null },
        errors: [expect.objectContaining({ message: NOT_PROVIDED, path: ['plain'] })],
      });
    });
  });
});

describe.each(ADAPTERS)('JwtAuthGuard on a resolver of a feature module without JwtAuthModule (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startGraphqlApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] }),
      GuardedResolver,
      { inFeatureModule: true },
    );
  });
  afterAll(() => t.close());

  it('refuses a query without a token, and answers one with a valid token', async () => {
    expectGraphqlRefusal(await query(t.server, '{ me }'), 'me', NOT_PROVIDED);
    const response = await query(t.server, '{ me }', `JWT ${signHs(adminClaims())}`);
    expect(response.body).toEqual({ data: { me: 'admin' } });
  });
});

describe.each(ADAPTERS)('JwtAuthGuard as the global guard covers resolvers (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startGraphqlApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, imports: [UsersModule] }),
      OpenResolver,
    );
  });
  afterAll(() => t.close());

  it('refuses a resolver without a guard of its own when no token is sent', async () => {
    expectGraphqlRefusal(await query(t.server, '{ me }'), 'me', NOT_PROVIDED);
  });

  it('lets a token through to the resolver and @CurrentUser()', async () => {
    const response = await query(t.server, '{ whoami { username } }', `JWT ${signHs(adminClaims())}`);
    expect(response.body).toEqual({ data: { whoami: { username: 'admin' } } });
  });

  it('opens a @Public() resolver', async () => {
    expect((await query(t.server, '{ hello }')).body).toEqual({ data: { hello: 'world' } });
  });

  it('a token from /api-token-auth/ opens a resolver', async () => {
    const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    expect(response.status).toBe(200);
    const me = await query(t.server, '{ me }', `JWT ${response.body.token as string}`);
    expect(me.body).toEqual({ data: { me: 'admin' } });
  });
});
