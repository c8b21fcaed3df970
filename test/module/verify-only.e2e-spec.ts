import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import request from 'supertest';
import { JwtAuthModule, type JwtAuthModuleForRootOptions } from '../../lib/index.js';
import { ADAPTERS, ProtectedController, SECRET, startApp, type TestApp, UsersModule } from '../support/apps.js';
import { adminClaims, signHs } from '../support/tokens.js';

const first = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const second = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token as another service issues it: ES256 with its key id. */
function issued(privateKey: KeyObject, kid: string | undefined, claims = adminClaims()): string {
  const input = `${b64({ alg: 'ES256', typ: 'JWT', ...(kid === undefined ? {} : { kid }) })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
const jwk = (publicKey: KeyObject, kid: string) => ({
  ...publicKey.export({ format: 'jwk' }),
  kid,
  alg: 'ES256',
  use: 'sig',
});

/** The issuer's JWKS endpoint, on loopback; counts how often it is fetched. */
class JwksServer {
  keys = [jwk(first.publicKey, 'issuer-1')];
  fetches = 0;
  private readonly server: Server = createServer((_request, response) => {
    this.fetches++;
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify({ keys: this.keys }));
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A route guarded the official recipe's way, by Passport with the module's strategy. */
@Controller()
class PassportRoute {
  @Get('passport')
  @UseGuards(AuthGuard('jwt'))
  get() {
    return { ok: true };
  }
}

describe.each(ADAPTERS)('verify-only mode (%s)', (adapter) => {
  let t: TestApp | undefined;
  const start = async (options: typeof JwtAuthModuleForRootOptions) => {
    await t?.close();
    t = await startApp(adapter, JwtAuthModule.forRoot({ errorFormat: 'drf', imports: [UsersModule], ...options }));
    return t;
  };
  afterAll(() => t?.close());
  const guarded = (app: TestApp, token: string) =>
    request(app.server).get('/protected-url').set('Authorization', `JWT ${token}`);

  describe('with a JWKS URL', () => {
    const jwks = new JwksServer();
    beforeAll(() => jwks.start());
    afterAll(() => jwks.stop());

    it('verifies tokens with the key their kid names, fetched from the issuer', async () => {
      const app = await start({ verifyOnly: true, jwksUrl: jwks.url, jwksCooldown: 1 });
      expect((await guarded(app, issued(first.privateKey, 'issuer-1'))).status).toBe(200);
      const verify = await request(app.server)
        .post('/api-token-verify/')
        .send({ token: issued(first.privateKey, 'issuer-1') });
      expect(verify.status).toBe(200);
    });

    it("Passport's AuthGuard fetches the key a token names, as JwtAuthGuard does", async () => {
      await t?.close();
      t = await startApp(
        adapter,
        JwtAuthModule.forRoot({ imports: [UsersModule], verifyOnly: true, jwksUrl: jwks.url, jwksCooldown: 1 }),
        [ProtectedController, PassportRoute],
      );
      const ok = await request(t.server)
        .get('/passport')
        .set('Authorization', `JWT ${issued(first.privateKey, 'issuer-1')}`);
      expect(ok.status).toBe(200);
      const unknown = await request(t.server)
        .get('/passport')
        .set('Authorization', `JWT ${issued(first.privateKey, 'nope')}`);
      expect(unknown.status).toBe(401);
    });

    it('a flood of unknown kids is refused without a flood of fetches', async () => {
      const app = await start({ verifyOnly: true, jwksUrl: jwks.url, jwksCooldown: 60 });
      expect((await guarded(app, issued(first.privateKey, 'issuer-1'))).status).toBe(200);
      const before = jwks.fetches;
      for (let i = 0; i < 20; i++) {
        const response = await guarded(app, issued(first.privateKey, `unknown-${i}`));
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ detail: 'Incorrect authentication credentials.' });
      }
      expect(jwks.fetches - before).toBeLessThanOrEqual(1);
    });

    it('picks up a new issuer key once the cooldown has passed', async () => {
      jwks.keys = [jwk(first.publicKey, 'issuer-1')];
      const app = await start({ verifyOnly: true, jwksUrl: jwks.url, jwksCooldown: 1 });
      expect((await guarded(app, issued(second.privateKey, 'issuer-2'))).status).toBe(401);
      jwks.keys = [jwk(first.publicKey, 'issuer-1'), jwk(second.publicKey, 'issuer-2')];
      await sleep(1100);
      expect((await guarded(app, issued(second.privateKey, 'issuer-2'))).status).toBe(200);
    });

    it('refuses an HMAC token naming a published key id (no key confusion), and a token without kid', async () => {
      const app = await start({ verifyOnly: true, jwksUrl: jwks.url });
      const hmac = signHs(adminClaims(), { header: { alg: 'HS256', typ: 'JWT', kid: 'issuer-1' } });
      expect((await guarded(app, hmac)).body).toEqual({ detail: 'Incorrect authentication credentials.' });
      expect((await guarded(app, issued(first.privateKey, undefined))).status).toBe(401);
    });

    it('has no login and no refresh: they answer as missing routes', async () => {
      const app = await start({ verifyOnly: true, jwksUrl: jwks.url });
      const login = await request(app.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      expect(login.status).toBe(404);
      const refresh = await request(app.server).post('/api-token-refresh/').send({ token: 'x' });
      expect(refresh.status).toBe(404);
    });
  });

  it('with one static verify key, accepts tokens without kid', async () => {
    const app = await start({
      verifyOnly: true,
      verifyKeys: [{ kid: 'issuer-1', key: first.publicKey, algorithm: 'ES256' }],
    });
    expect((await guarded(app, issued(first.privateKey, undefined))).status).toBe(200);
    expect((await guarded(app, issued(second.privateKey, undefined))).status).toBe(401);
  });

  it.each<[string, typeof JwtAuthModuleForRootOptions, string]>([
    [
      'a secret of its own',
      { verifyOnly: true, secretKey: SECRET, jwksUrl: 'https://issuer.example/jwks.json' },
      'secretKey',
    ],
    ['no keys at all', { verifyOnly: true }, 'verifyOnly'],
    ['a JWKS URL without verifyOnly', { secretKey: SECRET, jwksUrl: 'https://issuer.example/jwks.json' }, 'jwksUrl'],
    ['a JWKS URL that is not a URL', { verifyOnly: true, jwksUrl: 'not a url' }, 'jwksUrl'],
  ])('refuses to start with %s, naming the option', async (_name, options, option) => {
    await t?.close();
    t = undefined;
    await expect(startApp(adapter, JwtAuthModule.forRoot({ imports: [UsersModule], ...options }))).rejects.toThrow(
      `option "${option}"`,
    );
  });
});
