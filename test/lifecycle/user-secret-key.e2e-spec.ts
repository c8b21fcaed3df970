import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { JwtAuthService } from '../../lib/flows/jwt-auth.service.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { ADAPTERS, type LiveTestApp, SECRET, useApp, UsersModule } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, signHs } from '../support/tokens.js';
import type { TestUser } from '../support/users.js';
import { obtainToken } from '../support/endpoints.js';

/** Each user's own secret (upstream's example: a UUID kept on the user, rotated to log out). */
const secrets = new Map<string, string>();
const secretOf = (user: TestUser) => secrets.get(user.username) ?? `initial-secret-of-${user.username}-0123456789`;

const guarded = (t: LiveTestApp, token: string) =>
  request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);

describe.each(ADAPTERS)('getUserSecretKey (JWT_GET_USER_SECRET_KEY) (%s)', (adapter) => {
  const t = useApp(
    adapter,
    () =>
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        allowRefresh: true,
        errorFormat: 'drf',
        loginThrottle: false,
        getUserSecretKey: (user) => secretOf(user as TestUser),
        imports: [UsersModule],
      }),
    { resetUsers: true },
  );

  it("tokens are signed with the user's key: an independent HMAC with it verifies, the module secret does not", async () => {
    secrets.delete('admin');
    const token = await obtainToken(t.server);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as object;
    expect(token).toBe(signHs(claims, { secret: 'initial-secret-of-admin-0123456789' }));
    expect(token).not.toBe(signHs(claims));
  });

  it('they open the guard, verify and refresh', async () => {
    secrets.delete('admin');
    const token = await obtainToken(t.server);
    expect((await guarded(t, token)).status).toBe(200);
    expect((await request(t.server).post('/api-token-verify/').send({ token })).status).toBe(200);
    const refreshed = await request(t.server).post('/api-token-refresh/').send({ token });
    expect(refreshed.status).toBe(200);
    expect((await guarded(t, refreshed.body.token as string)).status).toBe(200);
  });

  it("changing the user's key refuses every token issued before (log out everywhere, upstream's way)", async () => {
    secrets.delete('admin');
    const token = await obtainToken(t.server);
    secrets.set('admin', 'a-brand-new-secret-for-admin-0123456789');
    expectRefusal(await guarded(t, token), 'Error decoding signature.', 'drf');
    const verify = await request(t.server).post('/api-token-verify/').send({ token });
    expect(verify.status).toBe(400);
    expect(verify.body).toEqual({ non_field_errors: ['Error decoding signature.'] });
    expect((await guarded(t, await obtainToken(t.server))).status).toBe(200);
  });

  it('a token signed with the module secret is refused', async () => {
    expectRefusal(await guarded(t, signHs(adminClaims())), 'Error decoding signature.', 'drf');
  });

  it('a token naming an unknown user is a bad signature, not "User doesn\'t exist." (nothing revealed)', async () => {
    const token = signHs(adminClaims({ username: 'nobody' }), { secret: 'initial-secret-of-nobody-0123456789' });
    const verify = await request(t.server).post('/api-token-verify/').send({ token });
    expect(verify.body).toEqual({ non_field_errors: ['Error decoding signature.'] });
  });

  it('an inactive user is refused with the usual message', async () => {
    const token = signHs(adminClaims({ username: 'inactive', user_id: 2 }), {
      secret: 'initial-secret-of-inactive-0123456789',
    });
    expectRefusal(await guarded(t, token), 'User account is disabled.', 'drf');
  });

  it("JwtAuthService.verifyPayload verifies with the user's key", async () => {
    secrets.delete('admin');
    const token = await obtainToken(t.server);
    const service = t.app.get(JwtAuthService);
    await expect(service.verifyPayload(token)).resolves.toMatchObject({ username: 'admin' });
  });
});

describe('getUserSecretKey: start-up validation', () => {
  it('is refused with an asymmetric algorithm, naming the option', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => resolveSettings({ algorithm: 'RS256', privateKey, getUserSecretKey: () => 'k' })).toThrow(
      'option "getUserSecretKey" needs an HS algorithm',
    );
  });

  it('must be a function', () => {
    expect(() => resolveSettings({ secretKey: SECRET, getUserSecretKey: 'k' as never })).toThrow(
      'option "getUserSecretKey" must be a function',
    );
  });
});
