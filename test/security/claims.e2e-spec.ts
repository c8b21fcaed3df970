import { describe, expect, it } from '@jest/globals';
import { ADAPTERS } from '../support/apps.js';
import {
  expectAcceptedEverywhere,
  expectNoLeak,
  expectRefusedEverywhere,
  type Family,
  guardGet,
  hmacToken,
  jsonText,
  outcome,
  postToken,
  REFRESH,
  useSecurityApp,
  validClaims,
  VERIFY,
} from '../support/attacks.js';
import { errorBody, nonField } from '../support/endpoints.js';
import { ERROR_FORMATS } from '../support/refusals.js';
import { now } from '../support/tokens.js';

/**
 * Attack suite, part 3: hostile claims in tokens signed with the real key. The signature is
 * right, so everything rests on the claim checks, made in PyJWT's order (iat, nbf, exp, iss,
 * aud), then the username and the user.
 *
 * Families, as PyJWT rules: a time claim that is not a number is a DecodeError for `exp` and
 * `nbf` ("Error decoding signature.") and an InvalidIssuedAtError for `iat` ("Incorrect
 * authentication credentials." / "Invalid token."); a claim out of its window, or a wrong
 * `aud`/`iss`, is an invalid token.
 */

const HEADER = { alg: 'HS256', typ: 'JWT' };

/** Raw JSON texts of values of the wrong type; `1e400` stays as written (JSON.parse: Infinity). */
const WRONG_TYPES: [string, string][] = [
  ['a numeric string', JSON.stringify(String(now() + 300))],
  ['a word', '"tomorrow"'],
  ['null', 'null'],
  ['true', 'true'],
  ['false', 'false'],
  ['an empty array', '[]'],
  ['an array holding a valid time', `[${now() + 300}]`],
  ['an object', `{"$gt":0}`],
  ['1e400 (Infinity once parsed)', '1e400'],
  ['-1e400 (-Infinity once parsed)', '-1e400'],
];

/** An HS256 token over claims in which `raw` members are written verbatim. */
const tokenWith = (raw: Record<string, string>, claims = validClaims()) =>
  hmacToken(HEADER, jsonText(claims, raw), undefined, 'sha256');

describe.each(ADAPTERS)('attacks with hostile claims (%s)', (adapter) => {
  describe.each(ERROR_FORMATS)('HS256 app, errorFormat %s', (format) => {
    const app = useSecurityApp(adapter, format);
    const refused = (token: string, family: Family) => expectRefusedEverywhere(app, token, family);

    describe('exp', () => {
      // Upstream accepted a token without exp forever; the module requires it (an "invalid" token).
      it('no exp', async () => {
        const claims = validClaims();
        delete claims.exp;
        await refused(hmacToken(HEADER, claims), 'invalid');
      });

      // PyJWT: int(exp) failing is a DecodeError. Where Python's int() would succeed (a numeric
      // string, a boolean) PyJWT would go on; the module refuses every non-number as undecodable.
      it.each(WRONG_TYPES)('exp as %s', async (_label, raw) => {
        await refused(tokenWith({ exp: raw }), 'decode');
      });

      it('exp one second in the past', async () => {
        await refused(tokenWith({ exp: String(now() - 1) }), 'expired');
      });
    });

    describe('nbf', () => {
      // A non-number nbf is a DecodeError in PyJWT. For 1e400 "not yet valid, forever" (an invalid
      // token) would be as reasonable: the module refuses it as undecodable (not finite).
      it.each(WRONG_TYPES)('nbf as %s', async (_label, raw) => {
        await refused(tokenWith({ nbf: raw }), 'decode');
      });

      it('nbf an hour in the future', async () => {
        await refused(tokenWith({ nbf: String(now() + 3600) }), 'invalid');
      });
    });

    describe('iat', () => {
      // PyJWT 2: a non-integer iat is InvalidIssuedAtError, an invalid token (not a DecodeError).
      it.each(WRONG_TYPES)('iat as %s', async (_label, raw) => {
        await refused(tokenWith({ iat: raw }), 'invalid');
      });

      it('iat an hour in the future', async () => {
        await refused(tokenWith({ iat: String(now() + 3600) }), 'invalid');
      });
    });

    describe('orig_iat (read by the refresh endpoint only)', () => {
      // Neither PyJWT nor upstream's verify or authentication look at orig_iat: the guard and
      // /api-token-verify/ accept these tokens (the reference), /api-token-refresh/ refuses them.
      // Upstream's refresh treats a falsy orig_iat (null, false, [], {}, "") as missing, as the
      // module does ("orig_iat field is required."), and crashes (500) on other non-numbers,
      // which the module answers "Invalid token.".
      const FALSY_IN_PYTHON = ['null', 'false', '[]', '{}', '""'];
      it.each<[string, string, string]>([
        ...[
          ...WRONG_TYPES,
          ['an empty object', '{}'] as [string, string],
          ['an empty string', '""'] as [string, string],
        ].map(([label, raw]): [string, string, string] => [
          label,
          raw,
          FALSY_IN_PYTHON.includes(raw) ? 'orig_iat field is required.' : 'Invalid token.',
        ]),
      ])('orig_iat as %s: guard and verify accept, refresh refuses', async (_label, raw, message) => {
        const token = tokenWith({ orig_iat: raw });
        const guard = await guardGet(app, `JWT ${token}`);
        const verify = await postToken(app, VERIFY, token);
        const refresh = await postToken(app, REFRESH, token);
        expect({ guard: outcome(guard), verify: outcome(verify), refresh: outcome(refresh) }).toEqual({
          guard: { status: 200, body: { username: 'admin' } },
          verify: { status: 200, body: { token } },
          refresh: { status: 400, body: errorBody(format, 400, nonField(message)) },
        });
        expectNoLeak(refresh, app.secrets);
      });
    });

    describe('aud with no audience configured', () => {
      it('aud "my-api" when the app has no audience', async () => {
        await refused(hmacToken(HEADER, validClaims({ aud: 'my-api' })), 'invalid');
      });

      it('aud [] when the app has no audience', async () => {
        await refused(hmacToken(HEADER, validClaims({ aud: [] })), 'invalid');
      });
    });

    describe('a payload that is not an object', () => {
      it.each([
        ['null', 'null'],
        ['an array', JSON.stringify([validClaims()])],
        ['a string', JSON.stringify(JSON.stringify(validClaims()))],
        ['a number', '42'],
        ['true', 'true'],
        ['not JSON', 'username=admin'],
        ['empty', ''],
      ])('payload %s', async (_label, text) => {
        await refused(hmacToken(HEADER, text, undefined, 'sha256'), 'decode');
      });
    });

    describe('username', () => {
      it('no username', async () => {
        const claims = validClaims();
        delete claims.username;
        await refused(hmacToken(HEADER, claims), 'payload');
      });

      it('username empty', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: '' })), 'payload');
      });

      it('username null', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: null })), 'payload');
      });

      // As upstream (get_by_natural_key(1)): a number names the user with those digits, never
      // the user with that id; there is no user "1" here.
      it('username a number (1, the admin id)', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: 1 })), 'user_not_found');
      });

      // Never handed to the app's lookup (a query operator in a document store): no such user.
      it('username an object ({"$ne": null})', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: { $ne: null } })), 'user_not_found');
      });

      it('username an array (["admin"])', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: ['admin'] })), 'user_not_found');
      });

      it('username 0 or an empty list (false in Python)', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: 0 })), 'payload');
        await refused(hmacToken(HEADER, validClaims({ username: [] })), 'payload');
      });

      it('username a 10 kB string', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: 'a'.repeat(10 * 1024) })), 'user_not_found');
      });

      it('username with a NUL byte ("admin\\u0000")', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: 'admin\u0000' })), 'user_not_found');
      });

      it('username with a NUL byte inside ("ad\\u0000min")', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: 'ad\u0000min' })), 'user_not_found');
      });

      it('username in another case ("ADMIN")', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: 'ADMIN' })), 'user_not_found');
      });

      it('username with surrounding spaces (" admin ")', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: ' admin ' })), 'user_not_found');
      });

      it('username "__proto__"', async () => {
        await refused(hmacToken(HEADER, validClaims({ username: '__proto__' })), 'user_not_found');
      });
    });

    describe('the user', () => {
      it('user deactivated after the token was issued', async () => {
        const token = hmacToken(HEADER, validClaims());
        app.users.users.get('admin')!.isActive = false;
        await refused(token, 'user_inactive');
      });

      it('user deleted after the token was issued', async () => {
        const token = hmacToken(HEADER, validClaims());
        app.users.users.delete('admin');
        await refused(token, 'user_not_found');
      });

      it('user deactivated after the token was accepted once (no cached acceptance)', async () => {
        const token = hmacToken(HEADER, validClaims());
        await expectAcceptedEverywhere(app, token);
        app.users.users.get('admin')!.isActive = false;
        await refused(token, 'user_inactive');
      });

      it('a token of an inactive user', async () => {
        await refused(
          hmacToken(HEADER, validClaims({ user_id: 2, username: 'inactive', email: undefined })),
          'user_inactive',
        );
      });
    });

    it('a valid token still works after the hostile ones', async () => {
      await expectAcceptedEverywhere(app, hmacToken(HEADER, validClaims()));
    });
  });

  describe.each(ERROR_FORMATS)('app with audience and issuer, errorFormat %s', (format) => {
    const AUDIENCE = 'my-api';
    const ISSUER = 'https://issuer.example';
    const app = useSecurityApp(adapter, format, { audience: AUDIENCE, issuer: ISSUER }, [AUDIENCE, ISSUER]);
    const claims = (extra: Record<string, unknown> = {}) => validClaims({ aud: AUDIENCE, iss: ISSUER, ...extra });
    const refused = (token: string) => expectRefusedEverywhere(app, token, 'invalid');

    it('the right aud and iss are accepted (control)', async () => {
      await expectAcceptedEverywhere(app, hmacToken(HEADER, claims()));
    });

    describe('aud', () => {
      it('no aud', async () => {
        const payload = claims();
        delete payload.aud;
        await refused(hmacToken(HEADER, payload));
      });

      it.each<[string, unknown]>([
        ['another audience ("other-api")', 'other-api'],
        ['a prefix of the audience ("my-ap")', 'my-ap'],
        ['the audience extended ("my-api-admin")', 'my-api-admin'],
        ['the audience in upper case ("MY-API")', 'MY-API'],
        ['the audience with a trailing space', 'my-api '],
        ['an array without the audience', ['other-api', 'my-ap']],
        ['an empty array', []],
        ['an array holding the audience in an array', [['my-api']]],
        ['an object keyed by the audience', { 'my-api': true }],
        ['null', null],
        ['a number', 1],
      ])('aud %s', async (_label, aud) => {
        await refused(hmacToken(HEADER, claims({ aud })));
      });
    });

    describe('iss', () => {
      it('no iss', async () => {
        const payload = claims();
        delete payload.iss;
        await refused(hmacToken(HEADER, payload));
      });

      it.each<[string, unknown]>([
        ['another issuer', 'https://evil.example'],
        ['a prefix of the issuer ("https://issuer.exampl")', 'https://issuer.exampl'],
        ['the issuer with a trailing slash', 'https://issuer.example/'],
        ['the issuer extended ("https://issuer.example.evil.com")', 'https://issuer.example.evil.com'],
        ['the issuer in upper case', 'HTTPS://ISSUER.EXAMPLE'],
        ['the issuer in an array', ['https://issuer.example']],
        ['null', null],
      ])('iss %s', async (_label, iss) => {
        await refused(hmacToken(HEADER, claims({ iss })));
      });
    });

    it('a valid token still works after the hostile ones', async () => {
      await expectAcceptedEverywhere(app, hmacToken(HEADER, claims()));
    });
  });
});
