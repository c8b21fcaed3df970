import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import { adminClaims, b64url, now, signHs } from '../support/tokens.js';

/** Sends GET /protected-url with every Authorization value as its own header line. */
function getWithAuthorizations(server: Server, values: string[]): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    const req = httpRequest({ port, host: '127.0.0.1', path: '/protected-url', headers: { Authorization: values } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Signs an HS256 token whose header or payload JSON text is given verbatim. */
function signRaw(headerJson: string, payloadJson: string): string {
  return signHs(payloadJson, { header: JSON.parse(headerJson) }).replace(/^[^.]+/, b64url(headerJson));
}

describe.each(ADAPTERS)('guard hardening beyond the reference (%s)', (adapter) => {
  const t = useApp(adapter, () =>
    JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: 'drf', imports: [UsersModule] }),
  );
  let server: Server;
  beforeAll(async () => {
    server = t.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  it('refuses two Authorization headers even when the first is valid', async () => {
    const valid = `JWT ${signHs(adminClaims())}`;
    const response = await getWithAuthorizations(server, [valid, 'JWT garbage']);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      detail: 'Invalid Authorization header. Credentials string should not contain spaces.',
    });
  });

  it('still accepts one valid Authorization header sent the same way', async () => {
    const response = await getWithAuthorizations(server, [`JWT ${signHs(adminClaims())}`]);
    expect(response).toEqual({ status: 200, body: { username: 'admin' } });
  });

  it('refuses a token with a critical header extension it does not understand', async () => {
    const token = signHs(adminClaims(), { header: { alg: 'HS256', typ: 'JWT', crit: ['exp'] } });
    const response = await request(server).get('/protected-url').set('Authorization', `JWT ${token}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Incorrect authentication credentials.' });
  });

  it('refuses a payload with a duplicate key, even correctly signed', async () => {
    const payload = `{"user_id":1,"username":"nobody","username":"admin","exp":${now() + 300}}`;
    const response = await request(server)
      .get('/protected-url')
      .set('Authorization', `JWT ${signRaw('{"alg":"HS256","typ":"JWT"}', payload)}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Error decoding signature.' });
  });

  it('refuses a header with a duplicate key', async () => {
    const payload = JSON.stringify(adminClaims());
    const response = await request(server)
      .get('/protected-url')
      .set('Authorization', `JWT ${signRaw('{"alg":"none","alg":"HS256","typ":"JWT"}', payload)}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Error decoding signature.' });
  });

  it('refuses a token issued in the future', async () => {
    const token = signHs(adminClaims({ iat: now() + 120 }));
    const response = await request(server).get('/protected-url').set('Authorization', `JWT ${token}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Incorrect authentication credentials.' });
  });

  it('gives verify the same answers: future iat is "Invalid token."', async () => {
    const response = await request(server)
      .post('/api-token-verify/')
      .send({ token: signHs(adminClaims({ iat: now() + 120 })) });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ non_field_errors: ['Invalid token.'] });
  });
});
