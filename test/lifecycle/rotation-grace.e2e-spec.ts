import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule, MemoryRevocationStore } from '../../lib/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import { obtainToken } from '../support/endpoints.js';
import { expectRefusal } from '../support/refusals.js';
import { payloadOf } from '../support/tokens.js';

/**
 * Issue #15, item 6: under rotateOnRefresh, two tabs refreshing one token at once (or a retry
 * after a lost answer) get the same successor within rotationGracePeriod; after it, a second
 * refresh is a reuse, as before. The store's clock is injected: "after the window" is a step
 * of that clock, never a wait. Two instances sharing Redis: rotation-grace-redis.e2e-spec.ts.
 */
const REVOKED = 'Token has been revoked.';

describe.each(ADAPTERS)('Rotation grace period, one instance (%s)', (adapter) => {
  let offsetMs = 0;
  const t = useApp(
    adapter,
    () =>
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        allowRefresh: true,
        rotateOnRefresh: true,
        rotationGracePeriod: '10s',
        errorFormat: 'drf',
        loginThrottle: false,
        revocationStore: new MemoryRevocationStore({ now: () => Date.now() + offsetMs }),
        imports: [UsersModule],
      }),
    { resetUsers: true },
  );
  const refresh = (token: string) => request(t.server).post('/api-token-refresh/').send({ token });
  const guarded = (token: string) => request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);

  it('two concurrent refreshes of one token both succeed, with the same successor; nobody is logged out', async () => {
    offsetMs = 0;
    const token = await obtainToken(t.server);
    const [a, b] = await Promise.all([refresh(token), refresh(token)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // HS256 signs deterministically: the same claims are the same token.
    expect(a.body.token).toBe(b.body.token);
    const successor = a.body.token as string;
    expect(payloadOf(successor).jti).not.toBe(payloadOf(token).jti);
    expect(payloadOf(successor).orig_jti).toBe(payloadOf(token).jti);
    expect((await guarded(successor)).status).toBe(200);
    // The replaced token itself no longer opens the guard, grace or not.
    expectRefusal(await guarded(token), REVOKED, 'drf');
    // The chain goes on: the successor refreshes (once more, concurrently, from both tabs).
    const [c, d] = await Promise.all([refresh(successor), refresh(successor)]);
    expect([c.status, d.status, c.body.token === d.body.token]).toEqual([200, 200, true]);
    expect((await guarded(c.body.token as string)).status).toBe(200);
  });

  it('a retry within the window (the first answer was lost) gets the same successor', async () => {
    offsetMs = 0;
    const token = await obtainToken(t.server);
    const first = await refresh(token);
    offsetMs = 9_000;
    const retry = await refresh(token);
    expect({ status: retry.status, token: retry.body.token as unknown }).toEqual({
      status: 200,
      token: first.body.token,
    });
    offsetMs = 0;
  });

  it('after the window a second refresh is a reuse: the whole chain is revoked, as without a grace period', async () => {
    offsetMs = 0;
    const token = await obtainToken(t.server);
    const successor = (await refresh(token)).body.token as string;
    offsetMs = 10_000; // the store's clock at the end of the window
    const reuse = await refresh(token);
    expect({ status: reuse.status, body: reuse.body as unknown }).toEqual({
      status: 400,
      body: { non_field_errors: [REVOKED] },
    });
    offsetMs = 0;
    expectRefusal(await guarded(successor), REVOKED, 'drf');
    expect((await refresh(successor)).status).toBe(400);
  });

  it('a chain logged out within the window gives nothing to the second tab', async () => {
    offsetMs = 0;
    const token = await obtainToken(t.server);
    const successor = (await refresh(token)).body.token as string;
    expect((await request(t.server).post('/api-token-revoke/').send({ token: successor })).status).toBe(200);
    expect((await refresh(token)).body).toEqual({ non_field_errors: [REVOKED] });
  });
});

describe.each(ADAPTERS)('rotationGracePeriod: 0 keeps strict reuse detection (%s)', (adapter) => {
  const t = useApp(adapter, () =>
    JwtAuthModule.forRoot({
      secretKey: SECRET,
      allowRefresh: true,
      rotateOnRefresh: true,
      rotationGracePeriod: 0,
      errorFormat: 'drf',
      loginThrottle: false,
      imports: [UsersModule],
    }),
  );

  it('of two concurrent refreshes one wins, the other is a reuse that revokes the chain', async () => {
    const token = await obtainToken(t.server);
    const refresh = () => request(t.server).post('/api-token-refresh/').send({ token });
    const [a, b] = await Promise.all([refresh(), refresh()]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const winner = (a.status === 200 ? a : b).body.token as string;
    expectRefusal(await request(t.server).get('/protected-url').set('Authorization', `JWT ${winner}`), REVOKED, 'drf');
  });
});
