import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { JwtAuthModule, type JwtAuthModuleOptions } from '../../lib/index.js';
import { ADAPTERS, startApp, type TestApp, UsersModule } from '../support/apps.js';
import { payloadOf } from '../support/tokens.js';

const oldPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const newPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));

/**
 * Rotation without downtime, as the README describes it: deploy the new key as the signing key
 * with the old one kept as a verify key; old tokens keep working, new ones carry the new kid;
 * once the old tokens have expired, the old key is removed.
 */
describe.each(ADAPTERS)('key rotation with kid (%s)', (adapter) => {
  let app: TestApp | undefined;
  const start = async (options: JwtAuthModuleOptions) => {
    await app?.close();
    app = await startApp(
      adapter,
      JwtAuthModule.forRoot({ algorithm: 'ES256', errorFormat: 'drf', imports: [UsersModule], ...options }),
    );
    return app;
  };
  const login = async (t: TestApp) =>
    (await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' })).body
      .token as string;
  const guarded = (t: TestApp, token: string) =>
    request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
  afterAll(() => app?.close());

  it('old tokens keep working, new tokens carry the new key id, and the old key can then be removed', async () => {
    const before = await start({ privateKey: oldPair.privateKey, keyId: '2026-01' });
    const oldToken = await login(before);
    expect(headerOf(oldToken)).toEqual({ alg: 'ES256', typ: 'JWT', kid: '2026-01' });

    const during = await start({
      privateKey: newPair.privateKey,
      keyId: '2026-06',
      verifyKeys: [{ kid: '2026-01', key: oldPair.publicKey }],
    });
    expect((await guarded(during, oldToken)).status).toBe(200);
    const verified = await request(during.server).post('/api-token-verify/').send({ token: oldToken });
    expect(verified.body).toEqual({ token: oldToken });
    const newToken = await login(during);
    expect(headerOf(newToken).kid).toBe('2026-06');
    expect(payloadOf(newToken).username).toBe('admin');
    expect((await guarded(during, newToken)).status).toBe(200);

    const after = await start({ privateKey: newPair.privateKey, keyId: '2026-06' });
    expect((await guarded(after, newToken)).status).toBe(200);
    const refused = await guarded(after, oldToken);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ detail: 'Incorrect authentication credentials.' });
  });

  it('refuses a token naming a key id the app does not know', async () => {
    const t = await start({ privateKey: newPair.privateKey, keyId: '2026-06' });
    const token = await login(t);
    const [, payload, signature] = token.split('.');
    const unknownKid = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: 'nope' })).toString('base64url');
    const response = await guarded(t, `${unknownKid}.${payload}.${signature}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Incorrect authentication credentials.' });
  });
});
