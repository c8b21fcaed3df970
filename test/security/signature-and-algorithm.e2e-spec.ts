import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ADAPTERS, SECRET } from '../support/apps.js';
import {
  asymmetricToken,
  CREDENTIALS_WITH_SPACES,
  ENDPOINT_TEXT,
  expectAcceptedEverywhere,
  expectNoLeak,
  expectRefusedEverywhere,
  type Family,
  hmacToken,
  jsonText,
  postToken,
  rawExchange,
  rawStatus,
  type RecordingServer,
  REFRESH,
  type RefusalOptions,
  startRecordingServer,
  useSecurityApp,
  validClaims,
  VERIFY,
  withSignature,
} from '../support/attacks.js';
import { errorBody, nonField } from '../support/endpoints.js';
import { ERROR_FORMATS } from '../support/refusals.js';
import { b64url } from '../support/tokens.js';
import { WEAK_SECRETS } from '../support/weak-secrets.js';

/**
 * Attack suite, part 1: the signature, the algorithm and the JOSE header, against an HS256 app.
 * Each test is one hostile token, refused by the guard (401) and by /api-token-verify/ and
 * /api-token-refresh/ (400) with the documented message (see expectRefusedEverywhere).
 *
 * Families follow the order of checks the module makes (PyJWT's): shape and JSON first
 * ("Error decoding signature."), then the algorithm and `crit` ("Incorrect authentication
 * credentials." / "Invalid token."), then the signature ("Error decoding signature.").
 */

const HEADER = { alg: 'HS256', typ: 'JWT' };
const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE'] as const;
const ATTACKER_KEY = 'attacker-chosen-key';

const attackerRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attackerEc = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** A valid token whose signature segment contains a `-` or `_` (so that its base64 form differs). */
function tokenWithUrlSafeCharacters(): string {
  for (let nonce = 0; ; nonce++) {
    const token = hmacToken(HEADER, validClaims({ nonce }));
    if (/[-_]/.test(token)) return token;
  }
}

/** The same base64url text with the last character's unused bits changed (same bytes decoded). */
function withOtherPaddingBits(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(segment[segment.length - 1]);
  const unusedBits = (segment.length * 6) % 8;
  const flipped = alphabet[last ^ ((1 << unusedBits) - 1)];
  return segment.slice(0, -1) + flipped;
}

describe.each(ADAPTERS)('attacks on the signature, the algorithm and the header: HS256 app (%s)', (adapter) => {
  describe.each(ERROR_FORMATS)('errorFormat %s', (format) => {
    const app = useSecurityApp(adapter, format);
    const refused = (token: string, family: Family, options?: RefusalOptions) =>
      expectRefusedEverywhere(app, token, family, options);

    describe('alg none', () => {
      // PyJWT: an algorithm outside the allowed list is InvalidAlgorithmError, not a DecodeError.
      it.each(NONE_SPELLINGS)('alg "%s" without a signature ("header.payload.")', async (alg) => {
        const [head, body] = hmacToken({ alg, typ: 'JWT' }, validClaims()).split('.');
        await refused(`${head}.${body}.`, 'invalid');
      });

      it.each(NONE_SPELLINGS)('alg "%s" with the real key\'s HMAC signature', async (alg) => {
        await refused(hmacToken({ alg, typ: 'JWT' }, validClaims(), SECRET, 'sha256'), 'invalid');
      });

      it('alg "none" without the third segment ("header.payload", two segments)', async () => {
        const [head, body] = hmacToken({ alg: 'none' }, validClaims()).split('.');
        await refused(`${head}.${body}`, 'decode');
      });
    });

    describe('alg spelled otherwise', () => {
      it('no alg at all', async () => {
        await refused(hmacToken({ typ: 'JWT' }, validClaims(), SECRET, 'sha256'), 'invalid');
      });

      it.each<[string, unknown]>([
        ['"hs256" (lower case)', 'hs256'],
        ['"HS256 " (trailing space)', 'HS256 '],
        ['"" (empty)', ''],
        ['null', null],
        ['["HS256"] (an array)', ['HS256']],
        ['{"name":"HS256"} (an object)', { name: 'HS256' }],
      ])('alg %s with the real key', async (_label, alg) => {
        await refused(hmacToken({ alg, typ: 'JWT' }, validClaims(), SECRET, 'sha256'), 'invalid');
      });
    });

    describe('signature', () => {
      it('empty signature ("header.payload.") with alg HS256', async () => {
        await refused(withSignature(hmacToken(HEADER, validClaims()), ''), 'decode');
      });

      it('signature truncated by one character', async () => {
        const token = hmacToken(HEADER, validClaims());
        await refused(token.slice(0, -1), 'decode');
      });

      it('signature truncated to half', async () => {
        const token = hmacToken(HEADER, validClaims());
        const signature = token.split('.')[2];
        await refused(withSignature(token, signature.slice(0, signature.length / 2)), 'decode');
      });

      it('signature with one character altered', async () => {
        const token = hmacToken(HEADER, validClaims());
        const signature = token.split('.')[2];
        const altered = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
        await refused(withSignature(token, altered), 'decode');
      });

      it('signature with the unused bits of its last character changed (same bytes once decoded)', async () => {
        const token = hmacToken(HEADER, validClaims());
        await refused(withSignature(token, withOtherPaddingBits(token.split('.')[2])), 'decode');
      });

      it('signature taken from another valid token (a payload swap)', async () => {
        const other = hmacToken(HEADER, validClaims({ username: 'uuid-user' }));
        await refused(withSignature(hmacToken(HEADER, validClaims()), other.split('.')[2]), 'decode');
      });

      it('signature of 32 zero bytes', async () => {
        await refused(withSignature(hmacToken(HEADER, validClaims()), Buffer.alloc(32)), 'decode');
      });

      it('HMAC with an empty key', async () => {
        await refused(hmacToken(HEADER, validClaims(), ''), 'decode');
      });

      it('HMAC-SHA512 of the real key under alg HS256', async () => {
        await refused(hmacToken(HEADER, validClaims(), SECRET, 'sha512'), 'decode');
      });

      it(`HMAC with each of ${WEAK_SECRETS.length} common weak secrets (the first to pass is named)`, async () => {
        for (const secret of WEAK_SECRETS) {
          try {
            await refused(hmacToken(HEADER, validClaims(), secret), 'decode');
          } catch (error) {
            throw new Error(
              `a token signed with the weak secret ${JSON.stringify(secret)} was not refused as expected:\n${
                (error as Error).message
              }`,
              { cause: error },
            );
          }
        }
      });
    });

    describe('an algorithm other than the configured HS256', () => {
      it('HS384 signed with the real key', async () => {
        await refused(hmacToken({ alg: 'HS384', typ: 'JWT' }, validClaims()), 'invalid');
      });

      it('HS512 signed with the real key', async () => {
        await refused(hmacToken({ alg: 'HS512', typ: 'JWT' }, validClaims()), 'invalid');
      });

      it('RS256 signed with an RSA key', async () => {
        await refused(
          asymmetricToken({ alg: 'RS256', typ: 'JWT' }, validClaims(), attackerRsa.privateKey, 'RS256'),
          'invalid',
        );
      });

      it('PS256 signed with an RSA key', async () => {
        await refused(
          asymmetricToken({ alg: 'PS256', typ: 'JWT' }, validClaims(), attackerRsa.privateKey, 'PS256'),
          'invalid',
        );
      });

      it('ES256 signed with an EC key', async () => {
        await refused(
          asymmetricToken({ alg: 'ES256', typ: 'JWT' }, validClaims(), attackerEc.privateKey, 'ES256'),
          'invalid',
        );
      });

      it("alg RS256 in the header over the real key's HMAC-SHA256 signature", async () => {
        await refused(hmacToken({ alg: 'RS256', typ: 'JWT' }, validClaims(), SECRET, 'sha256'), 'invalid');
      });
    });

    describe('embedded keys and key URLs (jwk, jku, x5u, x5c): ignored, never fetched', () => {
      let recorder: RecordingServer;
      const attackerJwks = JSON.stringify({
        keys: [{ kty: 'oct', kid: 'attacker', k: b64url(ATTACKER_KEY) }],
      });
      beforeAll(async () => {
        recorder = await startRecordingServer(attackerJwks);
      });
      afterAll(async () => {
        await recorder.close();
      });

      it("jwk header carrying the attacker's HMAC key, signed with it", async () => {
        const header = { ...HEADER, jwk: { kty: 'oct', k: b64url(ATTACKER_KEY) } };
        await refused(hmacToken(header, validClaims(), ATTACKER_KEY), 'decode');
      });

      it("jku header pointing at the attacker's JWKS (a local server), signed with its key", async () => {
        const header = { ...HEADER, kid: 'attacker', jku: recorder.url('jwks.json') };
        await refused(hmacToken(header, validClaims(), ATTACKER_KEY), 'decode');
      });

      it("x5u header pointing at a local server, signed with the attacker's key", async () => {
        const header = { ...HEADER, x5u: recorder.url('cert.pem') };
        await refused(hmacToken(header, validClaims(), ATTACKER_KEY), 'decode');
      });

      it("x5c header with a bogus certificate chain, signed with the attacker's key", async () => {
        const header = { ...HEADER, x5c: [b64url('not a certificate')] };
        await refused(hmacToken(header, validClaims(), ATTACKER_KEY), 'decode');
      });

      it('jku and x5u on a token signed with the real key: no effect (accepted as without them)', async () => {
        const header = { ...HEADER, jku: recorder.url('real-jwks.json'), x5u: recorder.url('real-cert.pem') };
        await expectAcceptedEverywhere(app, hmacToken(header, validClaims()));
      });

      it('the jku/x5u server received no request (it does answer: checked from the test)', async () => {
        // Let any stray fetch arrive before looking.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(recorder.received).toEqual([]);
        const control = await fetch(recorder.url('control'));
        expect(await control.json()).toEqual(JSON.parse(attackerJwks));
        expect(recorder.received).toEqual(['GET /control']);
        recorder.received.length = 0;
      });
    });

    describe('kid', () => {
      const pwned = `/tmp/pwned-${randomUUID()}`;

      // Hostile kids with a signature from a key the kid might trick a naive key lookup into.
      it('kid "../../../../dev/null" with a signature made with an empty key (/dev/null\'s content)', async () => {
        await refused(hmacToken({ ...HEADER, kid: '../../../../dev/null' }, validClaims(), ''), 'decode');
      });

      it("kid \"' UNION SELECT 'attacker-chosen-key' --\" (SQL) signed with the injected key", async () => {
        const header = { ...HEADER, kid: `' UNION SELECT '${ATTACKER_KEY}' --` };
        await refused(hmacToken(header, validClaims(), ATTACKER_KEY), 'decode');
      });

      it('kid "$(touch /tmp/pwned-<uuid>)" (shell) signed with an empty key: refused, nothing run', async () => {
        await refused(hmacToken({ ...HEADER, kid: `$(touch ${pwned})` }, validClaims(), ''), 'decode');
        expect(existsSync(pwned)).toBe(false);
      });

      // A kid is not used to pick the key (there is one key): with a correct signature it has
      // no effect at all, so these tokens are accepted exactly as the same token without kid.
      it.each<[string, string]>([
        ['"../../../../dev/null" (path traversal)', '"../../../../dev/null"'],
        ['"\' OR 1=1 --" (SQL)', JSON.stringify("' OR 1=1 --")],
        ['"$(touch /tmp/pwned-<uuid>)" (shell)', JSON.stringify(`$(touch ${pwned})`)],
        ['42 (a number)', '42'],
        ['1e400 (a number out of range)', '1e400'],
        ['{"$ne":null} (an object)', '{"$ne":null}'],
        ['[] (an array)', '[]'],
        ['null', 'null'],
        ['a 10 kB string', JSON.stringify('k'.repeat(10 * 1024))],
      ])('kid %s with a correct signature: no effect (accepted as without kid)', async (_label, kid) => {
        const claims = validClaims();
        await expectAcceptedEverywhere(app, hmacToken(HEADER, claims));
        await expectAcceptedEverywhere(app, hmacToken(jsonText(HEADER, { kid }), claims, SECRET, 'sha256'));
        expect(existsSync(pwned)).toBe(false);
      });
    });

    describe('crit and duplicate keys', () => {
      // PyJWT refuses these too; whether as a DecodeError or an InvalidTokenError depends on
      // its version. The module says "invalid" for crit (as for an unknown algorithm).
      it('crit ["x-custom"] naming a header parameter it carries', async () => {
        await refused(hmacToken({ ...HEADER, 'x-custom': 1, crit: ['x-custom'] }, validClaims()), 'invalid');
      });

      it('crit ["b64"] (RFC 7797 unencoded payload)', async () => {
        await refused(hmacToken({ ...HEADER, b64: false, crit: ['b64'] }, validClaims()), 'invalid');
      });

      it('crit [] (empty)', async () => {
        await refused(hmacToken({ ...HEADER, crit: [] }, validClaims()), 'invalid');
      });

      it('crit "exp" (not an array)', async () => {
        await refused(hmacToken({ ...HEADER, crit: 'exp' }, validClaims()), 'invalid');
      });

      it('duplicate exp in the payload (an expired one, then a valid one)', async () => {
        const claims = validClaims();
        const text = jsonText(claims, { exp: `${Number(claims.exp) - 600},"exp":${String(claims.exp)}` });
        await refused(hmacToken(HEADER, text, SECRET, 'sha256'), 'decode');
      });

      it('duplicate username in the payload, the second key spelled with a \\u escape', async () => {
        const text = jsonText(validClaims({ username: 'nobody' }), { '\\u0075sername': '"admin"' }).replace(
          '"\\\\u0075sername"',
          '"\\u0075sername"',
        );
        expect(text).toContain('"\\u0075sername":"admin"');
        await refused(hmacToken(HEADER, text, SECRET, 'sha256'), 'decode');
      });

      it('duplicate key inside a nested claim object', async () => {
        const text = jsonText(validClaims(), { profile: '{"role":"user","role":"admin"}' });
        await refused(hmacToken(HEADER, text, SECRET, 'sha256'), 'decode');
      });

      it('duplicate typ in the header', async () => {
        await refused(hmacToken('{"alg":"HS256","typ":"JWT","typ":"JWE"}', validClaims(), SECRET, 'sha256'), 'decode');
      });

      it('a payload whose "__proto__" key carries username "admin" (no prototype pollution)', async () => {
        const claims = validClaims();
        delete claims.username;
        const text = jsonText(claims, { ['__proto__']: '{"username":"admin"}' });
        expect(text).toContain('"__proto__":{"username":"admin"}');
        await refused(hmacToken(HEADER, text, SECRET, 'sha256'), 'payload');
      });
    });

    describe('serializations other than compact', () => {
      it('JWS JSON serialization, flattened ({"payload","protected","signature"})', async () => {
        const [head, body, signature] = hmacToken(HEADER, validClaims()).split('.');
        await refused(JSON.stringify({ payload: body, protected: head, signature }), 'decode');
      });

      it('JWS JSON serialization, general ({"payload","signatures":[...]})', async () => {
        const [head, body, signature] = hmacToken(HEADER, validClaims()).split('.');
        await refused(JSON.stringify({ payload: body, signatures: [{ protected: head, signature }] }), 'decode');
      });

      it('five segments (JWE compact shape, alg "dir")', async () => {
        const head = b64url({ alg: 'dir', enc: 'A128GCM' });
        await refused(`${head}..${b64url('iv')}.${b64url('ciphertext')}.${b64url('tag')}`, 'decode');
      });

      it('empty segments ("..")', async () => {
        await refused('..', 'decode');
      });
    });

    describe('base64 variants and characters inside the token', () => {
      // PyJWT decodes with base64.urlsafe_b64decode, which would take padding and "+" "/";
      // the module takes the compact serialization strictly (RFC 7515: base64url, no padding).
      it.each([
        ['the header', 0],
        ['the payload', 1],
        ['the signature', 2],
      ] as const)('"=" padding on %s', async (_label, index) => {
        const parts = hmacToken(HEADER, validClaims()).split('.');
        parts[index] += '=';
        await refused(parts.join('.'), 'decode');
      });

      it('the standard base64 alphabet ("+" and "/" for "-" and "_")', async () => {
        const token = tokenWithUrlSafeCharacters().replaceAll('-', '+').replaceAll('_', '/');
        expect(token).toMatch(/[+/]/);
        await refused(token, 'decode');
      });

      it('percent-encoded dots ("%2E")', async () => {
        await refused(hmacToken(HEADER, validClaims()).replaceAll('.', '%2E'), 'decode');
      });

      it('a space inside (the guard: two credentials)', async () => {
        const [head, body, signature] = hmacToken(HEADER, validClaims()).split('.');
        await refused(`${head}.${body}. ${signature}`, 'decode', { guardMessage: CREDENTIALS_WITH_SPACES });
      });

      it('a tab inside (the guard: two credentials)', async () => {
        const [head, body, signature] = hmacToken(HEADER, validClaims()).split('.');
        await refused(`${head}.\t${body}.${signature}`, 'decode', { guardMessage: CREDENTIALS_WITH_SPACES });
      });

      it('a newline inside (the guard: refused by the HTTP parser with 400, never reaching the app)', async () => {
        const [head, body, signature] = hmacToken(HEADER, validClaims()).split('.');
        const token = `${head}.${body}\n.${signature}`;
        const expected = errorBody(format, 400, nonField(ENDPOINT_TEXT.decode));
        for (const path of [VERIFY, REFRESH]) {
          const response = await postToken(app, path, token);
          expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 400, body: expected });
          expectNoLeak(response, app.secrets);
        }
        for (const newline of ['\n', '\r\n ']) {
          const raw = await rawExchange(
            app.server,
            `GET /protected-url HTTP/1.1\r\nHost: localhost\r\nAuthorization: JWT ${head}.${body}${newline}.${signature}\r\nConnection: close\r\n\r\n`,
          );
          expect(rawStatus(raw)).toBe(400);
          expect(raw).not.toMatch(/\n\s+at |node_modules/);
        }
      });
    });

    it('a valid token still works after the hostile ones', async () => {
      await expectAcceptedEverywhere(app, hmacToken(HEADER, validClaims()));
    });
  });
});
