import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  JwtAuthModule,
  MemoryRevocationStore,
  type RevocationStore,
  type JwtAuthModuleOptions,
} from '../../lib/index.js';
import { JwtAuthService } from '../../lib/flows/jwt-auth.service.js';
import { ADAPTERS, type LiveTestApp, SECRET, useApp, UsersModule } from '../support/apps.js';
import { expectRefusal, unauthorizedBody } from '../support/refusals.js';
import { adminClaims, now, payloadOf, signHs } from '../support/tokens.js';
import { obtainToken } from '../support/endpoints.js';

const REVOKED = 'Token has been revoked.';

function moduleWith(options: Partial<JwtAuthModuleOptions> = {}) {
  return () =>
    JwtAuthModule.forRoot({
      secretKey: SECRET,
      allowRefresh: true,
      errorFormat: 'drf',
      imports: [UsersModule],
      ...options,
    });
}

const guarded = (t: LiveTestApp, token: string) =>
  request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);

const post = (t: LiveTestApp, path: string, body?: object) => request(t.server).post(path).send(body);

/** A store whose every call fails while `down` is set, as an unreachable Redis does. */
class FlakyStore implements RevocationStore {
  down = false;
  readonly inner = new MemoryRevocationStore();
  private gate<T>(call: () => T | Promise<T>): Promise<T> {
    return this.down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6390')) : Promise.resolve(call());
  }
  lookup(...args: Parameters<RevocationStore['lookup']>) {
    return this.gate(() => this.inner.lookup(...args));
  }
  markToken(...args: Parameters<RevocationStore['markToken']>) {
    return this.gate(() => this.inner.markToken(...args));
  }
  revokeSubject(...args: Parameters<RevocationStore['revokeSubject']>) {
    return this.gate(() => this.inner.revokeSubject(...args));
  }
  revokeFamily(...args: Parameters<RevocationStore['revokeFamily']>) {
    return this.gate(() => this.inner.revokeFamily(...args));
  }
}

describe.each(ADAPTERS)('Logout: POST /api-token-revoke/ (%s)', (adapter) => {
  const t = useApp(adapter, moduleWith(), { resetUsers: true });

  it('a token revoked by its body is refused by the guard with 401 "Token has been revoked."', async () => {
    const token = await obtainToken(t.server);
    expect((await guarded(t, token)).status).toBe(200);
    const revoked = await post(t, '/api-token-revoke/', { token });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({});
    expect(revoked.headers['cache-control']).toBe('no-store');
    expectRefusal(await guarded(t, token), REVOKED, 'drf');
  });

  it('a revoked token is refused by verify and refresh with 400 and the same text', async () => {
    const token = await obtainToken(t.server);
    await post(t, '/api-token-revoke/', { token });
    for (const path of ['/api-token-verify/', '/api-token-refresh/']) {
      const response = await post(t, path, { token });
      expect({ path, status: response.status, body: response.body as unknown }).toEqual({
        path,
        status: 400,
        body: { non_field_errors: [REVOKED] },
      });
    }
  });

  it('the token in a form or multipart body is revoked too (the body is read once)', async () => {
    const inForm = await obtainToken(t.server);
    const inMultipart = await obtainToken(t.server);
    const form = await request(t.server).post('/api-token-revoke/').type('form').send({ token: inForm });
    expect(form.status).toBe(200);
    const multipart = await request(t.server).post('/api-token-revoke/').field('token', inMultipart).timeout(5000);
    expect(multipart.status).toBe(200);
    expectRefusal(await guarded(t, inForm), REVOKED, 'drf');
    expectRefusal(await guarded(t, inMultipart), REVOKED, 'drf');
  });

  it('without a body field, the token of the Authorization header is revoked', async () => {
    const token = await obtainToken(t.server);
    const response = await request(t.server).post('/api-token-revoke/').set('Authorization', `JWT ${token}`);
    expect(response.status).toBe(200);
    expectRefusal(await guarded(t, token), REVOKED, 'drf');
  });

  it('without a token anywhere: 400 "This field is required."', async () => {
    const response = await post(t, '/api-token-revoke/', {});
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ token: ['This field is required.'] });
  });

  it('revoking twice is harmless (200 both times)', async () => {
    const token = await obtainToken(t.server);
    expect((await post(t, '/api-token-revoke/', { token })).status).toBe(200);
    expect((await post(t, '/api-token-revoke/', { token })).status).toBe(200);
  });

  it('revoking an expired token is harmless (200)', async () => {
    const token = signHs(adminClaims({ exp: now() - 60, jti: 'expired-one' }));
    expect((await post(t, '/api-token-revoke/', { token })).status).toBe(200);
  });

  it('a token with a bad signature is refused (400), not revoked', async () => {
    const token = signHs(adminClaims({ jti: 'forged' }), { secret: 'another-secret-that-is-long-enough-for-hs256' });
    const response = await post(t, '/api-token-revoke/', { token });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ non_field_errors: ['Error decoding signature.'] });
  });

  it('a token without jti cannot be revoked: 400 with the reason', async () => {
    const token = signHs(adminClaims());
    const response = await post(t, '/api-token-revoke/', { token });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ non_field_errors: ['Token has no jti claim and cannot be revoked.'] });
  });

  it("revoking one token leaves the user's other tokens working", async () => {
    const first = await obtainToken(t.server);
    const second = await obtainToken(t.server);
    await post(t, '/api-token-revoke/', { token: first });
    expect((await guarded(t, second)).status).toBe(200);
  });

  it('GET on the revoke path is 405, as on the other endpoints', async () => {
    const response = await request(t.server).get('/api-token-revoke/');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });
});

describe.each(ADAPTERS)('Log out everywhere (%s)', (adapter) => {
  const t = useApp(adapter, moduleWith(), { resetUsers: true });

  it('revokeAllForUser after a password change refuses every older token; a new login works', async () => {
    const first = await obtainToken(t.server);
    const second = await obtainToken(t.server);
    const admin = t.users.users.get('admin');
    if (!admin) throw new Error('no admin');
    admin.password = 'new password';
    await t.app.get(JwtAuthService).revokeAllForUser(admin);
    expectRefusal(await guarded(t, first), REVOKED, 'drf');
    expectRefusal(await guarded(t, second), REVOKED, 'drf');
    const fresh = await obtainToken(t.server, 'admin', 'new password');
    expect((await guarded(t, fresh)).status).toBe(200);
  });

  it('an older token can no longer be refreshed after it', async () => {
    const token = await obtainToken(t.server);
    const admin = t.users.users.get('admin');
    if (!admin) throw new Error('no admin');
    await t.app.get(JwtAuthService).revokeAllForUser(admin);
    const response = await post(t, '/api-token-refresh/', { token });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ non_field_errors: [REVOKED] });
  });

  it('POST /api-token-revoke-all/ needs authentication: 401 without a token', async () => {
    expectRefusal(
      await request(t.server).post('/api-token-revoke-all/'),
      'Authentication credentials were not provided.',
      'drf',
    );
  });

  it("POST /api-token-revoke-all/ with a token revokes all of that user's tokens, and only theirs", async () => {
    const mine = await obtainToken(t.server);
    const other = await obtainToken(t.server);
    const someoneElse = await obtainToken(t.server, 'uuid-user', 'pw with spaces ');
    const response = await request(t.server).post('/api-token-revoke-all/').set('Authorization', `JWT ${mine}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    expectRefusal(await guarded(t, mine), REVOKED, 'drf');
    expectRefusal(await guarded(t, other), REVOKED, 'drf');
    expect((await guarded(t, someoneElse)).status).toBe(200);
  });
});

describe.each(ADAPTERS)('Refresh rotation with reuse detection (%s)', (adapter) => {
  // No grace period: every second refresh of a token is a reuse (the grace period has its own
  // tests, test/lifecycle/rotation-grace.e2e-spec.ts).
  const t = useApp(adapter, moduleWith({ rotateOnRefresh: true, rotationGracePeriod: 0 }), { resetUsers: true });

  async function refresh(token: string) {
    return post(t, '/api-token-refresh/', { token });
  }

  it('tokens of one login carry its jti as orig_jti, kept across refreshes', async () => {
    const token = await obtainToken(t.server);
    const claims = payloadOf(token);
    expect(claims.orig_jti).toBe(claims.jti);
    const next = (await refresh(token)).body.token as string;
    expect(payloadOf(next).orig_jti).toBe(claims.jti);
    expect(payloadOf(next).jti).not.toBe(claims.jti);
  });

  it('refreshing revokes the token it replaces; the new one works', async () => {
    const token = await obtainToken(t.server);
    const next = await refresh(token);
    expect(next.status).toBe(200);
    expectRefusal(await guarded(t, token), REVOKED, 'drf');
    expect((await guarded(t, next.body.token as string)).status).toBe(200);
  });

  it('presenting a replaced token for refresh again revokes the whole chain of that login', async () => {
    const first = await obtainToken(t.server);
    const second = (await refresh(first)).body.token as string;
    const third = (await refresh(second)).body.token as string;
    expect((await guarded(t, third)).status).toBe(200);
    const reuse = await refresh(first);
    expect(reuse.status).toBe(400);
    expect(reuse.body).toEqual({ non_field_errors: [REVOKED] });
    expectRefusal(await guarded(t, third), REVOKED, 'drf');
    expect((await refresh(third)).status).toBe(400);
  });

  it('another login of the same user is another chain, untouched by the reuse', async () => {
    const stolen = await obtainToken(t.server);
    const other = await obtainToken(t.server);
    await refresh(stolen);
    await refresh(stolen);
    expect((await guarded(t, other)).status).toBe(200);
  });

  it('of two concurrent refreshes of one token, one succeeds and the chain is then revoked', async () => {
    const token = await obtainToken(t.server);
    const [a, b] = await Promise.all([refresh(token), refresh(token)]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const winner = (a.status === 200 ? a : b).body.token as string;
    expectRefusal(await guarded(t, winner), REVOKED, 'drf');
  });

  it('logout revokes the chain: the token and every refresh of it', async () => {
    const first = await obtainToken(t.server);
    const second = (await refresh(first)).body.token as string;
    await post(t, '/api-token-revoke/', { token: second });
    expect((await refresh(second)).status).toBe(400);
  });
});

describe.each(ADAPTERS)('Without rotation, refresh keeps the old token valid, as upstream (%s)', (adapter) => {
  const t = useApp(adapter, moduleWith(), { resetUsers: true });

  it('the replaced token still opens the guard, and carries no orig_jti', async () => {
    const token = await obtainToken(t.server);
    expect(payloadOf(token).orig_jti).toBeUndefined();
    const next = await post(t, '/api-token-refresh/', { token });
    expect(next.status).toBe(200);
    expect((await guarded(t, token)).status).toBe(200);
  });
});

describe.each(ADAPTERS)('Entries expire with their tokens (%s)', (adapter) => {
  const store = new MemoryRevocationStore();
  const t = useApp(adapter, moduleWith({ expirationDelta: 1, revocationStore: store }), { resetUsers: true });

  it("a revoked token's entry is gone once the token has expired", async () => {
    const token = await obtainToken(t.server);
    await post(t, '/api-token-revoke/', { token });
    expect(store.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    // Sweeping happens on writes: one more revocation, then only it is left.
    await post(t, '/api-token-revoke/', { token: await obtainToken(t.server) });
    expect(store.size).toBe(1);
    expectRefusal(await guarded(t, token), 'Signature has expired.', 'drf');
  });
});

describe.each(ADAPTERS)('When the store cannot answer, the guard fails closed (%s)', (adapter) => {
  describe('default: 503', () => {
    const store = new FlakyStore();
    const t = useApp(adapter, moduleWith({ revocationStore: store }), { resetUsers: true });

    it('503 "Token revocation status is unavailable." while down; 200 again once it answers', async () => {
      const token = await obtainToken(t.server);
      store.down = true;
      try {
        const refused = await guarded(t, token);
        expect(refused.status).toBe(503);
        expect(refused.body).toEqual({ detail: 'Token revocation status is unavailable.' });
        const verify = await post(t, '/api-token-verify/', { token });
        expect(verify.status).toBe(503);
        expect((await post(t, '/api-token-revoke/', { token })).status).toBe(503);
      } finally {
        store.down = false;
      }
      expect((await guarded(t, token)).status).toBe(200);
    });
  });

  describe('revocationUnavailableStatus: 401', () => {
    const store = new FlakyStore();
    const t = useApp(adapter, moduleWith({ revocationStore: store, revocationUnavailableStatus: 401 }), {
      resetUsers: true,
    });

    it('401 with the same message and a WWW-Authenticate challenge', async () => {
      const token = await obtainToken(t.server);
      store.down = true;
      try {
        const refused = await guarded(t, token);
        expect(refused.status).toBe(401);
        expect(refused.body).toEqual(unauthorizedBody('drf', 'Token revocation status is unavailable.'));
        expect(refused.headers['www-authenticate']).toBe('JWT realm="api"');
      } finally {
        store.down = false;
      }
    });
  });
});
