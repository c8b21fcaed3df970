import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import { ERROR_FORMATS, expectRefusal } from '../support/refusals.js';
import { adminClaims, b64url, now, signHs } from '../support/tokens.js';

const EXPIRED = 'Signature has expired.';
const DECODE = 'Error decoding signature.';
const INCORRECT = 'Incorrect authentication credentials.';
const INVALID_PAYLOAD = 'Invalid payload.';
const USER_NOT_FOUND = 'Invalid signature.';
const DISABLED = 'User account is disabled.';
const TOKEN_MESSAGES = [EXPIRED, DECODE, INCORRECT, INVALID_PAYLOAD, USER_NOT_FOUND, DISABLED];

const OTHER_SECRET = 'another-secret-that-is-also-long-enough-for-hs256';

/** Replaces a token's signature with another (well-formed) one. */
function withSignature(token: string, signature: string): string {
  const [head, body] = token.split('.');
  return `${head}.${body}.${signature}`;
}

describe.each(ADAPTERS)('JwtAuthGuard judges the token (%s)', (adapter) => {
  describe.each(ERROR_FORMATS)('errorFormat %s', (errorFormat) => {
    const t = useApp(adapter, () => JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat, imports: [UsersModule] }), {
      resetUsers: true,
    });
    const send = (token: string) => request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);

    it('accepts a valid token: 200 and the user injected by @CurrentUser()', async () => {
      const response = await send(signHs(adminClaims()));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('accepts a token of the user with a UUID id', async () => {
      const response = await send(
        signHs({ user_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', username: 'uuid-user', exp: now() + 60 }),
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'uuid-user' });
    });

    // 1. Expired
    it('refuses an expired token: Signature has expired.', async () => {
      expectRefusal(await send(signHs(adminClaims({ exp: now() - 10 }))), EXPIRED, errorFormat);
    });

    it('refuses an expired token even when its user is unknown: expiry is checked first', async () => {
      expectRefusal(await send(signHs({ username: 'nobody', exp: now() - 10 })), EXPIRED, errorFormat);
    });

    // 2. Decode errors
    it('refuses a token that is not three segments ("abc"): Error decoding signature.', async () => {
      expectRefusal(await send('abc'), DECODE, errorFormat);
    });

    it('refuses a token of four segments: Error decoding signature.', async () => {
      expectRefusal(await send(`${signHs(adminClaims())}.x`), DECODE, errorFormat);
    });

    it('refuses "a.b.c" (segments that are not base64url JSON): Error decoding signature.', async () => {
      expectRefusal(await send('a.b.c'), DECODE, errorFormat);
    });

    it('refuses a token with characters outside base64url: Error decoding signature.', async () => {
      const [head, body, signature] = signHs(adminClaims()).split('.');
      expectRefusal(await send(`${head}.${body}+/.${signature}`), DECODE, errorFormat);
    });

    it('refuses a token whose signature was replaced: Error decoding signature.', async () => {
      expectRefusal(await send(withSignature(signHs(adminClaims()), b64url(Buffer.alloc(32, 7)))), DECODE, errorFormat);
    });

    it('refuses a token with its signature removed: Error decoding signature.', async () => {
      expectRefusal(await send(withSignature(signHs(adminClaims()), '')), DECODE, errorFormat);
    });

    it('refuses a token whose payload was altered after signing: Error decoding signature.', async () => {
      const [head, , signature] = signHs(adminClaims()).split('.');
      const forged = `${head}.${b64url(adminClaims({ username: 'uuid-user' }))}.${signature}`;
      expectRefusal(await send(forged), DECODE, errorFormat);
    });

    it('refuses a token signed with another secret: Error decoding signature.', async () => {
      expectRefusal(await send(signHs(adminClaims(), { secret: OTHER_SECRET })), DECODE, errorFormat);
    });

    it('refuses a signed payload that is not JSON: Error decoding signature.', async () => {
      expectRefusal(await send(signHs('this is not json')), DECODE, errorFormat);
    });

    it('refuses a signed payload that is a JSON array: Error decoding signature.', async () => {
      expectRefusal(await send(signHs([1, 2])), DECODE, errorFormat);
    });

    it('refuses a signed payload that is a JSON string: Error decoding signature.', async () => {
      expectRefusal(await send(signHs('"admin"')), DECODE, errorFormat);
    });

    it('refuses a signed payload that is JSON null: Error decoding signature.', async () => {
      expectRefusal(await send(signHs('null')), DECODE, errorFormat);
    });

    it('refuses a token whose header is not JSON: Error decoding signature.', async () => {
      const [, body, signature] = signHs(adminClaims()).split('.');
      expectRefusal(await send(`${b64url('{alg:HS256')}.${body}.${signature}`), DECODE, errorFormat);
    });

    // 3. Any other invalid token
    it('refuses alg "none" (unsigned): Incorrect authentication credentials.', async () => {
      const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(adminClaims())}.`;
      expectRefusal(await send(unsigned), INCORRECT, errorFormat);
    });

    it('refuses alg "none" with a signature attached: Incorrect authentication credentials.', async () => {
      const token = signHs(adminClaims(), { header: { alg: 'none', typ: 'JWT' } });
      expectRefusal(await send(token), INCORRECT, errorFormat);
    });

    it('refuses HS512 when HS256 is configured (even with the right secret): Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(adminClaims(), { alg: 'HS512' })), INCORRECT, errorFormat);
    });

    it('refuses HS384 when HS256 is configured: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(adminClaims(), { alg: 'HS384' })), INCORRECT, errorFormat);
    });

    it('refuses a header claiming RS256 (key confusion): Incorrect authentication credentials.', async () => {
      const token = signHs(adminClaims(), { header: { alg: 'RS256', typ: 'JWT' } });
      expectRefusal(await send(token), INCORRECT, errorFormat);
    });

    it('refuses a token carrying "aud" when no audience is configured: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(adminClaims({ aud: 'some-api' }))), INCORRECT, errorFormat);
    });

    it('refuses a token whose "nbf" is in the future: Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs(adminClaims({ nbf: now() + 600 }))), INCORRECT, errorFormat);
    });

    it('accepts a token whose "nbf" is in the past', async () => {
      const response = await send(signHs(adminClaims({ nbf: now() - 60 })));
      expect(response.status).toBe(200);
    });

    it('refuses a token without "exp": Incorrect authentication credentials.', async () => {
      expectRefusal(await send(signHs({ user_id: 1, username: 'admin' })), INCORRECT, errorFormat);
    });

    // 4. Payload
    it('refuses a token without a username claim: Invalid payload.', async () => {
      expectRefusal(await send(signHs({ user_id: 1, exp: now() + 60 })), INVALID_PAYLOAD, errorFormat);
    });

    it('refuses a token with an empty username: Invalid payload.', async () => {
      expectRefusal(await send(signHs(adminClaims({ username: '' }))), INVALID_PAYLOAD, errorFormat);
    });

    it('refuses a token with a null username: Invalid payload.', async () => {
      expectRefusal(await send(signHs(adminClaims({ username: null }))), INVALID_PAYLOAD, errorFormat);
    });

    // 5. User
    it('refuses a token of an unknown user: Invalid signature. (sic)', async () => {
      expectRefusal(await send(signHs(adminClaims({ username: 'nobody' }))), USER_NOT_FOUND, errorFormat);
    });

    it('refuses a token of an inactive user: User account is disabled.', async () => {
      expectRefusal(await send(signHs({ user_id: 2, username: 'inactive', exp: now() + 60 })), DISABLED, errorFormat);
    });

    it('refuses a token issued before its user was deactivated: User account is disabled.', async () => {
      const token = signHs(adminClaims());
      expect((await send(token)).status).toBe(200);
      t.users.users.get('admin')!.isActive = false;
      expectRefusal(await send(token), DISABLED, errorFormat);
    });

    it('refuses a token issued before its user was deleted: Invalid signature.', async () => {
      const token = signHs(adminClaims());
      expect((await send(token)).status).toBe(200);
      t.users.users.delete('admin');
      expectRefusal(await send(token), USER_NOT_FOUND, errorFormat);
    });

    it('accepts the token again once the user is reactivated (the user is looked up on every request)', async () => {
      const token = signHs(adminClaims());
      t.users.users.get('admin')!.isActive = false;
      expectRefusal(await send(token), DISABLED, errorFormat);
      t.users.users.get('admin')!.isActive = true;
      expect((await send(token)).status).toBe(200);
    });

    // Hostile claim types: never a 500, never a pass
    it('refuses "exp" as a string with 401, never 500 (Error decoding signature.)', async () => {
      expectRefusal(await send(signHs(adminClaims({ exp: String(now() + 300) }))), DECODE, errorFormat);
    });

    it('refuses "exp": 1e400 (a token that would never expire) with 401, never 200 or 500', async () => {
      const response = await send(signHs('{"user_id":1,"username":"admin","exp":1e400}'));
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('JWT realm="api"');
      expect(TOKEN_MESSAGES).toContain(errorFormat === 'drf' ? response.body.detail : response.body.message);
    });

    it('refuses "exp": null with 401, never 500', async () => {
      const response = await send(signHs(adminClaims({ exp: null })));
      expect(response.status).toBe(401);
      expect(TOKEN_MESSAGES).toContain(errorFormat === 'drf' ? response.body.detail : response.body.message);
    });

    it('refuses "iat" as a string with 401, never 500 (Incorrect authentication credentials.)', async () => {
      expectRefusal(await send(signHs(adminClaims({ iat: 'yesterday' }))), INCORRECT, errorFormat);
    });

    it('refuses "nbf" as a string with 401, never 500', async () => {
      const response = await send(signHs(adminClaims({ nbf: 'soon' })));
      expect(response.status).toBe(401);
      expect(TOKEN_MESSAGES).toContain(errorFormat === 'drf' ? response.body.detail : response.body.message);
    });

    it('refuses a username that is an object with 401, never 500', async () => {
      const response = await send(signHs(adminClaims({ username: { $ne: null } })));
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('JWT realm="api"');
      expect([INVALID_PAYLOAD, USER_NOT_FOUND]).toContain(
        errorFormat === 'drf' ? response.body.detail : response.body.message,
      );
    });

    it('refuses a username that is a number with 401, never 500', async () => {
      const response = await send(signHs(adminClaims({ username: 1 })));
      expect(response.status).toBe(401);
      expect([INVALID_PAYLOAD, USER_NOT_FOUND]).toContain(
        errorFormat === 'drf' ? response.body.detail : response.body.message,
      );
    });

    it('refuses a token whose header is a JSON array with 401, never 500', async () => {
      const [, body, signature] = signHs(adminClaims()).split('.');
      expectRefusal(await send(`${b64url([1])}.${body}.${signature}`), DECODE, errorFormat);
    });

    it('does not disguise a failing user store as a 401: the error stays a server error', async () => {
      const token = signHs(adminClaims());
      const lookup = t.users.findByUsername;
      t.users.findByUsername = async () => {
        throw new Error('database is down');
      };
      try {
        const response = await send(token);
        expect(response.status).toBe(500);
        expect(response.headers['www-authenticate']).toBeUndefined();
      } finally {
        t.users.findByUsername = lookup;
      }
    });

    it('refuses a very long garbage token with 401, never 500', async () => {
      expectRefusal(await send('A'.repeat(6000)), DECODE, errorFormat);
    });
  });
});
