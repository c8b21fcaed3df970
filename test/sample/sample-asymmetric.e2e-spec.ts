import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createHmac, createPublicKey, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp, HTTP_ADAPTERS } from '../../sample/create-app.js';
import { generateKeyMaterial } from '../../sample/keys.js';
import { useSampleEnv } from '../support/sample-env.js';

/** The variables the sample reads for its keys; each test app starts from exactly these. */
const SAMPLE_ENV = ['SAMPLE_DB', 'JWT_SECRET_KEY', 'JWT_ALGORITHM', 'JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY'];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-sample-rs256-');

function partOf(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));
}

/** Whether the token's RS256 signature verifies with `publicKeyPem` (checked without the library). */
function signedBy(token: string, publicKeyPem: string): boolean {
  const [head, body, signature] = token.split('.');
  return verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    createPublicKey(publicKeyPem),
    Buffer.from(signature, 'base64url'),
  );
}

// The key pair `npm run keys -- RS256` would print.
const keys = generateKeyMaterial('RS256');
const privateKey = keys.privateKey as string;
const publicKey = keys.publicKey as string;
const otherPublicKey = generateKeyMaterial('RS256').publicKey as string;

describe.each(HTTP_ADAPTERS)('sample app on %s with JWT_ALGORITHM=RS256 and JWT_PRIVATE_KEY', (adapter) => {
  let app: INestApplication;
  let server: App;

  beforeAll(async () => {
    // Express: the key as one-line text with literal \n; Fastify: the private key from a file.
    const privateKeyFile = join(tempDir, `${adapter}-private.pem`);
    writeFileSync(privateKeyFile, privateKey);
    setEnv({
      SAMPLE_DB: join(tempDir, `${adapter}.sqlite3`),
      JWT_ALGORITHM: 'RS256',
      JWT_PRIVATE_KEY: adapter === 'express' ? privateKey.replace(/\n/g, '\\n') : privateKeyFile,
    });
    app = await createApp(adapter, { logger: false });
    server = app.getHttpServer();
  });
  // Passport's strategy registry is global: the next app must not meet this one's strategy.
  afterAll(() => app?.close());

  it('login gives an RS256 token signed by the private key; /protected-url/ accepts it', async () => {
    const login = await request(server).post('/api-token-auth/').type('form').send('username=admin&password=abc123');
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    expect(typeof token).toBe('string');
    expect(partOf(token, 0)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(partOf(token, 1)).toMatchObject({ username: 'admin' });
    expect(signedBy(token, publicKey)).toBe(true);
    expect(signedBy(token, otherPublicKey)).toBe(false);

    const protectedResponse = await request(server).get('/protected-url/').set('Authorization', `JWT ${token}`);
    expect(protectedResponse.status).toBe(200);
    expect(protectedResponse.body).toEqual({ message: 'Hello, admin!', username: 'admin' });
  });

  it('serves the public key at /.well-known/jwks.json, and it verifies the tokens', async () => {
    const response = await request(server).get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.body.keys).toHaveLength(1);
    expect(response.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(response.body.keys[0]).not.toHaveProperty('d');
    const login = await request(server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    const published = createPublicKey({ key: response.body.keys[0], format: 'jwk' });
    expect(signedBy(login.body.token as string, published.export({ format: 'pem', type: 'spki' }).toString())).toBe(
      true,
    );
  });

  it('/protected-url/ refuses an HS256 token "signed" with the public key (algorithm confusion)', async () => {
    const login = await request(server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    const [, body] = (login.body.token as string).split('.');
    const head = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
    const signature = createHmac('sha256', publicKey).update(`${head}.${body}`).digest('base64url');
    const response = await request(server)
      .get('/protected-url/')
      .set('Authorization', `JWT ${head}.${body}.${signature}`);
    expect(response.status).toBe(401);
  });
});

describe('sample app start-up with RS256', () => {
  it('stops with an error naming JWT_PRIVATE_KEY when it is missing', async () => {
    setEnv({ SAMPLE_DB: join(tempDir, 'no-key.sqlite3'), JWT_ALGORITHM: 'RS256' });
    await expect(createApp('express', { logger: false })).rejects.toThrow(
      /^JWT_PRIVATE_KEY is required for JWT_ALGORITHM=RS256/,
    );
  });
});
