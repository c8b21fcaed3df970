import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule, type JwtAuthModuleOptions } from '../../lib/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, now, signHs } from '../support/tokens.js';

const EXPIRED = 'Signature has expired.';
const INCORRECT = 'Incorrect authentication credentials.';

/** One app per describe block, closed before the next starts (Passport's registry is global). */
function withApp(adapter: (typeof ADAPTERS)[number], options: JwtAuthModuleOptions) {
  const t = useApp(adapter, () =>
    JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: 'drf', ...options, imports: [UsersModule] }),
  );
  return (token: string) => request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
}

describe.each(ADAPTERS)('JwtAuthGuard honours the verification options (%s)', (adapter) => {
  describe('audience "my-api" and issuer "https://issuer.example"', () => {
    const send = withApp(adapter, { audience: 'my-api', issuer: 'https://issuer.example' });
    const claims = (extra: Record<string, unknown> = {}) =>
      adminClaims({ aud: 'my-api', iss: 'https://issuer.example', ...extra });

    it('accepts a token with the configured aud and iss', async () => {
      const response = await send(signHs(claims()));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('accepts an aud list that contains the configured audience', async () => {
      expect((await send(signHs(claims({ aud: ['other', 'my-api'] })))).status).toBe(200);
    });

    it('refuses a wrong aud: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(claims({ aud: 'other-api' }))), INCORRECT, 'drf');
    });

    it('refuses a missing aud: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(claims({ aud: undefined }))), INCORRECT, 'drf');
    });

    it('refuses a wrong iss: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(claims({ iss: 'https://evil.example' }))), INCORRECT, 'drf');
    });

    it('refuses a missing iss: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(claims({ iss: undefined }))), INCORRECT, 'drf');
    });

    it('still checks expiry first: an expired token with a wrong aud is "Signature has expired."', async () => {
      expectRefusal(await send(signHs(claims({ aud: 'other-api', exp: now() - 10 }))), EXPIRED, 'drf');
    });
  });

  describe('leeway 30 seconds', () => {
    const send = withApp(adapter, { leeway: 30 });

    it('accepts a token that expired 10 s ago (within the leeway)', async () => {
      expect((await send(signHs(adminClaims({ exp: now() - 10 })))).status).toBe(200);
    });

    it('refuses a token that expired 90 s ago: Signature has expired.', async () => {
      expectRefusal(await send(signHs(adminClaims({ exp: now() - 90 }))), EXPIRED, 'drf');
    });

    it('accepts a token whose nbf is 10 s in the future (within the leeway)', async () => {
      expect((await send(signHs(adminClaims({ nbf: now() + 10 })))).status).toBe(200);
    });

    it('refuses a token whose nbf is 90 s in the future: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(adminClaims({ nbf: now() + 90 }))), INCORRECT, 'drf');
    });
  });

  describe('leeway given as a duration string ("1m")', () => {
    const send = withApp(adapter, { leeway: '1m' });

    it('accepts a token that expired 30 s ago', async () => {
      expect((await send(signHs(adminClaims({ exp: now() - 30 })))).status).toBe(200);
    });

    it('refuses a token that expired 120 s ago: Signature has expired.', async () => {
      expectRefusal(await send(signHs(adminClaims({ exp: now() - 120 }))), EXPIRED, 'drf');
    });
  });

  describe('no leeway (default)', () => {
    const send = withApp(adapter, {});

    it('refuses a token that expired 5 s ago: Signature has expired.', async () => {
      expectRefusal(await send(signHs(adminClaims({ exp: now() - 5 }))), EXPIRED, 'drf');
    });

    it('refuses a token whose nbf is 5 s in the future: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(adminClaims({ nbf: now() + 5 }))), INCORRECT, 'drf');
    });
  });

  describe('verifyExpiration: false', () => {
    const send = withApp(adapter, { verifyExpiration: false });

    it('accepts a token that expired long ago', async () => {
      const response = await send(signHs(adminClaims({ exp: now() - 30 * 24 * 3600 })));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('still refuses a token without exp (requireExpiration defaults to true)', async () => {
      expectRefusal(await send(signHs({ user_id: 1, username: 'admin' })), INCORRECT, 'drf');
    });

    it('still checks the signature', async () => {
      const token = signHs(adminClaims({ exp: now() - 100 }), { secret: 'x'.repeat(40) });
      expectRefusal(await send(token), 'Error decoding signature.', 'drf');
    });

    it('still checks the user (inactive: User account is disabled.)', async () => {
      const token = signHs({ user_id: 2, username: 'inactive', exp: now() - 100 });
      expectRefusal(await send(token), 'User account is disabled.', 'drf');
    });
  });

  describe('requireExpiration: false', () => {
    const send = withApp(adapter, { requireExpiration: false });

    it('accepts a token without exp', async () => {
      expect((await send(signHs({ user_id: 1, username: 'admin' }))).status).toBe(200);
    });

    it('still refuses an expired token: Signature has expired.', async () => {
      expectRefusal(await send(signHs(adminClaims({ exp: now() - 10 }))), EXPIRED, 'drf');
    });
  });

  describe('algorithm HS512 (64-byte secret)', () => {
    const secret = 'k'.repeat(64);
    const send = withApp(adapter, { algorithm: 'HS512', secretKey: secret });

    it('accepts an HS512 token', async () => {
      expect((await send(signHs(adminClaims(), { alg: 'HS512', secret }))).status).toBe(200);
    });

    it('refuses an HS256 token signed with the same secret: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(adminClaims(), { alg: 'HS256', secret })), INCORRECT, 'drf');
    });
  });
});
