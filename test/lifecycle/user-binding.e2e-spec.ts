import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ADAPTERS, type AdapterName } from '../support/apps.js';
import {
  expectError,
  type LiveApp,
  nonField,
  OBTAIN,
  obtainToken,
  REFRESH,
  tokenOf,
  type TokenModuleOptions,
  USER_NOT_FOUND,
  useTokenApp,
  VERIFY,
} from '../support/endpoints.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, payloadOf, signHs as signWith } from '../support/tokens.js';

/**
 * Issue #15, item 3: a token is bound to the account it was issued to (its `user_id`), not only
 * to a username that a new account may take after the old one is deleted.
 */
const REVOKE = '/api-token-revoke/';
const INVALID_SIGNATURE = 'Invalid signature.';

const guarded = (app: LiveApp, token: string) =>
  request(app.server).get('/protected-url').set('Authorization', `JWT ${token}`);
const post = (app: LiveApp, path: string, token: string) => request(app.server).post(path).send({ token });

/** The repro: alice logs in (T), is deleted, and a new alice registers. Returns T and her token. */
async function aliceReplaced(app: LiveApp): Promise<{ old: string; current: string }> {
  app.users.add({ id: 10, username: 'alice', password: 'first password', isActive: true });
  const old = await obtainToken(app.server, 'alice', 'first password');
  expect((await guarded(app, old)).status).toBe(200);
  app.users.users.delete('alice');
  app.users.add({ id: 11, username: 'alice', password: 'another password', isActive: true });
  const current = await obtainToken(app.server, 'alice', 'another password');
  return { old, current };
}

/** Every door refuses the old token as upstream refuses an unknown user; the new alice's passes. */
async function expectOldRefusedEverywhere(app: LiveApp, old: string, current: string): Promise<void> {
  // The new alice first: with the user cache, which still holds the old alice, her token must
  // pass (the cached user of another id is looked up again), and the cache then holds her.
  expect((await guarded(app, current)).body).toEqual({ username: 'alice' });
  expect((await post(app, VERIFY, current)).status).toBe(200);
  expect(payloadOf(tokenOf(await post(app, REFRESH, current))).user_id).toBe(11);

  expectRefusal(await guarded(app, old), INVALID_SIGNATURE, 'drf');
  expectError(await post(app, VERIFY, old), 'drf', 400, nonField(USER_NOT_FOUND));
  expectError(await post(app, REFRESH, old), 'drf', 400, nonField(USER_NOT_FOUND));
  expectError(await post(app, REVOKE, old), 'drf', 400, nonField(USER_NOT_FOUND));
}

/** With getUserSecretKey each user's tokens are signed with that user's secret. */
const userSecret = (username: string): string => `secret of ${username} long enough for HS256`;

function bindingSuite(adapter: AdapterName, label: string, options: TokenModuleOptions): void {
  describe(`${label} (${adapter})`, () => {
    const app = useTokenApp(adapter, { errorFormat: 'drf', allowRefresh: true, ...options });
    const perUserKeys = options.getUserSecretKey !== undefined;
    const signHs = (claims: Record<string, unknown>): string =>
      signWith(claims, perUserKeys ? { secret: userSecret(String(claims.username)) } : {});

    it('the token of a deleted user is refused once another user registers the same username', async () => {
      const { old, current } = await aliceReplaced(app);
      await expectOldRefusedEverywhere(app, old, current);
    });

    it('a token without user_id names no account: refused where a user is looked up', async () => {
      const token = signHs(adminClaims({ user_id: undefined, orig_iat: Math.floor(Date.now() / 1000) }));
      expect(payloadOf(token)).not.toHaveProperty('user_id');
      expectRefusal(await guarded(app, token), INVALID_SIGNATURE, 'drf');
      expectError(await post(app, VERIFY, token), 'drf', 400, nonField(USER_NOT_FOUND));
      expectError(await post(app, REFRESH, token), 'drf', 400, nonField(USER_NOT_FOUND));
    });

    it('user_id 1 and "1" name the same account (Django writes a number, simplejwt 5.5 a string)', async () => {
      for (const userId of [1, '1']) {
        expect((await guarded(app, signHs(adminClaims({ user_id: userId })))).status).toBe(200);
      }
      for (const userId of [2, '01', 1.5, true, null, '', [1], { id: 1 }]) {
        expectRefusal(await guarded(app, signHs(adminClaims({ user_id: userId }))), INVALID_SIGNATURE, 'drf');
      }
      // A UUID id, as the login writes it.
      const login = await request(app.server).post(OBTAIN).send({ username: 'uuid-user', password: 'pw with spaces ' });
      expect((await guarded(app, tokenOf(login))).status).toBe(200);
    });

    it('a deleted user that nobody replaced: refused, and its token may still be logged out', async () => {
      app.users.add({ id: 12, username: 'bob', password: 'pw', isActive: true });
      const token = await obtainToken(app.server, 'bob', 'pw');
      app.users.users.delete('bob');
      // With per-user keys an unknown user has no key: a bad signature, as before.
      expectRefusal(await guarded(app, token), perUserKeys ? 'Error decoding signature.' : INVALID_SIGNATURE, 'drf');
      if (!perUserKeys) expect((await post(app, REVOKE, token)).status).toBe(200);
    });
  });
}

for (const adapter of ADAPTERS) {
  bindingSuite(adapter, 'Tokens bound to their user', {});
  // The cache holds the old alice for a minute (as for any deleted user, her token passes as
  // her, the deleted account, until then): the new alice's token must not be refused for it,
  // and once the cache holds the new alice the old token is not accepted as her.
  bindingSuite(adapter, 'Tokens bound to their user, with the user cache', { userCacheTtl: 60 });
  // A secret derived from the username alone is the same for both alices: the binding still holds.
  bindingSuite(adapter, 'Tokens bound to their user, with getUserSecretKey', {
    getUserSecretKey: (user) => userSecret((user as { username: string }).username),
  });

  describe(`Stateless mode looks no user up, so the binding does not apply (${adapter})`, () => {
    const app = useTokenApp(adapter, { errorFormat: 'drf', stateless: true });

    it("accepts the old alice's token, whose TokenUser keeps the old account's user_id", async () => {
      const { old } = await aliceReplaced(app);
      expect((await guarded(app, old)).body).toEqual({ username: 'alice' });
      expect(payloadOf(old).user_id).toBe(10);
    });
  });
}
