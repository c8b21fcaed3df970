import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import { postForm, postJson, postMultipart } from '../support/endpoints.js';
import {
  BLACKLIST,
  CHALLENGE,
  NO_ACTIVE_ACCOUNT,
  OBTAIN,
  obtainPair,
  REFRESH,
  simpleToken,
  useSimpleJwtApp,
  VERIFY,
} from '../support/simplejwt.js';
import { payloadOf, signHs } from '../support/tokens.js';

/** simplejwt's views (5.5): what each answers, byte for byte, on both adapters. */

const tokenNotValid = (detail: string) => ({ detail, code: 'token_not_valid' });
const HEX32 = /^[0-9a-f]{32}$/;

describe.each(ADAPTERS)('simplejwt endpoints on %s', (adapter) => {
  const app = useSimpleJwtApp(adapter);
  const post = (path: string, body: object) => request(app.server).post(path).send(body);

  describe('POST /api/token/ (TokenObtainPairView)', () => {
    it('answers a refresh and an access token with simplejwt 5.5 claims', async () => {
      const response = await post(OBTAIN, { username: 'admin', password: 'abc123' });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual(['refresh', 'access']);
      const refresh = payloadOf(response.body.refresh);
      const access = payloadOf(response.body.access);
      expect(Object.keys(refresh)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
      expect(refresh).toMatchObject({ token_type: 'refresh', user_id: '1' });
      expect(refresh.jti).toMatch(HEX32);
      expect(refresh.exp).toBe((refresh.iat as number) + 24 * 3600);
      expect(Object.keys(access)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
      expect(access).toMatchObject({ token_type: 'access', user_id: '1' });
      expect(access.exp).toBe((access.iat as number) + 300);
      expect(access.jti).not.toBe(refresh.jti);
    });

    it.each([
      ['a wrong password', { username: 'admin', password: 'nope' }],
      ['an unknown user', { username: 'nobody', password: 'abc123' }],
      ['an inactive user', { username: 'inactive', password: 'abc123' }],
    ])('refuses %s: 401 with "No active account found with the given credentials"', async (_, body) => {
      const response = await post(OBTAIN, body);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ detail: NO_ACTIVE_ACCOUNT });
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
    });

    it('answers missing and blank fields with DRF field errors', async () => {
      const missing = await post(OBTAIN, {});
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ username: ['This field is required.'], password: ['This field is required.'] });
      const blank = await post(OBTAIN, { username: '', password: 'x' });
      expect(blank.body).toEqual({ username: ['This field may not be blank.'] });
    });

    it('reads form and multipart bodies, with and without the trailing slash', async () => {
      const form = await postForm(app.server, OBTAIN, 'username=admin&password=abc123');
      expect(form.status).toBe(200);
      const multipart = await postMultipart(app.server, '/api/token', [
        ['username', 'admin'],
        ['password', 'abc123'],
      ]);
      expect(multipart.status).toBe(200);
      expect(Object.keys(multipart.body)).toEqual(['refresh', 'access']);
    });

    it('answers 405 to other methods, 415 to another body type, 406 to an Accept it cannot satisfy', async () => {
      const get = await request(app.server).get(OBTAIN);
      expect(get.status).toBe(405);
      expect(get.body).toEqual({ detail: 'Method "GET" not allowed.' });
      expect(get.headers.allow).toBe('POST');
      const text = await request(app.server).post(OBTAIN).set('Content-Type', 'text/plain').send('x');
      expect(text.status).toBe(415);
      expect(text.body).toEqual({ detail: 'Unsupported media type "text/plain" in request.' });
      const accept = await request(app.server).post(OBTAIN).set('Accept', 'text/csv').send({});
      expect(accept.status).toBe(406);
      expect(accept.body).toEqual({ detail: 'Could not satisfy the request Accept header.' });
    });

    it('answers a malformed JSON body with 400', async () => {
      const response = await request(app.server).post(OBTAIN).set('Content-Type', 'application/json').send('{');
      expect(response.status).toBe(400);
      expect(response.body.detail).toMatch(/^JSON parse error - /);
    });

    it("does not serve djangorestframework-jwt's endpoints with tokenProtocol 'simplejwt'", async () => {
      const response = await post('/api-token-auth/', { username: 'admin', password: 'abc123' });
      expect(response.status).toBe(404);
    });
  });

  describe('POST /api/token/refresh/ (TokenRefreshView)', () => {
    it('answers an access token that carries the refresh token’s other claims', async () => {
      const refresh = simpleToken('refresh', { user_id: '1', tenant: 'acme' });
      const response = await post(REFRESH, { refresh });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual(['access']);
      const access = payloadOf(response.body.access);
      expect(Object.keys(access)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'tenant']);
      expect(access).toMatchObject({ token_type: 'access', user_id: '1', tenant: 'acme' });
    });

    it.each([
      ['an access token', simpleToken('access'), 'Token has wrong type'],
      ['an expired refresh token', simpleToken('refresh', { exp: 1000, iat: 900 }), 'Token is expired'],
      [
        'a token signed with another key',
        signHs({ token_type: 'refresh' }, { secret: 'x'.repeat(40) }),
        'Token is invalid',
      ],
      ['a token without a jti', simpleToken('refresh', { jti: undefined }), 'Token has no id'],
      ['a token without a type', simpleToken('refresh', { token_type: undefined }), 'Token has no type'],
      ['a token without exp', simpleToken('refresh', { exp: undefined }), "Token has no 'exp' claim"],
      ['no token at all', 'not-a-token', 'Token is invalid'],
    ])('refuses %s: 401 token_not_valid', async (_, refresh, message) => {
      const response = await post(REFRESH, { refresh });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(tokenNotValid(message));
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
    });

    it('refuses the token of an inactive or deleted user: "No active account found for the given token."', async () => {
      const inactive = await post(REFRESH, { refresh: simpleToken('refresh', { user_id: '2' }) });
      expect(inactive.status).toBe(401);
      expect(inactive.body).toEqual({ detail: 'No active account found for the given token.' });
      const deleted = await post(REFRESH, { refresh: simpleToken('refresh', { user_id: '404' }) });
      expect(deleted.status).toBe(401);
      expect(deleted.body).toEqual({ detail: 'No active account found for the given token.' });
    });

    it('requires the refresh field', async () => {
      const response = await post(REFRESH, {});
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ refresh: ['This field is required.'] });
    });

    it('serves the path without the trailing slash too', async () => {
      const response = await post('/api/token/refresh', { refresh: simpleToken('refresh') });
      expect(response.status).toBe(200);
    });
  });

  describe('POST /api/token/verify/ (TokenVerifyView)', () => {
    it('answers {} for any valid token, access or refresh', async () => {
      const pair = await obtainPair(app.server);
      for (const token of [pair.access, pair.refresh]) {
        const response = await post(VERIFY, { token });
        expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: {} });
      }
    });

    it('refuses an invalid or expired token: 401 token_not_valid', async () => {
      const expired = await post(VERIFY, { token: simpleToken('access', { exp: 1000, iat: 900 }) });
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual(tokenNotValid('Token is expired'));
      const noId = await post(VERIFY, { token: simpleToken('access', { jti: undefined }) });
      expect(noId.body).toEqual(tokenNotValid('Token has no id'));
    });

    it('requires the token field', async () => {
      const response = await postJson(app.server, VERIFY, { refresh: 'x' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ token: ['This field is required.'] });
    });
  });

  describe('POST /api/token/blacklist/ (TokenBlacklistView)', () => {
    it('answers {}, and the blacklisted refresh token can never refresh nor be blacklisted again', async () => {
      const { refresh } = await obtainPair(app.server);
      const response = await post(BLACKLIST, { refresh });
      expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: {} });
      for (const path of [REFRESH, BLACKLIST]) {
        const again = await post(path, { refresh });
        expect(again.status).toBe(401);
        expect(again.body).toEqual(tokenNotValid('Token is blacklisted'));
      }
    });

    it('refuses an access token: Token has wrong type', async () => {
      const { access } = await obtainPair(app.server);
      const response = await post(BLACKLIST, { refresh: access });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(tokenNotValid('Token has wrong type'));
    });
  });
});

describe.each(ADAPTERS)('simplejwt rotation on %s', (adapter) => {
  const app = useSimpleJwtApp(adapter, {
    rotationGracePeriod: 0,
    simpleJwt: { rotateRefreshTokens: true, blacklistAfterRotation: true },
  });
  const post = (path: string, body: object) => request(app.server).post(path).send(body);

  it('answers a new refresh token (new jti, same claims) and blacklists the old one', async () => {
    const { refresh } = await obtainPair(app.server);
    const response = await post(REFRESH, { refresh });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['access', 'refresh']);
    const before = payloadOf(refresh);
    const after = payloadOf(response.body.refresh);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after.jti).not.toBe(before.jti);
    expect(after.user_id).toBe('1');
    const reused = await post(REFRESH, { refresh });
    expect(reused.status).toBe(401);
    expect(reused.body).toEqual(tokenNotValid('Token is blacklisted'));
    // With BLACKLIST_AFTER_ROTATION, verify answers a blacklisted token with a 400.
    const verified = await post(VERIFY, { token: refresh });
    expect(verified.status).toBe(400);
    expect(verified.body).toEqual({ non_field_errors: ['Token is blacklisted'] });
    const next = await post(REFRESH, { refresh: response.body.refresh });
    expect(next.status).toBe(200);
  });
});

describe.each(ADAPTERS)('simplejwt sliding tokens on %s', (adapter) => {
  const app = useSimpleJwtApp(adapter, { simpleJwt: { slidingTokens: true } });
  const post = (path: string, body: object) => request(app.server).post(path).send(body);

  it('serves TokenObtainSlidingView and TokenRefreshSlidingView at the obtain and refresh paths', async () => {
    const obtained = await post(OBTAIN, { username: 'admin', password: 'abc123' });
    expect(obtained.status).toBe(200);
    expect(Object.keys(obtained.body)).toEqual(['token']);
    const claims = payloadOf(obtained.body.token);
    expect(Object.keys(claims)).toEqual(['token_type', 'exp', 'iat', 'jti', 'refresh_exp', 'user_id']);
    expect(claims.token_type).toBe('sliding');
    expect(claims.refresh_exp).toBe((claims.iat as number) + 24 * 3600);
    const refreshed = await post(REFRESH, { token: obtained.body.token });
    expect(refreshed.status).toBe(200);
    const next = payloadOf(refreshed.body.token);
    expect(next.jti).toBe(claims.jti);
    expect(next.refresh_exp).toBe(claims.refresh_exp);
    const guarded = await request(app.server)
      .get('/protected-url')
      .set('Authorization', `Bearer ${obtained.body.token}`);
    expect(guarded.body).toEqual({ username: 'admin' });
  });

  it("refuses a sliding token whose refresh_exp has passed: Token 'refresh_exp' claim has expired", async () => {
    const token = simpleToken('sliding', { refresh_exp: 1000 });
    const response = await post(REFRESH, { token });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(tokenNotValid("Token 'refresh_exp' claim has expired"));
  });

  it('refuses a refresh token at the sliding refresh: Token has wrong type', async () => {
    const response = await post(REFRESH, { token: simpleToken('refresh') });
    expect(response.body).toEqual(tokenNotValid('Token has wrong type'));
  });
});

describe.each(ADAPTERS)('simplejwt rotation within the grace period on %s', (adapter) => {
  const app = useSimpleJwtApp(adapter, { simpleJwt: { rotateRefreshTokens: true, blacklistAfterRotation: true } });

  it('two concurrent refreshes of one token both succeed, with the same successor', async () => {
    const { refresh } = await obtainPair(app.server);
    const [one, two] = await Promise.all([
      request(app.server).post(REFRESH).send({ refresh }),
      request(app.server).post(REFRESH).send({ refresh }),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.refresh).toBe(two.body.refresh);
    expect(payloadOf(one.body.refresh).jti).not.toBe(payloadOf(refresh).jti);
    // The old token is still blacklisted for verify and for the blacklist view.
    const verified = await request(app.server).post(VERIFY).send({ token: refresh });
    expect(verified.body).toEqual({ non_field_errors: ['Token is blacklisted'] });
  });
});
