import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { JwtAuthModule } from '../../lib/index.js';
import { ADAPTERS, SECRET, UsersModule } from '../support/apps.js';
import { adminClaims, now, signHs } from '../support/tokens.js';
import { connect, send, startWsApp, type WsTestApp } from './ws-app.js';

const NOT_PROVIDED = 'Authentication credentials were not provided.';
const EXPIRED = 'Signature has expired.';
const DECODE = 'Error decoding signature.';
const NO_CREDENTIALS = 'Invalid Authorization header. No credentials provided.';
const DISABLED = 'User account is disabled.';
const USER_NOT_FOUND = 'Invalid signature.';

/** Nest's answer to a WsException: an `exception` event naming the message that was refused. */
function refusal(message: string, pattern = 'whoami', data: unknown = {}) {
  return { exception: { status: 'error', message, cause: { pattern, data } } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(ADAPTERS)('WsJwtAuthGuard on a socket.io gateway (%s)', (adapter) => {
  let t: WsTestApp;
  const sockets: Socket[] = [];
  const open = async (options?: Parameters<typeof connect>[1]) => {
    const socket = await connect(t.url, options);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await startWsApp(adapter, JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] }));
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    t.users.reset();
  });
  afterAll(() => t.close());

  it('accepts the token of an `Authorization: JWT <token>` handshake header: @CurrentUser gives the user', async () => {
    const socket = await open({ extraHeaders: { Authorization: `JWT ${signHs(adminClaims())}` } });
    expect(await send(socket, 'whoami')).toEqual({ ack: 'admin' });
  });

  it('accepts the token of the auth payload (`auth: { token }`)', async () => {
    const socket = await open({ auth: { token: signHs(adminClaims()) } });
    expect(await send(socket, 'whoami')).toEqual({ ack: 'admin' });
  });

  it('@CurrentUser() gives the whole user next to the message body', async () => {
    const socket = await open({ auth: { token: signHs(adminClaims()) } });
    expect(await send(socket, 'profile', { n: 1 })).toEqual({
      ack: { username: 'admin', email: 'admin@example.com', body: { n: 1 } },
    });
  });

  it('refuses a message from a socket that sent no token, as an `exception` event', async () => {
    const socket = await open();
    expect(await send(socket, 'whoami')).toEqual(refusal(NOT_PROVIDED));
  });

  it('refuses a token that is not a JWT: Error decoding signature.', async () => {
    const socket = await open({ auth: { token: 'abc' } });
    expect(await send(socket, 'whoami')).toEqual(refusal(DECODE));
  });

  it('refuses a token signed with another key: Error decoding signature.', async () => {
    const forged = signHs(adminClaims(), { secret: 'another-secret-that-is-also-long-enough-for-hs256' });
    const socket = await open({ extraHeaders: { Authorization: `JWT ${forged}` } });
    expect(await send(socket, 'whoami')).toEqual(refusal(DECODE));
  });

  it('refuses the token of an unknown user: Invalid signature.', async () => {
    const socket = await open({ auth: { token: signHs({ username: 'nobody', exp: now() + 60 }) } });
    expect(await send(socket, 'whoami')).toEqual(refusal(USER_NOT_FOUND));
  });

  it('reads the header as the HTTP guard does: a bare "JWT" is refused with the header message', async () => {
    const socket = await open({ extraHeaders: { Authorization: 'JWT' } });
    expect(await send(socket, 'whoami')).toEqual(refusal(NO_CREDENTIALS));
  });

  it('reads the header first: an invalid header is refused even with a valid auth payload', async () => {
    const socket = await open({
      extraHeaders: { Authorization: 'JWT' },
      auth: { token: signHs(adminClaims()) },
    });
    expect(await send(socket, 'whoami')).toEqual(refusal(NO_CREDENTIALS));
  });

  it('takes the auth payload when the header has another scheme', async () => {
    const socket = await open({
      extraHeaders: { Authorization: 'Basic YTpi' },
      auth: { token: signHs(adminClaims()) },
    });
    expect(await send(socket, 'whoami')).toEqual({ ack: 'admin' });
  });

  it('ignores an auth payload whose token is not a string', async () => {
    const socket = await open({ auth: { token: 42 } });
    expect(await send(socket, 'whoami')).toEqual(refusal(NOT_PROVIDED));
  });

  it('answers a @Public() handler without a token', async () => {
    const socket = await open();
    expect(await send(socket, 'hello')).toEqual({ ack: 'world' });
  });

  it('checks every message: a user deactivated mid-connection is refused on the next one', async () => {
    const socket = await open({ auth: { token: signHs(adminClaims()) } });
    expect(await send(socket, 'whoami')).toEqual({ ack: 'admin' });
    t.users.users.get('admin')!.isActive = false;
    expect(await send(socket, 'whoami')).toEqual(refusal(DISABLED));
  });

  it('checks every message: a token that expires mid-connection is refused on the next one', async () => {
    const exp = now() + 1;
    const socket = await open({ auth: { token: signHs(adminClaims({ exp })) } });
    expect(await send(socket, 'whoami')).toEqual({ ack: 'admin' });
    // Expired once `exp < now` in whole seconds, as PyJWT says.
    await sleep((exp + 1) * 1000 - Date.now() + 50);
    expect(await send(socket, 'whoami')).toEqual(refusal(EXPIRED));
    // The connection stays open: the client may reconnect with a fresh token when it likes.
    expect(socket.connected).toBe(true);
  });

  it('leaves the HTTP guard of the same app as it was', async () => {
    const socket = await open({ auth: { token: signHs(adminClaims()) } });
    expect(await send(socket, 'whoami')).toEqual({ ack: 'admin' });
    const response = await fetch(`${t.url}/protected-url`);
    expect(response.status).toBe(401);
  });
});

describe.each(ADAPTERS)('WsJwtAuthGuard on a gateway of a feature module without JwtAuthModule (%s)', (adapter) => {
  let t: WsTestApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await startWsApp(adapter, JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule] }), {
      inFeatureModule: true,
    });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(() => t.close());

  it('refuses a message without a token, and accepts one with a valid token', async () => {
    const anonymous = await connect(t.url);
    const authenticated = await connect(t.url, { auth: { token: signHs(adminClaims()) } });
    sockets.push(anonymous, authenticated);
    expect(await send(anonymous, 'whoami')).toEqual(refusal(NOT_PROVIDED));
    expect(await send(authenticated, 'whoami')).toEqual({ ack: 'admin' });
  });
});

describe.each(ADAPTERS)('WsJwtAuthGuard in cookie mode (%s)', (adapter) => {
  let t: WsTestApp;
  let socket: Socket | undefined;
  beforeAll(async () => {
    t = await startWsApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, authCookie: 'jwt', imports: [UsersModule] }),
    );
  });
  afterEach(() => {
    socket?.disconnect();
  });
  afterAll(() => t.close());

  it('the token cookie opens the HTTP guard', async () => {
    const response = await fetch(`${t.url}/protected-url`, { headers: { Cookie: `jwt=${signHs(adminClaims())}` } });
    expect(response.status).toBe(200);
  });

  // Browsers send cookies with cross-site WebSocket handshakes, and a gateway has no CSRF check.
  it('but not a socket: a handshake with only the cookie is refused', async () => {
    socket = await connect(t.url, { extraHeaders: { Cookie: `jwt=${signHs(adminClaims())}` } });
    expect(await send(socket, 'whoami')).toEqual(refusal(NOT_PROVIDED));
  });

  it('a socket with the cookie and the auth payload is accepted through the payload', async () => {
    const token = signHs(adminClaims());
    socket = await connect(t.url, { extraHeaders: { Cookie: `jwt=${token}` }, auth: { token } });
    expect(await send(socket, 'whoami')).toEqual({ ack: 'admin' });
  });
});

describe.each(ADAPTERS)('the global JwtAuthGuard and gateways (%s)', (adapter) => {
  let t: WsTestApp;
  let socket: Socket | undefined;
  beforeAll(async () => {
    t = await startWsApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: SECRET, globalGuard: true, imports: [UsersModule] }),
    );
  });
  afterEach(() => {
    socket?.disconnect();
  });
  afterAll(() => t.close());

  // On gateway messages the global JwtAuthGuard authenticates as WsJwtAuthGuard does.
  it('lets a message with a valid handshake token through, with the user', async () => {
    socket = await connect(t.url, { auth: { token: signHs(adminClaims()) } });
    expect(await send(socket, 'whoami')).toEqual({ ack: 'admin' });
  });

  it('refuses a message without a token with the reference message', async () => {
    socket = await connect(t.url);
    expect(await send(socket, 'whoami')).toEqual(refusal(NOT_PROVIDED));
  });

  it('refuses an expired token', async () => {
    socket = await connect(t.url, { auth: { token: signHs(adminClaims({ exp: now() - 10 })) } });
    expect(await send(socket, 'whoami')).toEqual(refusal(EXPIRED));
  });

  it('opens @Public() handlers', async () => {
    socket = await connect(t.url);
    expect(await send(socket, 'hello')).toEqual({ ack: 'world' });
  });
});
