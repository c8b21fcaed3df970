import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import { obtainToken } from '../support/endpoints.js';
import {
  CHALLENGE,
  getProtected,
  notValidForAnyType,
  obtainPair,
  REFRESH,
  simpleToken,
  useSimpleJwtApp,
} from '../support/simplejwt.js';
import { signHs } from '../support/tokens.js';

/** JwtAuthGuard with simplejwt's tokens: JWTAuthentication's answers, byte for byte. */

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };

describe.each(ADAPTERS)('the guard with simplejwt on %s', (adapter) => {
  const app = useSimpleJwtApp(adapter, { simpleJwt: { checkRevokeToken: true } });

  async function expectRefused(token: string, status: number, body: object, scheme = 'Bearer') {
    const response = await getProtected(app.server, token, scheme);
    expect({ status: response.status, body: response.body }).toEqual({ status, body });
    expect(response.headers['www-authenticate']).toBe(CHALLENGE);
  }

  it('accepts an access token under Bearer', async () => {
    const { access } = await obtainPair(app.server);
    const response = await getProtected(app.server, access);
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { username: 'admin' } });
  });

  it('refuses a refresh token: Token has wrong type, in messages', async () => {
    const { refresh } = await obtainPair(app.server);
    await expectRefused(refresh, 401, notValidForAnyType('Token has wrong type'));
  });

  it.each([
    ['expired', { exp: 1000, iat: 900 }, 'Token is expired'],
    ['without a jti', { jti: undefined }, 'Token has no id'],
    ['without a type', { token_type: undefined }, 'Token has no type'],
  ])('refuses an access token %s', async (_, extra, message) => {
    await expectRefused(simpleToken('access', extra), 401, notValidForAnyType(message));
  });

  it('refuses a token with a bad signature: Token is invalid', async () => {
    await expectRefused(
      signHs({ token_type: 'access' }, { secret: 'y'.repeat(40) }),
      401,
      notValidForAnyType('Token is invalid'),
    );
  });

  it('answers no header, another scheme and the scheme in another case as not provided (anonymous)', async () => {
    for (const headers of [{}, { Authorization: 'JWT abc' }, { Authorization: 'bearer abc' }, { Authorization: '' }]) {
      const response = await request(app.server).get('/protected-url').set(headers);
      expect({ status: response.status, body: response.body }).toEqual({ status: 401, body: NOT_PROVIDED });
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
    }
  });

  it.each(['Bearer', 'Bearer a b'])('refuses %j: bad_authorization_header', async (value) => {
    const response = await request(app.server).get('/protected-url').set('Authorization', value);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      detail: 'Authorization header must contain two space-delimited values',
      code: 'bad_authorization_header',
    });
  });

  it('refuses a token without a user id claim', async () => {
    await expectRefused(simpleToken('access', { user_id: undefined }), 401, {
      detail: 'Token contained no recognizable user identification',
      code: 'token_not_valid',
    });
  });

  it('refuses the token of a deleted user (user_not_found) and of an inactive one (user_inactive)', async () => {
    const { access } = await obtainPair(app.server);
    app.users.remove('admin');
    await expectRefused(access, 401, { detail: 'User not found', code: 'user_not_found' });
    const inactive = simpleToken('access', { user_id: '2', hash_password: '' });
    await expectRefused(inactive, 401, { detail: 'User is inactive', code: 'user_inactive' });
  });

  it('never gives a deleted user’s token to the new user of the same username (found by id)', async () => {
    const { access } = await obtainPair(app.server);
    app.users.remove('admin');
    app.users.add({ id: 99, username: 'admin', password: 'other', isActive: true });
    await expectRefused(access, 401, { detail: 'User not found', code: 'user_not_found' });
  });

  it('refuses a token issued before a password change (checkRevokeToken): password_changed', async () => {
    const { access } = await obtainPair(app.server);
    const admin = (await app.users.findByUsername('admin'))!;
    app.users.add({ ...admin, password: 'changed' });
    await expectRefused(access, 401, { detail: "The user's password has been changed.", code: 'password_changed' });
  });

  it("the refresh endpoint still answers with simplejwt's view (no guard on it)", async () => {
    const response = await request(app.server).post(REFRESH).send({ refresh: 'x' });
    expect(response.body).toEqual({ detail: 'Token is invalid', code: 'token_not_valid' });
  });
});

describe.each(ADAPTERS)("tokenProtocol 'both' on %s", (adapter) => {
  const app = useSimpleJwtApp(adapter, { tokenProtocol: 'both', allowRefresh: true });

  it("accepts both protocols' tokens, each under its own scheme", async () => {
    const { access } = await obtainPair(app.server);
    expect((await getProtected(app.server, access)).body).toEqual({ username: 'admin' });
    const token = await obtainToken(app.server);
    expect((await getProtected(app.server, token, 'JWT')).body).toEqual({ username: 'admin' });
  });

  it("answers drf-jwt's refusals for drf-jwt's scheme, simplejwt's for Bearer", async () => {
    const drf = await getProtected(app.server, 'abc', 'JWT');
    expect(drf.status).toBe(401);
    expect(drf.headers['www-authenticate']).toBe('JWT realm="api"');
    expect(drf.body.code).toBeUndefined();
    const simple = await getProtected(app.server, 'abc');
    expect(simple.body).toEqual(notValidForAnyType('Token is invalid'));
    expect(simple.headers['www-authenticate']).toBe(CHALLENGE);
  });

  it('answers no credentials as djangorestframework-jwt does (its scheme first)', async () => {
    const response = await request(app.server).get('/protected-url');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('JWT realm="api"');
  });
});

describe.each(ADAPTERS)("'both' with the same scheme on %s", (adapter) => {
  const app = useSimpleJwtApp(adapter, { tokenProtocol: 'both', authHeaderPrefix: 'Bearer' });

  it('tells the tokens apart by their type claim', async () => {
    const { access } = await obtainPair(app.server);
    expect((await getProtected(app.server, access)).body).toEqual({ username: 'admin' });
    const token = await obtainToken(app.server);
    expect((await getProtected(app.server, token)).body).toEqual({ username: 'admin' });
  });
});
