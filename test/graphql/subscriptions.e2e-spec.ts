import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule, JwtAuthService } from '../../lib/index.js';
import { CapturingLogger } from '../events/event-apps.js';
import { ADAPTERS, SECRET, UsersModule } from '../support/apps.js';
import { adminClaims, now, signHs } from '../support/tokens.js';
import type { TestUser } from '../support/users.js';
import { startSubscriptionsApp, subscribe, type SubscriptionsTestApp } from './subscriptions-app.js';

const NOT_PROVIDED = 'Authentication credentials were not provided.';
const EXPIRED = 'Signature has expired.';
const DECODE = 'Error decoding signature.';
const REVOKED = 'Token has been revoked.';
const NO_CREDENTIALS = 'Invalid Authorization header. No credentials provided.';
const WITH_SPACES = 'Invalid Authorization header. Credentials string should not contain spaces.';

const GREETINGS = 'subscription { greetings }';

/** The two events of `greetings` for `username`. */
const greeted = (username: string) => ({
  results: [{ data: { greetings: `hello ${username}` } }, { data: { greetings: `bye ${username}` } }],
});

/**
 * graphql-ws's answer to a subscription whose resolver throws: one `next` message carrying the
 * GraphQL error (graphql-js's subscribe resolves to an execution result), then `complete`.
 */
const refused = (message: string) => ({
  results: [{ errors: [{ message, locations: [{ line: 1, column: 16 }], path: ['greetings'] }] }],
});

describe.each(ADAPTERS)('GraphQL subscriptions over graphql-ws under the global guard (%s)', (adapter) => {
  let t: SubscriptionsTestApp;
  beforeAll(async () => {
    t = await startSubscriptionsApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, imports: [UsersModule] }),
    );
  });
  afterAll(() => t.close());

  const valid = () => `JWT ${signHs(adminClaims())}`;

  it('a valid token in connectionParams.Authorization: the resolver sees the user', async () => {
    expect(await subscribe(t.url, GREETINGS, { Authorization: valid() })).toEqual(greeted('admin'));
  });

  it('the parameter name in any case (`authorization`, as Apollo Client examples write it)', async () => {
    expect(await subscribe(t.url, GREETINGS, { authorization: valid() })).toEqual(greeted('admin'));
  });

  it('no connection params: refused with the reference message', async () => {
    expect(await subscribe(t.url, GREETINGS)).toEqual(refused(NOT_PROVIDED));
  });

  it('params without the key, or with a non-string value: not provided', async () => {
    expect(await subscribe(t.url, GREETINGS, { token: valid() })).toEqual(refused(NOT_PROVIDED));
    expect(await subscribe(t.url, GREETINGS, { Authorization: 42 })).toEqual(refused(NOT_PROVIDED));
  });

  it('a bad token: Error decoding signature.', async () => {
    expect(await subscribe(t.url, GREETINGS, { Authorization: 'JWT abc' })).toEqual(refused(DECODE));
  });

  it('an expired token: Signature has expired.', async () => {
    const expired = signHs(adminClaims({ exp: now() - 10 }));
    expect(await subscribe(t.url, GREETINGS, { Authorization: `JWT ${expired}` })).toEqual(refused(EXPIRED));
  });

  it('a revoked token: Token has been revoked.', async () => {
    const service = t.app.get(JwtAuthService);
    const token = service.issueToken((await t.users.findByUsername('admin')) as TestUser);
    expect(await subscribe(t.url, GREETINGS, { Authorization: `JWT ${token}` })).toEqual(greeted('admin'));
    await service.revokeToken(token);
    expect(await subscribe(t.url, GREETINGS, { Authorization: `JWT ${token}` })).toEqual(refused(REVOKED));
  });

  it('read as an Authorization header: the prefix alone, spaces, two keys differing in case', async () => {
    expect(await subscribe(t.url, GREETINGS, { Authorization: 'JWT' })).toEqual(refused(NO_CREDENTIALS));
    expect(await subscribe(t.url, GREETINGS, { Authorization: `${valid()} x` })).toEqual(refused(WITH_SPACES));
    expect(await subscribe(t.url, GREETINGS, { Authorization: valid(), authorization: 'JWT abc' })).toEqual(
      refused(WITH_SPACES),
    );
  });

  it('a @Public() subscription answers without a token', async () => {
    expect(await subscribe(t.url, 'subscription { news }')).toEqual({
      results: [{ data: { news: 'news for anyone' } }],
    });
  });

  it('queries over HTTP are guarded as before', async () => {
    const query = (authorization?: string) => {
      const call = request(t.server).post('/graphql').set('Content-Type', 'application/json');
      if (authorization !== undefined) call.set('Authorization', authorization);
      return call.send({ query: '{ me }' });
    };
    expect((await query(valid())).body).toEqual({ data: { me: 'admin' } });
    expect((await query()).body.errors[0].message).toBe(NOT_PROVIDED);
  });
});

describe.each(ADAPTERS)('subscriptions with an app context function and connectionParamsKey (%s)', (adapter) => {
  let t: SubscriptionsTestApp;
  beforeAll(async () => {
    t = await startSubscriptionsApp(
      adapter,
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        globalGuard: true,
        imports: [UsersModule],
        connectionParamsKey: 'authToken',
      }),
      // An app's own context (no `req` of its own): @nestjs/apollo still adds the connection at `req`.
      { context: () => ({ tenant: 'acme' }) },
    );
  });
  afterAll(() => t.close());

  it('reads the configured parameter', async () => {
    expect(await subscribe(t.url, GREETINGS, { authToken: `JWT ${signHs(adminClaims())}` })).toEqual(greeted('admin'));
  });

  it('no longer reads Authorization', async () => {
    expect(await subscribe(t.url, GREETINGS, { Authorization: `JWT ${signHs(adminClaims())}` })).toEqual(
      refused(NOT_PROVIDED),
    );
  });
});

describe.each(ADAPTERS)('the debug line of a refused subscription (%s)', (adapter) => {
  const logger = new CapturingLogger();
  let t: SubscriptionsTestApp;
  beforeAll(async () => {
    t = await startSubscriptionsApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, imports: [UsersModule] }),
      { logger },
    );
  });
  afterAll(() => t.close());

  it('names the resolver and the reason, never the token', async () => {
    const token = signHs(adminClaims({ exp: now() - 10 }));
    expect(await subscribe(t.url, GREETINGS, { Authorization: `JWT ${token}` })).toEqual(refused(EXPIRED));
    const lines = logger.lines.filter((line) => line.text.startsWith('Refused '));
    expect(lines).toEqual([
      { level: 'debug', text: 'Refused SUBSCRIPTION SubscriptionsResolver.greetings: expired | JwtAuth' },
    ]);
    expect(logger.lines.filter((line) => line.text.includes(token.split('.')[1]))).toEqual([]);
  });
});
