import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request, { type Response } from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import {
  addressOf,
  CREDENTIALS_WITH_SPACES,
  ENDPOINT_TEXT,
  expectAcceptedEverywhere,
  expectNoLeak,
  GUARD_TEXT,
  guardGet,
  hmacToken,
  NOT_PROVIDED,
  postToken,
  type SecurityApp,
  useSecurityApp,
  validClaims,
  VERIFY,
} from '../support/attacks.js';
import { ERROR_FORMATS, type ErrorFormatName, unauthorizedBody } from '../support/refusals.js';
import { b64url, now } from '../support/tokens.js';

/**
 * Attack suite, part 5: property-based fuzzing with fast-check. Random Authorization headers
 * and random bodies: never a 5xx, never a 2xx that is not deserved, and always a documented
 * body. Each property runs RUNS times per adapter and error format (half the runs per format).
 *
 * Reproduce a failure with the seed fast-check prints (or the one in the describe title):
 * FUZZ_SEED=<seed> NODE_OPTIONS=--experimental-vm-modules npx jest test/security/fuzz
 */

const SEED = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);
const RUNS = Number(process.env.FUZZ_RUNS ?? 125);
fc.configureGlobal({ seed: SEED, numRuns: RUNS, endOnFailure: false });

const HEADER = { alg: 'HS256', typ: 'JWT' };
const ENDPOINT_PATHS = ['/api-token-auth/', '/api-token-verify/', '/api-token-refresh/'] as const;
const UUID_USER_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
/** The active test users and their ids: a token must name both (its user_id binds it). */
const ACTIVE_USERS: Readonly<Record<string, number | string>> = { admin: 1, 'uuid-user': UUID_USER_ID };

// ---------------------------------------------------------------------------------------------
// The documented answers
// ---------------------------------------------------------------------------------------------

const INVALID_AUTHORIZATION = 'Invalid Authorization header. No credentials provided.';
const GUARD_MESSAGES = new Set([
  NOT_PROVIDED,
  INVALID_AUTHORIZATION,
  CREDENTIALS_WITH_SPACES,
  ...Object.values(GUARD_TEXT),
]);

const FIELD_MESSAGES = new Set([
  'This field is required.',
  'This field may not be blank.',
  'This field may not be null.',
  'Not a valid string.',
  'Null characters are not allowed.',
]);
const SURROGATE = /^Surrogate characters are not allowed: U\+D[89A-F][0-9A-F]{2}\.$/;
const isFieldMessage = (text: unknown) =>
  typeof text === 'string' && (FIELD_MESSAGES.has(text) || SURROGATE.test(text));
/** DRF's parse errors: Python's json, Django's multipart parser, Django's field limit. */
const isParseError = (text: string) =>
  /^(JSON|Multipart form) parse error - ./s.test(text) || text === 'The number of fields exceeded 1000.';
const NON_FIELD_MESSAGES = new Set([
  'No data provided',
  'Unable to log in with provided credentials.',
  'orig_iat field is required.',
  'Refresh has expired.',
  ...Object.values(ENDPOINT_TEXT),
]);
const NOT_A_DICTIONARY = /^Invalid data\. Expected a dictionary, but got (list|str|int|float|bool|NoneType)\.$/;
const THROTTLED = /^Request was throttled\. Expected available in \d+ seconds?\.$/;
const FIELDS: Record<string, readonly string[]> = {
  '/api-token-auth/': ['username', 'password'],
  '/api-token-verify/': ['token'],
  '/api-token-refresh/': ['token'],
};

const isNonFieldMessage = (text: unknown) =>
  typeof text === 'string' && (NON_FIELD_MESSAGES.has(text) || NOT_A_DICTIONARY.test(text));

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keysAre(body: Record<string, unknown>, keys: string[]): boolean {
  return Object.keys(body).sort().join() === [...keys].sort().join();
}

/** A serializer error (400 from the module) in the given format, for the fields of `path`. */
function isSerializerError(format: ErrorFormatName, path: string, body: unknown): boolean {
  const fields = FIELDS[path];
  if (format === 'drf') {
    if (!isPlainObject(body) || Object.keys(body).length === 0) return false;
    if ('non_field_errors' in body) {
      const list = body.non_field_errors;
      return (
        keysAre(body, ['non_field_errors']) && Array.isArray(list) && list.length === 1 && isNonFieldMessage(list[0])
      );
    }
    return Object.entries(body).every(
      ([field, list]) =>
        fields.includes(field) &&
        Array.isArray(list) &&
        list.length >= 1 &&
        list.length <= 2 &&
        list.every(isFieldMessage),
    );
  }
  if (!isPlainObject(body) || !keysAre(body, ['statusCode', 'message', 'error'])) return false;
  if (body.statusCode !== 400 || body.error !== 'Bad Request') return false;
  if (typeof body.message === 'string') return isNonFieldMessage(body.message);
  return (
    Array.isArray(body.message) &&
    body.message.length > 0 &&
    body.message.every((line) => {
      const [field, ...rest] = String(line).split(': ');
      return fields.includes(field) && isFieldMessage(rest.join(': '));
    })
  );
}

/** A `detail` error of the module (405, 415, 429) in the given format. */
function isDetailError(format: ErrorFormatName, status: number, body: unknown, message: (text: string) => boolean) {
  if (!isPlainObject(body)) return false;
  if (format === 'drf') return keysAre(body, ['detail']) && typeof body.detail === 'string' && message(body.detail);
  return (
    keysAre(body, ['statusCode', 'message', 'error']) &&
    body.statusCode === status &&
    typeof body.error === 'string' &&
    typeof body.message === 'string' &&
    message(body.message)
  );
}

/** The checklist for any answer of a token endpoint. */
function expectDocumentedEndpointAnswer(
  format: ErrorFormatName,
  path: string,
  method: string,
  response: Response,
): void {
  const { status } = response;
  const body = response.body as unknown;
  let documented: boolean;
  switch (status) {
    case 200:
      documented =
        method === 'POST' && isPlainObject(body) && keysAre(body, ['token']) && typeof body.token === 'string';
      break;
    case 400:
      // Serializer errors, or what DRF's parsers say of a body they cannot read (the module reads
      // every body of the token routes itself, on both adapters).
      documented = isSerializerError(format, path, body) || isDetailError(format, 400, body, isParseError);
      break;
    case 405:
      documented = isDetailError(format, 405, body, (text) => text === `Method "${method}" not allowed.`);
      break;
    case 413:
      documented = isDetailError(format, 413, body, (text) => text === 'Request body is too large.');
      break;
    case 415:
      documented = isDetailError(format, 415, body, (text) => /^Unsupported media type ".*" in request\.$/s.test(text));
      break;
    case 429:
      // Login throttling (on by default) answers repeated well-formed logins.
      documented = path === '/api-token-auth/' && isDetailError(format, 429, body, (text) => THROTTLED.test(text));
      break;
    default:
      documented = false;
  }
  expect({ status, body, documented }).toEqual({ status, body, documented: true });
  expectNoStackTrace(response);
}

/** No stack frames, file paths or library internals (a parser's message may quote the body). */
function expectNoStackTrace(response: Response): void {
  expect(response.text ?? '').not.toMatch(/\n\s*at\s|\bat\s+\S+\s+\(|node_modules|\/work\/|\.[cm]?[jt]s:\d+/);
}

/** The checklist for any answer of the guard: 200 only when `valid`, else a documented 401. */
function expectDocumentedGuardAnswer(
  format: ErrorFormatName,
  response: Response,
  secrets: readonly string[],
  valid: false | string,
): void {
  if (valid !== false) {
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 200,
      body: { username: valid },
    });
    return;
  }
  const body = response.body as { detail?: unknown; message?: unknown };
  const message = format === 'drf' ? body.detail : body.message;
  expect({ status: response.status, body, documented: GUARD_MESSAGES.has(message as string) }).toEqual({
    status: 401,
    body: unauthorizedBody(format, message as string),
    documented: true,
  });
  expect(response.text).toBe(JSON.stringify(unauthorizedBody(format, message as string)));
  expect(response.headers['www-authenticate']).toBe('JWT realm="api"');
  expectNoLeak(response, secrets);
}

/**
 * Whether a token with this header and payload (as the server parses them) is genuinely valid
 * for the HS256 app: then the username it opens, else false. Computed independently of the
 * library from the reference's rules.
 */
function genuinelyValid(header: unknown, payload: unknown, at: number): false | string {
  if (!isPlainObject(header) || header.alg !== 'HS256' || 'crit' in header) return false;
  if (!isPlainObject(payload)) return false;
  const { exp, iat, nbf, aud, username, user_id: userId } = payload;
  const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
  // A margin around "now" keeps the answer independent of the second the request lands in.
  if (!finite(exp) || exp < at + 5) return false;
  if (iat !== undefined && !(finite(iat) && iat <= at - 5)) return false;
  if (nbf !== undefined && !(finite(nbf) && nbf <= at - 5)) return false;
  if (aud !== undefined) return false;
  if (typeof username !== 'string' || !Object.hasOwn(ACTIVE_USERS, username)) return false;
  const idText = typeof userId === 'string' ? userId : Number.isSafeInteger(userId) ? String(userId) : undefined;
  return idText !== undefined && idText === String(ACTIVE_USERS[username]) ? username : false;
}

/** Same, but the cases within the margin are unknowable: `undefined`. */
function validity(header: unknown, payload: unknown): false | string | undefined {
  const at = now();
  const verdict = genuinelyValid(header, payload, at);
  if (verdict !== false) return verdict;
  // Valid with the margin removed? Then it is too close to call.
  const loose = genuinelyValid(header, payload, at - 10);
  const looser = genuinelyValid(header, payload, at + 10);
  return loose === false && looser === false ? false : undefined;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const char = (codes: [number, number]) =>
  fc.integer({ min: codes[0], max: codes[1] }).map((code) => String.fromCharCode(code));

/** Any text an HTTP header value may carry (Node refuses CR, LF, NUL and other controls). */
const headerText = fc.string({
  unit: fc.oneof(
    { weight: 20, arbitrary: char([0x20, 0x7e]) },
    { weight: 1, arbitrary: fc.constant('\t') },
    { weight: 2, arbitrary: char([0x80, 0xff]) },
  ),
  maxLength: 300,
});

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const base64urlText = (maxLength: number) => fc.string({ unit: fc.constantFrom(...BASE64URL.split('')), maxLength });

/** Token-like text: base64url with dots and a few of the characters that confuse parsers. */
const tokenText = fc.string({
  unit: fc.oneof(
    { weight: 30, arbitrary: fc.constantFrom(...BASE64URL.split('')) },
    { weight: 4, arbitrary: fc.constant('.') },
    { weight: 1, arbitrary: fc.constantFrom('=', '+', '/', '%', '"', '{', '}', ',', ':', '\\', '~') },
  ),
  maxLength: 400,
});

/** A segment: random base64url, or the base64url of random JSON or random bytes. */
const segment = fc.oneof(
  base64urlText(80),
  fc.jsonValue({ maxDepth: 2 }).map((value) => b64url(JSON.stringify(value) ?? 'null')),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.constant(b64url(HEADER)),
);
const segmentedToken = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.'));

const future = fc.integer({ min: 3600, max: 10 ** 7 }).map((delta) => now() + delta);
const past = fc.integer({ min: 3600, max: 10 ** 7 }).map((delta) => now() - delta);
const wrongType = fc.oneof(fc.double(), fc.jsonValue({ maxDepth: 1 }));

/** A time claim, mostly well away from now (the good side first), sometimes of the wrong type. */
const timeClaim = (good: fc.Arbitrary<number>, bad: fc.Arbitrary<number>) =>
  fc.oneof(
    { weight: 4, arbitrary: good.map((value): unknown => value) },
    { weight: 1, arbitrary: bad.map((value): unknown => value) },
    { weight: 1, arbitrary: wrongType },
  );

/** Rarely there, and then anything. */
const rareClaim = fc.oneof(
  { weight: 4, arbitrary: fc.constant<unknown>(undefined) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);

const randomHeader: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<unknown>(HEADER) },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        alg: fc.oneof(
          { weight: 4, arbitrary: fc.constant<unknown>('HS256') },
          {
            weight: 2,
            arbitrary: fc.constantFrom<unknown>('none', 'None', 'HS384', 'HS512', 'RS256', 'ES256', 'hs256'),
          },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
        ),
        typ: fc.constantFrom('JWT', 'jwt', 'JWE', ''),
        kid: fc.jsonValue({ maxDepth: 1 }),
        jku: fc.constantFrom('http://127.0.0.1:1/jwks.json', 'file:///etc/passwd'),
        crit: rareClaim,
      },
      { requiredKeys: ['alg'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Claims near a valid token (so that some are valid), or any JSON value. */
const randomPayload: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        user_id: fc.oneof(fc.constantFrom<unknown>(1, '1', UUID_USER_ID), fc.jsonValue({ maxDepth: 1 })),
        username: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom<unknown>('admin', 'uuid-user') },
          { weight: 1, arbitrary: fc.constantFrom<unknown>('inactive', 'ADMIN', '', 'nobody', 'admin\u0000') },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
        ),
        exp: timeClaim(future, past),
        iat: timeClaim(past, future),
        nbf: timeClaim(past, future),
        orig_iat: timeClaim(past, future),
        aud: rareClaim,
        iss: fc.jsonValue({ maxDepth: 1 }),
        jti: fc.uuid(),
      },
      { requiredKeys: ['username', 'exp'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const credentials = fc.record(
  {
    username: fc.oneof(fc.constantFrom<unknown>('admin', ' admin ', 'inactive', ''), fc.jsonValue({ maxDepth: 1 })),
    password: fc.oneof(fc.constantFrom<unknown>('abc123', ' abc123', ''), fc.jsonValue({ maxDepth: 1 })),
    token: fc.oneof(
      fc.constant<unknown>(''),
      tokenText.map((text): unknown => text),
      fc.jsonValue({ maxDepth: 1 }),
      fc.constant<unknown>(null),
    ),
  },
  { requiredKeys: [] },
);

const jsonBody = fc.oneof(
  { weight: 3, arbitrary: credentials.map((value): unknown => value) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Form bodies: well-encoded pairs, or raw text (stray %, &, =, brackets...). */
const formBody = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('username', 'password', 'token', 'token[]', 'token[a]', '__proto__', 'constructor'),
          fc.string(),
        ),
        fc.oneof(fc.constantFrom('admin', 'abc123', ''), fc.string(), tokenText),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&')),
  fc.string({ maxLength: 200 }),
);

const endpointPath = fc.constantFrom(...ENDPOINT_PATHS);
const method = fc.constantFrom('POST', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'GET');

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=xyz',
  'text/plain',
  'application/xml',
  'application/vnd.api+json',
  'application/octet-stream',
];

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

function send(app: SecurityApp, verb: string, path: string, contentType: string | undefined, text: string) {
  const server = request(app.server);
  const test =
    verb === 'GET'
      ? server.get(path)
      : verb === 'PUT'
        ? server.put(path)
        : verb === 'PATCH'
          ? server.patch(path)
          : verb === 'DELETE'
            ? server.delete(path)
            : server.post(path);
  if (contentType !== undefined) test.set('Content-Type', contentType);
  return verb === 'GET' ? test : test.send(text);
}

describe.each(ADAPTERS)(`fuzzing (seed ${SEED}, ${RUNS} runs a property) on %s`, (adapter) => {
  describe.each(ERROR_FORMATS)('errorFormat %s', (format) => {
    const app = useSecurityApp(adapter, format);
    beforeAll(async () => {
      // Listen once: supertest would otherwise open and close a server for every request.
      await addressOf(app.server);
    });

    it('random Authorization headers: a documented 401, never 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(headerText, async (value) => {
          expectDocumentedGuardAnswer(format, await guardGet(app, value), app.secrets, false);
        }),
      );
    });

    it('"JWT " and random token-like text: a documented 401 (guard) and 400 (verify)', async () => {
      await fc.assert(
        fc.asyncProperty(tokenText, async (token) => {
          expectDocumentedGuardAnswer(format, await guardGet(app, `JWT ${token}`), app.secrets, false);
          const verify = await postToken(app, VERIFY, token);
          expect(verify.status).toBe(400);
          expectDocumentedEndpointAnswer(format, VERIFY, 'POST', verify);
        }),
      );
    });

    it('"JWT " and random base64url segments joined with dots: a documented 401 and 400', async () => {
      await fc.assert(
        fc.asyncProperty(segmentedToken, async (token) => {
          expectDocumentedGuardAnswer(format, await guardGet(app, `JWT ${token}`), app.secrets, false);
          const verify = await postToken(app, VERIFY, token);
          expect(verify.status).toBe(400);
          expectDocumentedEndpointAnswer(format, VERIFY, 'POST', verify);
        }),
      );
    });

    it('random JSON headers and payloads signed with the real key: 200 exactly when genuinely valid', async () => {
      await fc.assert(
        fc.asyncProperty(randomHeader, randomPayload, async (header, payload) => {
          const headerText = JSON.stringify(header);
          const payloadText = JSON.stringify(payload);
          const token = hmacToken(headerText, payloadText, undefined, 'sha256');
          const valid = validity(JSON.parse(headerText), JSON.parse(payloadText));
          fc.pre(valid !== undefined);
          expectDocumentedGuardAnswer(format, await guardGet(app, `JWT ${token}`), app.secrets, valid ?? false);
          const verify = await postToken(app, VERIFY, token);
          expect({ status: verify.status, valid: valid !== false }).toEqual({
            status: valid === false ? 400 : 200,
            valid: valid !== false,
          });
          expectDocumentedEndpointAnswer(format, VERIFY, 'POST', verify);
        }),
        // A known-valid token among them, so that the 200 side is always exercised.
        { examples: [[HEADER, validClaims()]] },
      );
    });

    it('random JSON bodies to the three endpoints: 200/400/405/413/415 with a documented body', async () => {
      await fc.assert(
        fc.asyncProperty(endpointPath, method, jsonBody, async (path, verb, value) => {
          const text = JSON.stringify(value);
          const response = await send(app, verb, path, 'application/json', text);
          expectDocumentedEndpointAnswer(format, path, verb, response);
        }),
      );
    });

    it('random form bodies to the three endpoints: a documented answer', async () => {
      await fc.assert(
        fc.asyncProperty(endpointPath, method, formBody, async (path, verb, text) => {
          const response = await send(app, verb, path, 'application/x-www-form-urlencoded', text);
          expectDocumentedEndpointAnswer(format, path, verb, response);
        }),
      );
    });

    it('random raw bodies with random content types (malformed JSON too): a documented answer', async () => {
      await fc.assert(
        fc.asyncProperty(
          endpointPath,
          fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
          fc.oneof(
            fc.string({ maxLength: 200 }),
            jsonBody.map((value) => JSON.stringify(value)),
            tokenText,
          ),
          async (path, contentType, text) => {
            const response = await send(app, 'POST', path, contentType, text);
            expectDocumentedEndpointAnswer(format, path, 'POST', response);
          },
        ),
      );
    });

    it('a valid token still works after the fuzzing', async () => {
      await expectAcceptedEverywhere(app, hmacToken(HEADER, validClaims()));
    });
  });
});
