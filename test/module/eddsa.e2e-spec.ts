import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, type KeyObject, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { JwtAuthModule, type JwtAuthModuleOptions } from '../../lib/index.js';
import { ADAPTERS, type AdapterName, startApp, type TestApp, UsersModule } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, b64url, payloadOf } from '../support/tokens.js';
import { obtainToken } from '../support/endpoints.js';

const ed = generateKeyPairSync('ed25519');
const otherEd = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

const headerOf = (token: string): unknown => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());

/** Signs with node:crypto alone: `alg` EdDSA, Ed25519 (RFC 8037). */
function signEd(payload: object, privateKey: KeyObject): string {
  const input = `${b64url({ alg: 'EdDSA', typ: 'JWT' })}.${b64url(payload)}`;
  return `${input}.${cryptoSign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

/** Checks a token's Ed25519 signature with node:crypto alone. */
function edSignatureIsValid(token: string, publicKey: KeyObject): boolean {
  const [head, body, signature] = token.split('.');
  return cryptoVerify(null, Buffer.from(`${head}.${body}`), publicKey, Buffer.from(signature, 'base64url'));
}

/** One app for the enclosing describe block, started with startApp and closed afterwards. */
function appWith(adapter: AdapterName, options: () => JwtAuthModuleOptions): { readonly server: TestApp['server'] } {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await startApp(adapter, JwtAuthModule.forRoot({ ...options(), imports: [UsersModule] }));
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get server() {
      if (!current) throw new Error('the app is not running');
      return current.server;
    },
  };
}

describe.each(ADAPTERS)('EdDSA end to end (%s)', (adapter) => {
  const t = appWith(adapter, () => ({
    algorithm: 'EdDSA',
    privateKey: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    allowRefresh: true,
    errorFormat: 'drf',
  }));

  it('login issues a token with header alg EdDSA, signed with the Ed25519 key', async () => {
    const token = await obtainToken(t.server);
    expect(headerOf(token)).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    expect(edSignatureIsValid(token, ed.publicKey)).toBe(true);
    expect(edSignatureIsValid(token, otherEd.publicKey)).toBe(false);
    expect(payloadOf(token).username).toBe('admin');
  });

  it('login → guard: the token opens /protected-url (200)', async () => {
    const token = await obtainToken(t.server);
    const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ username: 'admin' });
  });

  it('the guard accepts an EdDSA token signed outside the library', async () => {
    const response = await request(t.server)
      .get('/protected-url')
      .set('Authorization', `JWT ${signEd(adminClaims(), ed.privateKey)}`);
    expect(response.status).toBe(200);
  });

  it('/api-token-verify/ accepts the token and returns it', async () => {
    const token = await obtainToken(t.server);
    const response = await request(t.server).post('/api-token-verify/').send({ token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ token });
  });

  it('/api-token-refresh/ gives a new EdDSA token that keeps orig_iat and opens the guard', async () => {
    const token = await obtainToken(t.server);
    const response = await request(t.server).post('/api-token-refresh/').send({ token });
    expect(response.status).toBe(200);
    const refreshed = response.body.token as string;
    expect(headerOf(refreshed)).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    expect(edSignatureIsValid(refreshed, ed.publicKey)).toBe(true);
    expect(payloadOf(refreshed).orig_iat).toBe(payloadOf(token).orig_iat);
    const guarded = await request(t.server).get('/protected-url').set('Authorization', `JWT ${refreshed}`);
    expect(guarded.status).toBe(200);
  });

  it('refuses a token signed with another Ed25519 key: 401 Error decoding signature.', async () => {
    const response = await request(t.server)
      .get('/protected-url')
      .set('Authorization', `JWT ${signEd(adminClaims(), otherEd.privateKey)}`);
    expectRefusal(response, 'Error decoding signature.', 'drf');
  });

  it('/api-token-verify/ refuses a token signed with another Ed25519 key (400)', async () => {
    const response = await request(t.server)
      .post('/api-token-verify/')
      .send({ token: signEd(adminClaims(), otherEd.privateKey) });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('Error decoding signature.');
  });
});

describe.each(ADAPTERS)('RS256 with privateKey given as a PEM file path (%s)', (adapter) => {
  const dir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-e2e-keys-'));
  const path = join(dir, 'rs256-private.pem');
  writeFileSync(path, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const t = appWith(adapter, () => ({ algorithm: 'RS256', privateKey: path, errorFormat: 'drf' }));

  it('login issues an RS256 token the file key signed, which opens the guard and verifies', async () => {
    const token = await obtainToken(t.server);
    expect(headerOf(token)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const [head, body, signature] = token.split('.');
    expect(
      cryptoVerify('sha256', Buffer.from(`${head}.${body}`), rsa.publicKey, Buffer.from(signature, 'base64url')),
    ).toBe(true);
    const guarded = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
    expect(guarded.status).toBe(200);
    expect(guarded.body).toEqual({ username: 'admin' });
    const verified = await request(t.server).post('/api-token-verify/').send({ token });
    expect(verified.status).toBe(200);
  });

  it('refuses an EdDSA token: alg not allowed (Incorrect authentication credentials.)', async () => {
    const response = await request(t.server)
      .get('/protected-url')
      .set('Authorization', `JWT ${signEd(adminClaims(), ed.privateKey)}`);
    expectRefusal(response, 'Incorrect authentication credentials.', 'drf');
  });
});
