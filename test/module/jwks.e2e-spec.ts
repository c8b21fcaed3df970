import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import request from 'supertest';
import { JwtAuthModule, type JwtAuthModuleForRootOptions } from '../../lib/index.js';
import { ADAPTERS, SECRET, startApp, type TestApp, UsersModule } from '../support/apps.js';

const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
const retired = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PATH = '/.well-known/jwks.json';

describe.each(ADAPTERS)('GET /.well-known/jwks.json (%s)', (adapter) => {
  let t: TestApp | undefined;
  const start = async (options: typeof JwtAuthModuleForRootOptions) => {
    await t?.close();
    t = await startApp(adapter, JwtAuthModule.forRoot({ imports: [UsersModule], ...options }));
    return t;
  };
  afterAll(() => t?.close());

  it('lists the public keys with kid, alg and use, and a Cache-Control header', async () => {
    const app = await start({
      algorithm: 'RS256',
      privateKey: signing.privateKey,
      keyId: 'rsa-2026',
      verifyKeys: [
        { kid: 'ec-2025', key: retired.publicKey, algorithm: 'ES256' },
        { kid: 'hmac-old', key: SECRET, algorithm: 'HS256' },
      ],
      jwks: true,
    });
    const response = await request(app.server).get(PATH);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const keys = response.body.keys as Record<string, string>[];
    expect(keys.map(({ kid, alg, use, kty }) => ({ kid, alg, use, kty }))).toEqual([
      { kid: 'rsa-2026', alg: 'RS256', use: 'sig', kty: 'RSA' },
      { kid: 'ec-2025', alg: 'ES256', use: 'sig', kty: 'EC' },
    ]);
    // Never a private member (d, p, q, dp, dq, qi) nor a secret (k).
    for (const key of keys)
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(member);
    // The published key verifies the app's tokens.
    const login = await request(app.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    const [header, payload, signature] = (login.body.token as string).split('.');
    const publicKey = createPublicKey({ key: keys[0], format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(
      true,
    );
  });

  it('is open when the guard is global', async () => {
    const app = await start({ algorithm: 'ES256', privateKey: retired.privateKey, jwks: true, globalGuard: true });
    const response = await request(app.server).get(PATH);
    expect(response.status).toBe(200);
    expect(response.body.keys).toHaveLength(1);
    expect(response.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
  });

  it('is absent unless asked for', async () => {
    const app = await start({ algorithm: 'RS256', privateKey: signing.privateKey });
    expect((await request(app.server).get(PATH)).status).toBe(404);
  });

  it('refuses to start with jwks: true and only an HMAC secret, naming the option', async () => {
    await t?.close();
    t = undefined;
    await expect(
      startApp(adapter, JwtAuthModule.forRoot({ imports: [UsersModule], secretKey: SECRET, jwks: true })),
    ).rejects.toThrow('option "jwks"');
  });
});
