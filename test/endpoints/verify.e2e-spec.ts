import { describe, expect, it } from '@jest/globals';
import { ADAPTERS } from '../support/apps.js';
import {
  DECODE_ERROR,
  ENDPOINT_ERROR_FORMATS,
  EXPIRED,
  expectError,
  INVALID_PAYLOAD,
  INVALID_TOKEN,
  nonField,
  OBTAIN,
  OTHER_SECRET,
  postJson,
  tokenOf,
  USER_DISABLED,
  USER_NOT_FOUND,
  useTokenApp,
  VERIFY,
  without,
} from '../support/endpoints.js';
import { adminClaims, b64url, now, signHs } from '../support/tokens.js';

const HS256_HEADER = { alg: 'HS256', typ: 'JWT' };

/** A token whose payload segment is this exact text, correctly signed. */
function signRawPayload(json: string): string {
  return signHs(json);
}

/** header.payload of a valid admin token with the given signature segment. */
function withSignature(signature: string): string {
  const [head, body] = signHs(adminClaims()).split('.');
  return `${head}.${body}.${signature}`;
}

type TokenCase = [name: string, token: () => string];

/** Row 2 of the reference list: malformed, bad signature, wrong key, payload not a JSON object. */
const DECODE_ERRORS: TokenCase[] = [
  ['a single segment', () => 'abc'],
  ['two segments', () => signHs(adminClaims()).split('.').slice(0, 2).join('.')],
  ['four segments', () => `${signHs(adminClaims())}.extra`],
  ['segments that are not base64url', () => '!!!.@@@.###'],
  ['a header that is not JSON', () => `${b64url('not json')}.${b64url(adminClaims())}.c2ln`],
  ['a payload that is not JSON', () => signRawPayload('not json')],
  ['a payload that is JSON null', () => signRawPayload('null')],
  ['a payload that is a JSON array', () => signRawPayload('[1,2]')],
  ['a payload that is a JSON string', () => signRawPayload('"admin"')],
  ['a payload that is a JSON number', () => signRawPayload('42')],
  ['a header that is a JSON array', () => `${b64url('["HS256"]')}.${b64url(adminClaims())}.c2ln`],
  ['a signature made with another secret', () => signHs(adminClaims(), { secret: OTHER_SECRET })],
  ['a truncated signature', () => signHs(adminClaims()).slice(0, -4)],
  ['an empty signature', () => withSignature('')],
  ['the signature of another token', () => withSignature(signHs(adminClaims({ username: 'x' })).split('.')[2])],
  [
    'a payload changed after signing',
    () => {
      const [head, , signature] = signHs(adminClaims()).split('.');
      return `${head}.${b64url(adminClaims({ username: 'inactive' }))}.${signature}`;
    },
  ],
  ['exp as a string', () => signHs(adminClaims({ exp: String(now() + 300) }))],
  ['exp null', () => signHs(adminClaims({ exp: null }))],
  ['exp 1e400 (Infinity once parsed)', () => signRawPayload('{"user_id":1,"username":"admin","exp":1e400}')],
  ['nbf as a string', () => signHs(adminClaims({ nbf: 'yesterday' }))],
];

/** Row 3: any other invalid token (upstream: 500). */
const INVALID_TOKENS: TokenCase[] = [
  ['alg none with no signature', () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(adminClaims())}.`],
  ['alg none with a signature', () => signHs(adminClaims(), { header: { alg: 'none', typ: 'JWT' } })],
  ['alg "NONE" with no signature', () => `${b64url({ alg: 'NONE', typ: 'JWT' })}.${b64url(adminClaims())}.`],
  ['HS384 when HS256 is configured', () => signHs(adminClaims(), { alg: 'HS384' })],
  ['HS512 when HS256 is configured', () => signHs(adminClaims(), { alg: 'HS512' })],
  ['RS256 in the header over an HMAC signature', () => signHs(adminClaims(), { header: { alg: 'RS256', typ: 'JWT' } })],
  ['a header with no alg', () => signHs(adminClaims(), { header: { typ: 'JWT' } })],
  ['aud present when no audience is configured', () => signHs(adminClaims({ aud: 'someone' }))],
  ['nbf in the future', () => signHs(adminClaims({ nbf: now() + 60 }))],
  ['no exp (deliberate difference: upstream accepted it forever)', () => signHs(without(adminClaims(), 'exp'))],
  ['iat that is not a number', () => signHs(adminClaims({ iat: 'now' }))],
];

/** Row 4: no username claim, or one Python finds false (upstream: `if not username`). */
const INVALID_PAYLOADS: TokenCase[] = [
  ['no username claim', () => signHs(without(adminClaims(), 'username'))],
  ['an empty username', () => signHs(adminClaims({ username: '' }))],
  ['a null username', () => signHs(adminClaims({ username: null }))],
  ['a zero as username', () => signHs(adminClaims({ username: 0 }))],
  ['false as username', () => signHs(adminClaims({ username: false }))],
  ['an empty object as username', () => signHs(adminClaims({ username: {} }))],
];

describe.each(ADAPTERS)('/api-token-verify/ on %s', (adapter) => {
  describe.each(ENDPOINT_ERROR_FORMATS)('errorFormat %s', (format) => {
    const app = useTokenApp(adapter, { errorFormat: format });

    it('1. refuses an expired token with "Signature has expired." (raw text too)', async () => {
      const response = await postJson(app.server, VERIFY, { token: signHs(adminClaims({ exp: now() - 10 })) });
      expectError(response, format, 400, nonField(EXPIRED), { raw: true });
    });

    it('1. says "Signature has expired." before looking at the username claim', async () => {
      const token = signHs(without(adminClaims({ exp: now() - 10 }), 'username'));
      expectError(await postJson(app.server, VERIFY, { token }), format, 400, nonField(EXPIRED));
    });

    it('1. says "Signature has expired." before looking up the user', async () => {
      const token = signHs(adminClaims({ exp: now() - 10, username: 'ghost' }));
      expectError(await postJson(app.server, VERIFY, { token }), format, 400, nonField(EXPIRED));
    });

    it.each(DECODE_ERRORS)('2. refuses %s with "Error decoding signature."', async (_name, token) => {
      const response = await postJson(app.server, VERIFY, { token: token() });
      expectError(response, format, 400, nonField(DECODE_ERROR));
    });

    it('2. gives the decode error as raw text byte for byte', async () => {
      const response = await postJson(app.server, VERIFY, { token: 'abc' });
      expectError(response, format, 400, nonField(DECODE_ERROR), { raw: true });
    });

    it.each(INVALID_TOKENS)('3. refuses %s with 400 "Invalid token." (never 500)', async (_name, token) => {
      const response = await postJson(app.server, VERIFY, { token: token() });
      expectError(response, format, 400, nonField(INVALID_TOKEN));
    });

    it('3. gives "Invalid token." as raw text byte for byte', async () => {
      const response = await postJson(app.server, VERIFY, { token: signHs(adminClaims(), { alg: 'HS512' }) });
      expectError(response, format, 400, nonField(INVALID_TOKEN), { raw: true });
    });

    it('3. says "Invalid token." before looking at the username claim', async () => {
      const token = signHs(without(adminClaims({ aud: 'someone' }), 'username'));
      expectError(await postJson(app.server, VERIFY, { token }), format, 400, nonField(INVALID_TOKEN));
    });

    it.each(INVALID_PAYLOADS)('4. refuses %s with "Invalid payload."', async (_name, token) => {
      const response = await postJson(app.server, VERIFY, { token: token() });
      expectError(response, format, 400, nonField(INVALID_PAYLOAD));
    });

    it('5. refuses a token of an unknown user with "User doesn\'t exist." (raw text too)', async () => {
      const token = signHs(adminClaims({ username: 'ghost' }));
      expectError(await postJson(app.server, VERIFY, { token }), format, 400, nonField(USER_NOT_FOUND), { raw: true });
    });

    it('5. refuses a token of an inactive user with "User account is disabled."', async () => {
      const token = signHs({ user_id: 2, username: 'inactive', exp: now() + 300 });
      expectError(await postJson(app.server, VERIFY, { token }), format, 400, nonField(USER_DISABLED));
    });

    it('5. refuses an issued token once its user is deleted', async () => {
      const token = tokenOf(await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' }));
      app.users.users.delete('admin');
      expectError(await postJson(app.server, VERIFY, { token }), format, 400, nonField(USER_NOT_FOUND));
    });

    it('5. refuses an issued token once its user is deactivated', async () => {
      const token = tokenOf(await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' }));
      const admin = app.users.users.get('admin');
      expect(admin).toBeDefined();
      if (admin) admin.isActive = false;
      expectError(await postJson(app.server, VERIFY, { token }), format, 400, nonField(USER_DISABLED));
    });

    it('6. returns 200 {"token"} with the same token for a token it issued', async () => {
      const token = tokenOf(await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' }));
      const response = await postJson(app.server, VERIFY, { token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ token });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('6. returns 200 with the same token for an independently signed token', async () => {
      const token = signHs(adminClaims());
      const response = await postJson(app.server, VERIFY, { token });
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 200, body: { token } });
    });

    it('6. accepts a token of the uuid-id user', async () => {
      const token = signHs({ user_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', username: 'uuid-user', exp: now() + 60 });
      const response = await postJson(app.server, VERIFY, { token });
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 200, body: { token } });
    });

    it('6. trims whitespace around the token field and returns the trimmed token', async () => {
      const token = signHs(adminClaims());
      const response = await postJson(app.server, VERIFY, { token: `  ${token}\n` });
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 200, body: { token } });
    });

    it('6. answers without the trailing slash too', async () => {
      const token = signHs(adminClaims());
      const response = await postJson(app.server, '/api-token-verify', { token });
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 200, body: { token } });
    });

    it('sends Cache-Control: no-store on a refusal', async () => {
      const response = await postJson(app.server, VERIFY, { token: 'abc' });
      expect(response.status).toBe(400);
      expect(response.headers['cache-control']).toBe('no-store');
    });
  });

  describe('audience and issuer configured', () => {
    const app = useTokenApp(adapter, { audience: 'my-audience', issuer: 'my-issuer', errorFormat: 'drf' });

    it('accepts the tokens it issues (with aud and iss)', async () => {
      const token = tokenOf(await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123' }));
      const response = await postJson(app.server, VERIFY, { token });
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 200, body: { token } });
    });

    it('accepts an aud list that contains the audience', async () => {
      const token = signHs(adminClaims({ aud: ['other', 'my-audience'], iss: 'my-issuer' }));
      expect((await postJson(app.server, VERIFY, { token })).status).toBe(200);
    });

    it.each([
      ['aud missing', { iss: 'my-issuer' }],
      ['aud wrong', { aud: 'other', iss: 'my-issuer' }],
      ['iss missing', { aud: 'my-audience' }],
      ['iss wrong', { aud: 'my-audience', iss: 'other' }],
    ])('refuses a token with %s with "Invalid token."', async (_name, claims) => {
      const response = await postJson(app.server, VERIFY, { token: signHs(adminClaims(claims)) });
      expectError(response, 'drf', 400, nonField(INVALID_TOKEN));
    });
  });

  describe('leeway: 30', () => {
    const app = useTokenApp(adapter, { leeway: 30, errorFormat: 'drf' });

    it('lets a token that expired 5 seconds ago pass', async () => {
      const token = signHs(adminClaims({ exp: now() - 5 }));
      expect((await postJson(app.server, VERIFY, { token })).body).toEqual({ token });
    });

    it('lets a token whose nbf is 5 seconds ahead pass', async () => {
      const token = signHs(adminClaims({ nbf: now() + 5 }));
      expect((await postJson(app.server, VERIFY, { token })).body).toEqual({ token });
    });

    it('still refuses a token that expired 60 seconds ago', async () => {
      const token = signHs(adminClaims({ exp: now() - 60 }));
      expectError(await postJson(app.server, VERIFY, { token }), 'drf', 400, nonField(EXPIRED));
    });
  });

  describe('verifyExpiration: false', () => {
    const app = useTokenApp(adapter, { verifyExpiration: false, errorFormat: 'drf' });

    it('accepts a token that expired long ago', async () => {
      const token = signHs(adminClaims({ exp: now() - 100_000 }));
      const response = await postJson(app.server, VERIFY, { token });
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 200, body: { token } });
    });

    it('still checks the signature', async () => {
      const token = signHs(adminClaims({ exp: now() - 100_000 }), { secret: OTHER_SECRET });
      expectError(await postJson(app.server, VERIFY, { token }), 'drf', 400, nonField(DECODE_ERROR));
    });
  });

  describe('requireExpiration: false', () => {
    const app = useTokenApp(adapter, { requireExpiration: false, errorFormat: 'drf' });

    it('accepts a token with no exp', async () => {
      const token = signHs(without(adminClaims(), 'exp'));
      const response = await postJson(app.server, VERIFY, { token });
      expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 200, body: { token } });
    });

    it('still refuses an expired token', async () => {
      const token = signHs(adminClaims({ exp: now() - 10 }));
      expectError(await postJson(app.server, VERIFY, { token }), 'drf', 400, nonField(EXPIRED));
    });
  });

  describe('a header with extra fields', () => {
    const app = useTokenApp(adapter, { errorFormat: 'drf' });

    it('accepts a valid HS256 token whose header has a kid', async () => {
      const token = signHs(adminClaims(), { header: { ...HS256_HEADER, kid: 'k1' } });
      expect((await postJson(app.server, VERIFY, { token })).body).toEqual({ token });
    });
  });
});
