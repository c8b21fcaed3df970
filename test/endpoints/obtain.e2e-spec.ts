import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import {
  BLANK,
  comparableHeaders,
  ENDPOINT_ERROR_FORMATS,
  expectError,
  hasHs256Signature,
  INVALID_CREDENTIALS,
  nonField,
  NOT_A_STRING,
  NULL,
  NULL_CHARACTERS,
  OBTAIN,
  postForm,
  postJson,
  postMultipart,
  rawHeaderOf,
  REQUIRED,
  tokenOf,
  useTokenApp,
  UUID_PATTERN,
} from '../support/endpoints.js';
import { now, payloadOf } from '../support/tokens.js';

const ADMIN = { username: 'admin', password: 'abc123' };
const UUID_USER = { username: 'uuid-user', password: 'pw with spaces ' };
const UUID_USER_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/**
 * A whole number of seconds from `from` to `to`: a time the server read between the test's two
 * readings of the clock, before and after the request (however long the request took).
 */
function expectBetween(actual: unknown, from: number, to: number): void {
  expect(typeof actual).toBe('number');
  expect(Number.isInteger(actual)).toBe(true);
  expect(actual).toBeGreaterThanOrEqual(from);
  expect(actual).toBeLessThanOrEqual(to);
}

describe.each(ADAPTERS)('/api-token-auth/ on %s', (adapter) => {
  describe('success with the default options', () => {
    const app = useTokenApp(adapter);

    it('returns 200 {"token"} for a JSON body', async () => {
      const response = await postJson(app.server, OBTAIN, ADMIN);
      const token = tokenOf(response);
      expect(response.body).toEqual({ token });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    });

    it('returns 200 {"token"} for a form-urlencoded body', async () => {
      const response = await postForm(app.server, OBTAIN, 'username=admin&password=abc123');
      expect(response.body).toEqual({ token: tokenOf(response) });
      expect(payloadOf(tokenOf(response)).username).toBe('admin');
    });

    it('returns 200 {"token"} for a multipart body', async () => {
      const response = await postMultipart(app.server, OBTAIN, [
        ['username', 'admin'],
        ['password', 'abc123'],
      ]);
      expect(response.body).toEqual({ token: tokenOf(response) });
      expect(payloadOf(tokenOf(response)).username).toBe('admin');
    });

    it.each([
      ['JSON', (path: string) => postJson(app.server, path, ADMIN)],
      ['form-urlencoded', (path: string) => postForm(app.server, path, 'username=admin&password=abc123')],
      [
        'multipart',
        (path: string) =>
          postMultipart(app.server, path, [
            ['username', 'admin'],
            ['password', 'abc123'],
          ]),
      ],
    ])('answers a %s body without the trailing slash too', async (_kind, send) => {
      const response = await send('/api-token-auth');
      expect(response.body).toEqual({ token: tokenOf(response) });
    });

    it('sends Cache-Control: no-store with the token', async () => {
      const response = await postJson(app.server, OBTAIN, ADMIN);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('signs with HS256 and the header {"alg":"HS256","typ":"JWT"}', async () => {
      const token = tokenOf(await postJson(app.server, OBTAIN, ADMIN));
      expect(rawHeaderOf(token)).toBe('{"alg":"HS256","typ":"JWT"}');
      expect(hasHs256Signature(token)).toBe(true);
    });

    it('puts exactly user_id, username, exp, email, iat and jti in the payload', async () => {
      const before = now();
      const token = tokenOf(await postJson(app.server, OBTAIN, ADMIN));
      const after = now();
      const payload = payloadOf(token);
      expect(Object.keys(payload).sort()).toEqual(['email', 'exp', 'iat', 'jti', 'user_id', 'username']);
      expect(payload.user_id).toBe(1);
      expect(payload.username).toBe('admin');
      expect(payload.email).toBe('admin@example.com');
      expectBetween(payload.exp, before + 300, after + 300);
      expectBetween(payload.iat, before, after);
      expect(payload.jti).toMatch(UUID_PATTERN);
    });

    it('has no orig_iat when allowRefresh is off (the default)', async () => {
      const payload = payloadOf(tokenOf(await postJson(app.server, OBTAIN, ADMIN)));
      expect(payload).not.toHaveProperty('orig_iat');
    });

    it('gives each token a different jti', async () => {
      const first = payloadOf(tokenOf(await postJson(app.server, OBTAIN, ADMIN)));
      const second = payloadOf(tokenOf(await postJson(app.server, OBTAIN, ADMIN)));
      expect(first.jti).toMatch(UUID_PATTERN);
      expect(second.jti).toMatch(UUID_PATTERN);
      expect(second.jti).not.toBe(first.jti);
    });

    it('gives a uuid-id user a string user_id, and "email": "" as it has none (as Django’s User)', async () => {
      const payload = payloadOf(tokenOf(await postJson(app.server, OBTAIN, UUID_USER)));
      expect(payload.user_id).toBe(UUID_USER_ID);
      expect(payload.username).toBe('uuid-user');
      expect(payload.email).toBe('');
      expect(Object.keys(payload).sort()).toEqual(['email', 'exp', 'iat', 'jti', 'user_id', 'username']);
    });

    it('trims the username: " admin " logs in as admin', async () => {
      const response = await postJson(app.server, OBTAIN, { username: ' admin ', password: 'abc123' });
      expect(payloadOf(tokenOf(response)).username).toBe('admin');
    });

    it('trims tabs and newlines around the username too', async () => {
      const response = await postJson(app.server, OBTAIN, { username: '\tadmin\n', password: 'abc123' });
      expect(payloadOf(tokenOf(response)).username).toBe('admin');
    });

    it('accepts a JSON number as the username, as a string (DRF CharField)', async () => {
      app.users.add({ id: 9, username: '123', password: 'number-user-pw', isActive: true });
      const response = await postJson(app.server, OBTAIN, { username: 123, password: 'number-user-pw' });
      const payload = payloadOf(tokenOf(response));
      expect(payload.username).toBe('123');
      expect(payload.user_id).toBe(9);
    });

    it('does not trim the password: "pw with spaces " logs in exactly as stored (JSON)', async () => {
      const response = await postJson(app.server, OBTAIN, UUID_USER);
      expect(payloadOf(tokenOf(response)).user_id).toBe(UUID_USER_ID);
    });

    it('does not trim the password: "pw with spaces " logs in exactly as stored (form)', async () => {
      const response = await postForm(app.server, OBTAIN, 'username=uuid-user&password=pw+with+spaces+');
      expect(payloadOf(tokenOf(response)).user_id).toBe(UUID_USER_ID);
    });

    it('does not trim the password: "pw with spaces " logs in exactly as stored (multipart)', async () => {
      const response = await postMultipart(app.server, OBTAIN, [
        ['username', 'uuid-user'],
        ['password', 'pw with spaces '],
      ]);
      expect(payloadOf(tokenOf(response)).user_id).toBe(UUID_USER_ID);
    });

    it('takes the last of repeated form-urlencoded fields', async () => {
      const response = await postForm(
        app.server,
        OBTAIN,
        'username=nobody&username=admin&password=wrong&password=abc123',
      );
      expect(payloadOf(tokenOf(response)).username).toBe('admin');
    });

    it('takes the last of repeated multipart fields', async () => {
      const response = await postMultipart(app.server, OBTAIN, [
        ['username', 'nobody'],
        ['username', 'admin'],
        ['password', 'wrong'],
        ['password', 'abc123'],
      ]);
      expect(payloadOf(tokenOf(response)).username).toBe('admin');
    });

    it('ignores extra fields in the body', async () => {
      const response = await postJson(app.server, OBTAIN, { ...ADMIN, token: 'x', user_id: 2, extra: [1] });
      expect(payloadOf(tokenOf(response)).user_id).toBe(1);
    });
  });

  describe('includeIssuedAt: false and includeTokenId: false', () => {
    const app = useTokenApp(adapter, { includeIssuedAt: false, includeTokenId: false });

    it('gives the upstream payload exactly: user_id, username, exp, email in that order', async () => {
      const before = now();
      const payload = payloadOf(tokenOf(await postJson(app.server, OBTAIN, ADMIN)));
      const after = now();
      expect(Object.keys(payload)).toEqual(['user_id', 'username', 'exp', 'email']);
      expect(payload).toEqual({ user_id: 1, username: 'admin', exp: payload.exp, email: 'admin@example.com' });
      expectBetween(payload.exp, before + 300, after + 300);
    });

    it('gives the upstream payload for a user without email: user_id, username, exp, email ""', async () => {
      const payload = payloadOf(tokenOf(await postJson(app.server, OBTAIN, UUID_USER)));
      expect(Object.keys(payload)).toEqual(['user_id', 'username', 'exp', 'email']);
      expect(payload.user_id).toBe(UUID_USER_ID);
      expect(payload.email).toBe('');
    });
  });

  describe('allowRefresh: true with audience and issuer', () => {
    const app = useTokenApp(adapter, {
      allowRefresh: true,
      audience: 'my-audience',
      issuer: 'my-issuer',
      includeIssuedAt: false,
      includeTokenId: false,
    });

    it('adds orig_iat, aud and iss after the upstream claims, in upstream order', async () => {
      const before = now();
      const payload = payloadOf(tokenOf(await postJson(app.server, OBTAIN, ADMIN)));
      const after = now();
      expect(Object.keys(payload)).toEqual(['user_id', 'username', 'exp', 'email', 'orig_iat', 'aud', 'iss']);
      expect(payload.aud).toBe('my-audience');
      expect(payload.iss).toBe('my-issuer');
      expectBetween(payload.orig_iat, before, after);
      expectBetween(payload.exp, before + 300, after + 300);
    });
  });

  describe('allowRefresh: true with the default extra claims', () => {
    const app = useTokenApp(adapter, { allowRefresh: true });

    it('adds orig_iat (now) next to iat and jti', async () => {
      const before = now();
      const payload = payloadOf(tokenOf(await postJson(app.server, OBTAIN, ADMIN)));
      const after = now();
      expect(Object.keys(payload).sort()).toEqual(['email', 'exp', 'iat', 'jti', 'orig_iat', 'user_id', 'username']);
      expectBetween(payload.orig_iat, before, after);
    });
  });

  describe('expirationDelta: "10m"', () => {
    const app = useTokenApp(adapter, { expirationDelta: '10m' });

    it('sets exp to now + 600', async () => {
      const before = now();
      const payload = payloadOf(tokenOf(await postJson(app.server, OBTAIN, ADMIN)));
      expectBetween(payload.exp, before + 600, now() + 600);
    });
  });

  describe.each(ENDPOINT_ERROR_FORMATS)('errors in errorFormat %s', (format) => {
    const app = useTokenApp(adapter, { errorFormat: format });

    it('refuses a wrong password with 400 "Unable to log in with provided credentials." (raw text too)', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: 'wrong' });
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS), { raw: true });
    });

    it('refuses an unknown user with the same message', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'ghost', password: 'abc123' });
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
    });

    it('refuses an inactive user with the right password with the same message', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'inactive', password: 'abc123' });
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
    });

    it('answers wrong password, unknown user and inactive user with identical status, body and headers', async () => {
      const responses = [
        await postJson(app.server, OBTAIN, { username: 'admin', password: 'wrong' }),
        await postJson(app.server, OBTAIN, { username: 'ghost', password: 'abc123' }),
        await postJson(app.server, OBTAIN, { username: 'inactive', password: 'abc123' }),
      ];
      const seen = responses.map((response) => ({
        status: response.status,
        text: response.text,
        headers: comparableHeaders(response),
      }));
      expect(seen[0].status).toBe(400);
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[2]).toEqual(seen[0]);
    });

    it('sends Cache-Control: no-store on a refused login', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: 'wrong' });
      expect(response.status).toBe(400);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('refuses the uuid-user password without its trailing space ("pw with spaces")', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'uuid-user', password: 'pw with spaces' });
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
    });

    it('refuses the uuid-user password with an extra leading space', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'uuid-user', password: ' pw with spaces ' });
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
    });

    it('treats a password of only spaces as a wrong password, not as blank', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: '   ' });
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
    });

    it('counts the last repeated form field: a wrong last password is refused', async () => {
      const response = await postForm(app.server, OBTAIN, 'username=admin&password=abc123&password=wrong');
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
    });

    it('counts the last repeated form field: a wrong last username is refused', async () => {
      const response = await postForm(app.server, OBTAIN, 'username=admin&username=ghost&password=abc123');
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
    });

    it('reports both fields as required for an empty JSON object (raw text too)', async () => {
      const response = await postJson(app.server, OBTAIN, {});
      expectError(response, format, 400, { username: [REQUIRED], password: [REQUIRED] }, { raw: true });
    });

    it('reports only the missing password as required', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin' });
      expectError(response, format, 400, { password: [REQUIRED] });
    });

    it('reports only the missing username as required', async () => {
      const response = await postJson(app.server, OBTAIN, { password: 'abc123' });
      expectError(response, format, 400, { username: [REQUIRED] });
    });

    it('reports both fields as required for an empty form body', async () => {
      const response = await postForm(app.server, OBTAIN, '');
      expectError(response, format, 400, { username: [REQUIRED], password: [REQUIRED] });
    });

    it('reports an empty username as "This field may not be blank."', async () => {
      const response = await postJson(app.server, OBTAIN, { username: '', password: 'abc123' });
      expectError(response, format, 400, { username: [BLANK] });
    });

    it('reports a whitespace-only username as "This field may not be blank."', async () => {
      const response = await postJson(app.server, OBTAIN, { username: ' \t\n ', password: 'abc123' });
      expectError(response, format, 400, { username: [BLANK] });
    });

    it('reports an empty password as "This field may not be blank."', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: '' });
      expectError(response, format, 400, { password: [BLANK] });
    });

    it('reports empty form fields as blank', async () => {
      const response = await postForm(app.server, OBTAIN, 'username=&password=');
      expectError(response, format, 400, { username: [BLANK], password: [BLANK] });
    });

    it('reports null fields as "This field may not be null."', async () => {
      const response = await postJson(app.server, OBTAIN, { username: null, password: null });
      expectError(response, format, 400, { username: [NULL], password: [NULL] });
    });

    it.each([
      ['an object', { name: 'admin' }],
      ['an array', ['admin']],
      ['true', true],
      ['false', false],
    ])('reports a username that is %s as "Not a valid string."', async (_kind, username) => {
      const response = await postJson(app.server, OBTAIN, { username, password: 'abc123' });
      expectError(response, format, 400, { username: [NOT_A_STRING] });
    });

    it.each([
      ['an object', { value: 'abc123' }],
      ['an array', ['abc123']],
      ['true', true],
    ])('reports a password that is %s as "Not a valid string."', async (_kind, password) => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password });
      expectError(response, format, 400, { password: [NOT_A_STRING] });
    });

    it('reports each failing field with its own message', async () => {
      const response = await postJson(app.server, OBTAIN, { username: [], password: null });
      expectError(response, format, 400, { username: [NOT_A_STRING], password: [NULL] });
    });

    it('reports a NUL character in the username as "Null characters are not allowed." (JSON)', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'ad\u0000min', password: 'abc123' });
      expectError(response, format, 400, { username: [NULL_CHARACTERS] });
    });

    it('reports a NUL character in the username as "Null characters are not allowed." (form)', async () => {
      const response = await postForm(app.server, OBTAIN, 'username=ad%00min&password=abc123');
      expectError(response, format, 400, { username: [NULL_CHARACTERS] });
    });

    it('sends Cache-Control: no-store on field errors', async () => {
      const response = await postJson(app.server, OBTAIN, {});
      expect(response.status).toBe(400);
      expect(response.headers['cache-control']).toBe('no-store');
    });
  });

  describe('the default errorFormat is nest', () => {
    const app = useTokenApp(adapter);

    it('gives {statusCode, message, error} with the text as message for a refused login (raw text)', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: 'wrong' });
      expect(response.status).toBe(400);
      expect(response.text).toBe(
        '{"statusCode":400,"message":"Unable to log in with provided credentials.","error":"Bad Request"}',
      );
    });

    it('gives "field: text" lines as message for field errors (raw text)', async () => {
      const response = await request(app.server).post(OBTAIN);
      expect(response.status).toBe(400);
      expect(response.text).toBe(
        '{"statusCode":400,"message":["username: This field is required.","password: This field is required."],' +
          '"error":"Bad Request"}',
      );
    });
  });
});
