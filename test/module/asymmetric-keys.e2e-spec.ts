import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, type KeyObject, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import request from 'supertest';
import { JwtAuthModule, type JwtAuthModuleOptions } from '../../lib/index.js';
import { ADAPTERS, useApp, UsersModule } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, b64url, payloadOf, signHs } from '../support/tokens.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = (key: KeyObject) =>
  key.export(key.type === 'private' ? { type: 'pkcs8', format: 'pem' } : { type: 'spki', format: 'pem' }).toString();

/** Checks a token's signature with node:crypto alone, independently of the library. */
function signatureIsValid(token: string, publicKey: KeyObject, alg: 'RS256' | 'ES256'): boolean {
  const [head, body, signature] = token.split('.');
  return cryptoVerify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey,
    Buffer.from(signature, 'base64url'),
  );
}

/** Signs with node:crypto alone. */
function signAsym(payload: object, privateKey: KeyObject, alg: 'RS256' | 'ES256'): string {
  const input = `${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}`;
  const signature = cryptoSign(
    'sha256',
    Buffer.from(input),
    alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey,
  );
  return `${input}.${signature.toString('base64url')}`;
}

const CONFIGURATIONS: [string, 'RS256' | 'ES256', JwtAuthModuleOptions, KeyObject, KeyObject][] = [
  [
    'RS256 from a PEM private key (public key derived)',
    'RS256',
    { algorithm: 'RS256', privateKey: pem(rsa.privateKey) },
    rsa.privateKey,
    rsa.publicKey,
  ],
  [
    'RS256 from PEM private and public keys',
    'RS256',
    { algorithm: 'RS256', privateKey: pem(rsa.privateKey), publicKey: pem(rsa.publicKey) },
    rsa.privateKey,
    rsa.publicKey,
  ],
  [
    'ES256 from KeyObjects',
    'ES256',
    { algorithm: 'ES256', privateKey: ec.privateKey, publicKey: ec.publicKey },
    ec.privateKey,
    ec.publicKey,
  ],
  [
    'ES256 from a PEM private key (public key derived)',
    'ES256',
    { algorithm: 'ES256', privateKey: pem(ec.privateKey) },
    ec.privateKey,
    ec.publicKey,
  ],
];

describe.each(ADAPTERS)('Asymmetric algorithms end to end (%s)', (adapter) => {
  describe.each(CONFIGURATIONS)('%s', (_label, alg, options, privateKey, publicKey) => {
    const t = useApp(adapter, () => JwtAuthModule.forRoot({ ...options, errorFormat: 'drf', imports: [UsersModule] }));

    async function login(): Promise<string> {
      const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      expect(response.status).toBe(200);
      return response.body.token as string;
    }

    it(`login issues a ${alg} token that the public key verifies`, async () => {
      const token = await login();
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg, typ: 'JWT' });
      expect(signatureIsValid(token, publicKey, alg)).toBe(true);
      expect(payloadOf(token).username).toBe('admin');
    });

    it('login → guard: the token opens /protected-url', async () => {
      const token = await login();
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it(`the guard accepts a ${alg} token signed outside the library with the private key`, async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `JWT ${signAsym(adminClaims(), privateKey, alg)}`);
      expect(response.status).toBe(200);
    });

    it('/api-token-verify/ accepts the token', async () => {
      const token = await login();
      const response = await request(t.server).post('/api-token-verify/').send({ token });
      expect(response.status).toBe(200);
    });

    it('refuses an HS256 token whose HMAC secret is the public key PEM (key confusion): Incorrect authentication credentials.', async () => {
      const forged = signHs(adminClaims(), { secret: pem(publicKey) });
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${forged}`);
      expectRefusal(response, 'Incorrect authentication credentials.', 'drf');
    });

    it('refuses a token signed with another key: Error decoding signature.', async () => {
      const otherKey =
        alg === 'RS256' ? otherRsa.privateKey : generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `JWT ${signAsym(adminClaims(), otherKey, alg)}`);
      expectRefusal(response, 'Error decoding signature.', 'drf');
    });

    it('refuses an expired token: Signature has expired.', async () => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `JWT ${signAsym(adminClaims({ exp: 1000 }), privateKey, alg)}`);
      expectRefusal(response, 'Signature has expired.', 'drf');
    });
  });
});
