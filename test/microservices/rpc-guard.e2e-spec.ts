import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { JwtAuthModule, JwtAuthService } from '../../lib/index.js';
import { CapturingLogger } from '../events/event-apps.js';
import { ADAPTERS, SECRET, UsersModule } from '../support/apps.js';
import { eventually } from '../support/redis-server.js';
import { adminClaims, now, signHs } from '../support/tokens.js';
import type { TestUser } from '../support/users.js';
import { call, MessagesController, type RpcTestApp, startMicroservice, startRpcApp } from './rpc-app.js';

const NOT_PROVIDED = 'Authentication credentials were not provided.';
const EXPIRED = 'Signature has expired.';
const DECODE = 'Error decoding signature.';
const REVOKED = 'Token has been revoked.';
const DISABLED = 'User account is disabled.';
const NO_CREDENTIALS = 'Invalid Authorization header. No credentials provided.';
const WITH_SPACES = 'Invalid Authorization header. Credentials string should not contain spaces.';

/** The RpcException body the client receives: Nest's `status: 'error'`, the status and the message. */
const refused = (message: string, statusCode = 401) => ({ error: { status: 'error', statusCode, message } });

describe.each(ADAPTERS)('the global JwtAuthGuard on a TCP microservice of a hybrid app (%s)', (adapter) => {
  let t: RpcTestApp;
  beforeAll(async () => {
    t = await startRpcApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, imports: [UsersModule] }),
    );
  });
  afterAll(() => t.close());

  const valid = () => `JWT ${signHs(adminClaims())}`;

  it('a valid token in the payload field: the handler sees the user', async () => {
    expect(await call(t.client, 'whoami', { authorization: valid() })).toEqual({ ok: 'admin' });
  });

  it('@CurrentUser() gives the whole user; the payload reaches the handler as sent', async () => {
    const token = valid();
    expect(await call(t.client, 'profile', { authorization: token, n: 1 })).toEqual({
      ok: { username: 'admin', email: 'admin@example.com', data: { authorization: token, n: 1 }, pattern: 'profile' },
    });
  });

  it('no token: refused with the reference message as an RpcException', async () => {
    expect(await call(t.client, 'whoami', { n: 1 })).toEqual(refused(NOT_PROVIDED));
  });

  it.each([
    ['a string payload', 'JWT abc'],
    ['an array payload', [valid()]],
    ['a number', 42],
  ])('%s carries no field: not provided', async (_, data) => {
    expect(await call(t.client, 'whoami', data)).toEqual(refused(NOT_PROVIDED));
  });

  it("a token inherited from the prototype is not read (only the payload's own field)", async () => {
    expect(await call(t.client, 'whoami', JSON.parse('{"__proto__": {"authorization": "x"}}'))).toEqual(
      refused(NOT_PROVIDED),
    );
  });

  it('a token that is not a JWT: Error decoding signature.', async () => {
    expect(await call(t.client, 'whoami', { authorization: 'JWT abc' })).toEqual(refused(DECODE));
  });

  it('a token signed with another key: Error decoding signature.', async () => {
    const forged = signHs(adminClaims(), { secret: 'another-secret-that-is-also-long-enough-for-hs256' });
    expect(await call(t.client, 'whoami', { authorization: `JWT ${forged}` })).toEqual(refused(DECODE));
  });

  it('an expired token: Signature has expired.', async () => {
    const expired = signHs(adminClaims({ exp: now() - 10 }));
    expect(await call(t.client, 'whoami', { authorization: `JWT ${expired}` })).toEqual(refused(EXPIRED));
  });

  it('a revoked token: Token has been revoked.', async () => {
    const service = t.app.get(JwtAuthService);
    const user = (await t.users.findByUsername('admin')) as TestUser;
    const token = service.issueToken(user);
    expect(await call(t.client, 'whoami', { authorization: `JWT ${token}` })).toEqual({ ok: 'admin' });
    await service.revokeToken(token);
    expect(await call(t.client, 'whoami', { authorization: `JWT ${token}` })).toEqual(refused(REVOKED));
  });

  it("an inactive user's token: User account is disabled.", async () => {
    const token = signHs({ user_id: 2, username: 'inactive', exp: now() + 300 });
    expect(await call(t.client, 'whoami', { authorization: `JWT ${token}` })).toEqual(refused(DISABLED));
  });

  it('the field is read as an Authorization header: the prefix alone, or with spaces, is refused', async () => {
    expect(await call(t.client, 'whoami', { authorization: 'JWT' })).toEqual(refused(NO_CREDENTIALS));
    expect(await call(t.client, 'whoami', { authorization: `${valid()} x` })).toEqual(refused(WITH_SPACES));
  });

  it('a raw token or another scheme is not ours: not provided', async () => {
    expect(await call(t.client, 'whoami', { authorization: signHs(adminClaims()) })).toEqual(refused(NOT_PROVIDED));
    expect(await call(t.client, 'whoami', { authorization: `Bearer ${signHs(adminClaims())}` })).toEqual(
      refused(NOT_PROVIDED),
    );
  });

  it('a @Public() handler answers without a token, and does not see one it was sent', async () => {
    expect(await call(t.client, 'ping', {})).toEqual({ ok: { pong: true, user: null } });
    expect(await call(t.client, 'ping', { authorization: valid() })).toEqual({ ok: { pong: true, user: null } });
  });

  it('the token in TCP packet metadata (setOnDispatchHook), its key in any case', async () => {
    const client = await t.clientWithMetadata({ Authorization: valid() });
    expect(await call(client, 'whoami', { n: 1 })).toEqual({ ok: 'admin' });
  });

  it('metadata is read before the payload: a bad metadata token is not rescued by a good payload', async () => {
    const client = await t.clientWithMetadata({ authorization: 'JWT abc' });
    expect(await call(client, 'whoami', { authorization: valid() })).toEqual(refused(DECODE));
  });

  it('metadata with two keys differing only in case is refused, not guessed between', async () => {
    const client = await t.clientWithMetadata({ authorization: valid(), Authorization: 'JWT abc' });
    expect(await call(client, 'whoami', {})).toEqual(refused(WITH_SPACES));
  });

  it('a refused event never reaches its handler; an authenticated one does, with its user', async () => {
    MessagesController.events.length = 0;
    await firstValueFrom(t.client.emit('noted', { marker: 'anonymous' }));
    await firstValueFrom(t.client.emit('noted', { marker: 'forged', authorization: 'JWT abc' }));
    await firstValueFrom(t.client.emit('noted', { marker: 'signed', authorization: valid() }));
    const seen = async () => ((await call(t.client, 'events', {})) as { ok: string[] }).ok;
    // Events have no answer: wait for the last one sent, then look at what ran before it.
    expect(await eventually(async () => (await seen()).includes('signed:admin'), 10_000)).toBe(true);
    expect(await seen()).toEqual(['signed:admin']);
  });

  it('the user of one message never leaks to the next one on the same connection', async () => {
    expect(await call(t.client, 'whoami', { authorization: valid() })).toEqual({ ok: 'admin' });
    expect(await call(t.client, 'whoami', {})).toEqual(refused(NOT_PROVIDED));
  });

  it('the HTTP side of the same app is guarded as usual', async () => {
    await request(t.server).get('/plain').expect(401);
    await request(t.server).get('/plain').set('Authorization', valid()).expect(200, { plain: true });
  });
});

describe.each(ADAPTERS)('rpc option: another payload field, metadata off (%s)', (adapter) => {
  let t: RpcTestApp;
  beforeAll(async () => {
    t = await startRpcApp(
      adapter,
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        globalGuard: true,
        imports: [UsersModule],
        authHeaderPrefix: ['Bearer', 'JWT'],
        rpc: { payloadField: 'token', metadataKey: false },
      }),
    );
  });
  afterAll(() => t.close());

  it('reads the configured field with any accepted scheme', async () => {
    expect(await call(t.client, 'whoami', { token: `Bearer ${signHs(adminClaims())}` })).toEqual({ ok: 'admin' });
    expect(await call(t.client, 'whoami', { token: `JWT ${signHs(adminClaims())}` })).toEqual({ ok: 'admin' });
  });

  it('no longer reads `authorization`, nor metadata', async () => {
    expect(await call(t.client, 'whoami', { authorization: `JWT ${signHs(adminClaims())}` })).toEqual(
      refused(NOT_PROVIDED),
    );
    const client = await t.clientWithMetadata({ authorization: `JWT ${signHs(adminClaims())}` });
    expect(await call(client, 'whoami', {})).toEqual(refused(NOT_PROVIDED));
  });
});

describe.each(ADAPTERS)('globalGuardExclude with a message controller class (%s)', (adapter) => {
  let t: RpcTestApp;
  beforeAll(async () => {
    t = await startRpcApp(
      adapter,
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        globalGuard: true,
        globalGuardExclude: [MessagesController],
        imports: [UsersModule],
      }),
    );
  });
  afterAll(() => t.close());

  it('its handlers answer without a token (and see no user)', async () => {
    expect(await call(t.client, 'whoami', {})).toEqual({ ok: null });
  });

  it('the HTTP routes stay guarded', async () => {
    await request(t.server).get('/plain').expect(401);
  });
});

describe('the global JwtAuthGuard on a microservice app alone (createNestMicroservice, TCP)', () => {
  let t: Awaited<ReturnType<typeof startMicroservice>>;
  beforeAll(async () => {
    t = await startMicroservice(
      JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, imports: [UsersModule] }),
    );
  });
  afterAll(() => t.close());

  it('authenticates messages with no other setting', async () => {
    expect(await call(t.client, 'whoami', { authorization: `JWT ${signHs(adminClaims())}` })).toEqual({ ok: 'admin' });
    expect(await call(t.client, 'whoami', {})).toEqual(refused(NOT_PROVIDED));
    expect(await call(t.client, 'ping', {})).toEqual({ ok: { pong: true, user: null } });
  });
});

// Nest's own rule, pinned here because the README warns of it: a hybrid app's microservice
// gets none of the app's global enhancers unless connected with inheritAppConfig.
describe.each(ADAPTERS)('a hybrid app connected without inheritAppConfig (%s)', (adapter) => {
  let t: RpcTestApp;
  beforeAll(async () => {
    t = await startRpcApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, imports: [UsersModule] }),
      { inheritAppConfig: false },
    );
  });
  afterAll(() => t.close());

  it('runs message handlers unguarded (hence the README: pass inheritAppConfig: true)', async () => {
    expect(await call(t.client, 'whoami', {})).toEqual({ ok: null });
    await request(t.server).get('/plain').expect(401);
  });
});

describe.each(ADAPTERS)('the debug line of a refused message (%s)', (adapter) => {
  const logger = new CapturingLogger();
  let t: RpcTestApp;
  beforeAll(async () => {
    t = await startRpcApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, imports: [UsersModule] }),
      { logger },
    );
  });
  afterAll(() => t.close());

  it('names the handler and the reason, never the token', async () => {
    const token = signHs(adminClaims({ exp: now() - 10 }));
    expect(await call(t.client, 'whoami', { authorization: `JWT ${token}` })).toEqual(refused(EXPIRED));
    const lines = logger.lines.filter((line) => line.text.startsWith('Refused '));
    expect(lines).toEqual([{ level: 'debug', text: 'Refused RPC MessagesController.whoami: expired | JwtAuth' }]);
    expect(logger.lines.filter((line) => line.text.includes(token.split('.')[1]))).toEqual([]);
  });
});
