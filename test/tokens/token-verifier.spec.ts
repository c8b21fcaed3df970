import { describe, expect, it } from '@jest/globals';
import {
  constants,
  createHmac,
  createSecretKey,
  generateKeyPairSync,
  KeyObject,
  sign as cryptoSign,
  type SignKeyObjectInput,
} from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { type JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import { type JwtAlgorithm, type JwtPayload, SUPPORTED_ALGORITHMS } from '../../lib/common/jwt.js';
import { type JwtAuthSettings, resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { jwtModuleOptions } from '../../lib/tokens/jwt-options.js';
import { TokenRejectedError, type TokenRejection } from '../../lib/common/errors.js';
import { TokenVerifier } from '../../lib/tokens/token-verifier.js';
import { isFiniteNumber } from '../../lib/common/claims.js';

/** Long enough for every HMAC algorithm (HS512 needs 64 bytes). */
const HMAC_SECRET = 'unit-test-hmac-secret-'.padEnd(64, 'x');
const OTHER_SECRET = 'another-unit-test-hmac-secret-'.padEnd(64, 'y');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const CURVES = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' } as const;
type EsAlgorithm = keyof typeof CURVES;
const ec = {
  ES256: generateKeyPairSync('ec', { namedCurve: CURVES.ES256 }),
  ES384: generateKeyPairSync('ec', { namedCurve: CURVES.ES384 }),
  ES512: generateKeyPairSync('ec', { namedCurve: CURVES.ES512 }),
};
const otherEc = {
  ES256: generateKeyPairSync('ec', { namedCurve: CURVES.ES256 }),
  ES384: generateKeyPairSync('ec', { namedCurve: CURVES.ES384 }),
  ES512: generateKeyPairSync('ec', { namedCurve: CURVES.ES512 }),
};
/** r||s sizes (IEEE P1363) of each ES algorithm. */
const ES_SIGNATURE_BYTES: Record<EsAlgorithm, number> = { ES256: 64, ES384: 96, ES512: 132 };

/** A fixed clock: every verify below is given `now` explicitly. */
const NOW = 1_700_000_000;

/** The module options for an algorithm, with the keys above (`other`: the second key of that type). */
function optionsFor(alg: JwtAlgorithm, other = false): JwtAuthModuleOptions {
  if (alg.startsWith('HS')) return { algorithm: alg, secretKey: other ? OTHER_SECRET : HMAC_SECRET };
  if (alg.startsWith('ES'))
    return { algorithm: alg, privateKey: (other ? otherEc : ec)[alg as EsAlgorithm].privateKey };
  return { algorithm: alg, privateKey: (other ? otherRsa : rsa).privateKey };
}

const settingsWith = (options: Partial<JwtAuthModuleOptions> = {}): JwtAuthSettings =>
  resolveSettings({ secretKey: HMAC_SECRET, ...options });
const verifierWith = (options: Partial<JwtAuthModuleOptions> = {}) => new TokenVerifier(settingsWith(options));

/** A base64url segment: a string is raw JSON text (to write `1e400` or duplicate keys), anything else is stringified. */
const segment = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * The JWS signature of `input`, made with node:crypto alone (independently of TokenVerifier),
 * with the first or the `other` key of the algorithm's type.
 */
function signatureOf(alg: JwtAlgorithm, input: string, other = false): Buffer {
  const hash = `sha${alg.slice(2)}`;
  const data = Buffer.from(input);
  const family = alg.slice(0, 2);
  if (family === 'HS')
    return createHmac(hash, other ? OTHER_SECRET : HMAC_SECRET)
      .update(data)
      .digest();
  if (family === 'ES') {
    const key: SignKeyObjectInput = {
      key: (other ? otherEc : ec)[alg as EsAlgorithm].privateKey,
      dsaEncoding: 'ieee-p1363',
    };
    return cryptoSign(hash, data, key);
  }
  const rsaKey = (other ? otherRsa : rsa).privateKey;
  if (family === 'PS') {
    const key: SignKeyObjectInput = {
      key: rsaKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    };
    return cryptoSign(hash, data, key);
  }
  return cryptoSign(hash, data, rsaKey);
}

/** A token from a header and a payload (objects, or raw JSON text), properly signed for `alg`. */
function signed(alg: JwtAlgorithm, payload: unknown, header: unknown = { alg, typ: 'JWT' }): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${signatureOf(alg, input).toString('base64url')}`;
}

/** An HS256 token (the default configuration), properly signed unless `signature` is given. */
function hs256(payload: unknown, header: unknown = { alg: 'HS256', typ: 'JWT' }, signature?: Buffer): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${(signature ?? signatureOf('HS256', input)).toString('base64url')}`;
}

const signatureBytes = (token: string) => Buffer.from(token.split('.')[2], 'base64url');
const withSignature = (token: string, signature: Buffer) =>
  `${token.split('.').slice(0, 2).join('.')}.${signature.toString('base64url')}`;
function flipByte(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] ^= 0x01;
  return copy;
}

/** The reason of the TokenRejectedError `action` throws (anything else thrown fails the test). */
function reasonOf(action: () => unknown): TokenRejection | 'no error' {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRejectedError);
    return (error as TokenRejectedError).reason;
  }
  return 'no error';
}

/** The number of cached tokens: private state, read through a narrow cast (no public accessor exists). */
const cacheSizeOf = (verifier: TokenVerifier) => (verifier as unknown as { cache: Map<string, unknown> }).cache.size;

/** Claims of a live token; overrides are untyped so that malformed claims can be written too. */
const live = (claims: Record<string, unknown> = {}) => ({ username: 'admin', exp: NOW + 60, ...claims });

describe('TokenVerifier: shape and JSON (decode, before anything else)', () => {
  const verifier = verifierWith();

  it('accepts a well-formed, well-signed HS256 token and returns its payload', () => {
    expect(verifier.verify(hs256(live()), NOW)).toEqual(live());
  });

  it('accepts a header without typ', () => {
    expect(reasonOf(() => verifier.verify(hs256(live(), { alg: 'HS256' }), NOW))).toBe('no error');
  });

  it.each([undefined, null, 42, {}, ['a.b.c']])('a token that is not a string (%p): decode', (value) => {
    expect(reasonOf(() => verifier.verify(value, NOW))).toBe('decode');
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', '...', '..'])('%j (not three base64url JSON segments): decode', (value) => {
    expect(reasonOf(() => verifier.verify(value, NOW))).toBe('decode');
  });

  it('a valid token with a fourth segment or surrounding whitespace: decode', () => {
    const token = hs256(live());
    expect(reasonOf(() => verifier.verify(`${token}.`, NOW))).toBe('decode');
    expect(reasonOf(() => verifier.verify(` ${token}`, NOW))).toBe('decode');
    expect(reasonOf(() => verifier.verify(`${token}\n`, NOW))).toBe('decode');
  });

  it('characters outside base64url (+, /, =): decode, even when the signature covers them', () => {
    const [head, body] = hs256(live()).split('.');
    for (const input of [`${head}.${body}=`, `${head}+.${body}`, `${head}.${body}/`]) {
      const signature = signatureOf('HS256', input).toString('base64url');
      expect(reasonOf(() => verifier.verify(`${input}.${signature}`, NOW))).toBe('decode');
    }
    const input = `${head}.${body}`;
    const padded = `${signatureOf('HS256', input).toString('base64url')}=`;
    expect(reasonOf(() => verifier.verify(`${input}.${padded}`, NOW))).toBe('decode');
  });

  it('a header that is not JSON: decode', () => {
    expect(reasonOf(() => verifier.verify(hs256(live(), '{alg'), NOW))).toBe('decode');
  });

  it('a header that is a JSON array: decode', () => {
    expect(reasonOf(() => verifier.verify(hs256(live(), [1]), NOW))).toBe('decode');
  });

  it.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"admin"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
  ])('a properly signed payload that is %s: decode', (_label, payload) => {
    expect(reasonOf(() => verifier.verify(hs256(payload), NOW))).toBe('decode');
  });

  it('a properly signed payload with a duplicate key: decode', () => {
    const payload = `{"username":"someone","username":"admin","exp":${NOW + 60}}`;
    expect(reasonOf(() => verifier.verify(hs256(payload), NOW))).toBe('decode');
  });

  it('a header with a duplicate key: decode', () => {
    expect(reasonOf(() => verifier.verify(hs256(live(), '{"alg":"HS256","alg":"HS256"}'), NOW))).toBe('decode');
  });
});

describe('TokenVerifier: alg and crit (invalid, after the shape and before the signature)', () => {
  const verifier = verifierWith();

  it.each([
    ['"none"', { alg: 'none' }],
    ['"HS512" when HS256 is configured', { alg: 'HS512' }],
    ['"RS256" when HS256 is configured', { alg: 'RS256' }],
    ['"hs256" (case matters)', { alg: 'hs256' }],
    ['missing', { typ: 'JWT' }],
    ['not a string', { alg: ['HS256'] }],
  ])('alg %s (signature made with the HS256 key): invalid', (_label, header) => {
    expect(reasonOf(() => verifier.verify(hs256(live(), header), NOW))).toBe('invalid');
  });

  it('alg none with an empty signature: invalid, so the algorithm is checked before any signature', () => {
    const unsigned = `${segment({ alg: 'none', typ: 'JWT' })}.${segment(live())}.`;
    expect(reasonOf(() => verifier.verify(unsigned, NOW))).toBe('invalid');
  });

  it('alg none with a garbage signature: invalid (not decode)', () => {
    expect(reasonOf(() => verifier.verify(hs256(live(), { alg: 'none' }, Buffer.from('garbage')), NOW))).toBe(
      'invalid',
    );
  });

  it('decode errors come before the algorithm check (alg none with a non-JSON payload: decode)', () => {
    expect(reasonOf(() => verifier.verify(hs256('not json', { alg: 'none' }), NOW))).toBe('decode');
  });

  it('a crit header (no extension is understood): invalid, even when properly signed', () => {
    expect(reasonOf(() => verifier.verify(hs256(live(), { alg: 'HS256', crit: ['b64'], b64: false }), NOW))).toBe(
      'invalid',
    );
  });

  it('a crit header with a bad signature: invalid (crit is checked before the signature)', () => {
    const header = { alg: 'HS256', crit: ['exp'] };
    expect(reasonOf(() => verifier.verify(hs256(live(), header, Buffer.alloc(32)), NOW))).toBe('invalid');
  });

  it('key confusion: an RS256 verifier given an HS256 token HMAC-signed with its public key PEM: invalid', () => {
    const rs256 = new TokenVerifier(resolveSettings(optionsFor('RS256')));
    const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
    const input = `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(live())}`;
    const forged = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    expect(reasonOf(() => rs256.verify(forged, NOW))).toBe('invalid');
  });

  it('an ES256 verifier given a valid RS256 token: invalid', () => {
    const es256 = new TokenVerifier(resolveSettings(optionsFor('ES256')));
    expect(reasonOf(() => es256.verify(signed('RS256', live()), NOW))).toBe('invalid');
  });
});

describe("TokenVerifier: PyJWT's order between the families", () => {
  it('a bad signature on an expired token: decode (the signature comes before exp)', () => {
    const verifier = verifierWith();
    const expired = hs256(live({ exp: NOW - 3600 }));
    expect(reasonOf(() => verifier.verify(expired, NOW))).toBe('expired');
    expect(reasonOf(() => verifier.verify(withSignature(expired, flipByte(signatureBytes(expired), 0)), NOW))).toBe(
      'decode',
    );
  });

  it('a bad signature on a token with the wrong audience or issuer: decode', () => {
    const verifier = verifierWith({ audience: 'api', issuer: 'me' });
    const token = hs256(live({ aud: 'other', iss: 'someone-else' }));
    expect(reasonOf(() => verifier.verify(token, NOW))).toBe('invalid');
    expect(reasonOf(() => verifier.verify(withSignature(token, Buffer.alloc(32)), NOW))).toBe('decode');
  });

  it('a bad signature on a token with alg none: invalid (alg first)', () => {
    expect(reasonOf(() => verifierWith().verify(hs256(live(), { alg: 'none' }, Buffer.alloc(32)), NOW))).toBe(
      'invalid',
    );
  });

  it('an expired token with the wrong audience: expired (exp before aud)', () => {
    const verifier = verifierWith({ audience: 'api' });
    expect(reasonOf(() => verifier.verify(hs256(live({ exp: NOW - 1, aud: 'other' })), NOW))).toBe('expired');
  });

  it('an expired token with no audience while one is configured: expired', () => {
    expect(reasonOf(() => verifierWith({ audience: 'api' }).verify(hs256(live({ exp: NOW - 1 })), NOW))).toBe(
      'expired',
    );
  });

  it('an expired token with the wrong issuer: expired (exp before iss)', () => {
    const verifier = verifierWith({ issuer: 'me' });
    expect(reasonOf(() => verifier.verify(hs256(live({ exp: NOW - 1, iss: 'other' })), NOW))).toBe('expired');
  });

  it('an expired token carrying aud when no audience is configured: expired', () => {
    expect(reasonOf(() => verifierWith().verify(hs256(live({ exp: NOW - 1, aud: 'api' })), NOW))).toBe('expired');
  });

  it('nbf in the future on an expired token: invalid (nbf before exp)', () => {
    expect(reasonOf(() => verifierWith().verify(hs256(live({ exp: NOW - 1, nbf: NOW + 60 })), NOW))).toBe('invalid');
  });

  it('iat in the future on an expired token: invalid (iat before exp)', () => {
    expect(reasonOf(() => verifierWith().verify(hs256(live({ exp: NOW - 1, iat: NOW + 60 })), NOW))).toBe('invalid');
  });
});

describe('TokenVerifier: exp', () => {
  it('passes a payload with a finite exp, a numeric iat and no aud', () => {
    expect(reasonOf(() => verifierWith().verify(hs256(live({ iat: NOW })), NOW))).toBe('no error');
  });

  it.each([
    [0, NOW, 'no error'],
    [0, NOW - 1, 'expired'],
    [0, NOW + 1, 'no error'],
    [10, NOW - 10, 'no error'],
    [10, NOW - 11, 'expired'],
    [10, NOW - 9, 'no error'],
  ] as const)('leeway %i, exp %i (now is 1700000000): %s (expired iff exp < now - leeway)', (leeway, exp, outcome) => {
    expect(reasonOf(() => verifierWith({ leeway }).verify(hs256(live({ exp })), NOW))).toBe(outcome);
  });

  it('the leeway may be a duration string ("1m")', () => {
    const verifier = verifierWith({ leeway: '1m' });
    expect(reasonOf(() => verifier.verify(hs256(live({ exp: NOW - 60 })), NOW))).toBe('no error');
    expect(reasonOf(() => verifier.verify(hs256(live({ exp: NOW - 61 })), NOW))).toBe('expired');
  });

  it('without an explicit now, the current clock is used', () => {
    const current = Math.floor(Date.now() / 1000);
    const verifier = verifierWith();
    expect(reasonOf(() => verifier.verify(hs256(live({ exp: current + 600 }))))).toBe('no error');
    expect(reasonOf(() => verifier.verify(hs256(live({ exp: current - 600 }))))).toBe('expired');
  });

  it('no exp: invalid (requireExpiration defaults to true)', () => {
    expect(reasonOf(() => verifierWith().verify(hs256({ username: 'admin' }), NOW))).toBe('invalid');
  });

  it('no exp with requireExpiration: false: accepted', () => {
    const verifier = verifierWith({ requireExpiration: false });
    expect(verifier.verify(hs256({ username: 'admin' }), NOW)).toEqual({ username: 'admin' });
  });

  it('requireExpiration: false still checks an exp that is present', () => {
    const verifier = verifierWith({ requireExpiration: false });
    expect(reasonOf(() => verifier.verify(hs256(live({ exp: NOW - 1 })), NOW))).toBe('expired');
  });

  it('verifyExpiration: false accepts a long-expired token', () => {
    const verifier = verifierWith({ verifyExpiration: false });
    expect(reasonOf(() => verifier.verify(hs256(live({ exp: NOW - 86_400 })), NOW))).toBe('no error');
  });

  it('verifyExpiration: false still checks nbf', () => {
    const verifier = verifierWith({ verifyExpiration: false });
    expect(reasonOf(() => verifier.verify(hs256(live({ nbf: NOW + 60 })), NOW))).toBe('invalid');
  });

  it.each([
    ['a string', '"123"'],
    ['Infinity (1e400 in the JSON text)', '1e400'],
    ['-Infinity (-1e400 in the JSON text)', '-1e400'],
    ['null', 'null'],
    ['an object', '{}'],
    ['a boolean', 'true'],
  ])('exp that is %s: decode', (_label, exp) => {
    const payload = `{"username":"admin","exp":${exp}}`;
    expect(reasonOf(() => verifierWith().verify(hs256(payload), NOW))).toBe('decode');
  });

  it('exp 1e400 (raw JSON text) is refused even with verifyExpiration: false', () => {
    const verifier = verifierWith({ verifyExpiration: false });
    expect(reasonOf(() => verifier.verify(hs256('{"username":"admin","exp":1e400}'), NOW))).toBe('decode');
  });
});

describe('TokenVerifier: nbf and iat', () => {
  it.each([
    [0, NOW, 'no error'],
    [0, NOW + 1, 'invalid'],
    [10, NOW + 10, 'no error'],
    [10, NOW + 11, 'invalid'],
  ] as const)('leeway %i, nbf %i (now is 1700000000): %s', (leeway, nbf, outcome) => {
    expect(reasonOf(() => verifierWith({ leeway }).verify(hs256(live({ nbf })), NOW))).toBe(outcome);
  });

  it.each([
    [0, NOW, 'no error'],
    [0, NOW + 1, 'invalid'],
    [10, NOW + 10, 'no error'],
    [10, NOW + 11, 'invalid'],
  ] as const)('leeway %i, iat %i (now is 1700000000): %s', (leeway, iat, outcome) => {
    expect(reasonOf(() => verifierWith({ leeway }).verify(hs256(live({ iat })), NOW))).toBe(outcome);
  });

  it('nbf and iat in the past: accepted', () => {
    expect(reasonOf(() => verifierWith().verify(hs256(live({ nbf: NOW - 60, iat: NOW - 60 })), NOW))).toBe('no error');
  });

  it('nbf that is not a number: decode', () => {
    expect(reasonOf(() => verifierWith().verify(hs256(live({ nbf: 'soon' })), NOW))).toBe('decode');
  });

  it('nbf 1e400 (raw JSON text): decode', () => {
    const payload = `{"username":"admin","exp":${NOW + 60},"nbf":1e400}`;
    expect(reasonOf(() => verifierWith().verify(hs256(payload), NOW))).toBe('decode');
  });

  it('iat that is not a number: invalid', () => {
    expect(reasonOf(() => verifierWith().verify(hs256(live({ iat: 'x' })), NOW))).toBe('invalid');
  });
});

describe('TokenVerifier: iss and aud', () => {
  it('issuer configured: the same iss is accepted; another or none is invalid', () => {
    const verifier = verifierWith({ issuer: 'me' });
    expect(reasonOf(() => verifier.verify(hs256(live({ iss: 'me' })), NOW))).toBe('no error');
    expect(reasonOf(() => verifier.verify(hs256(live({ iss: 'other' })), NOW))).toBe('invalid');
    expect(reasonOf(() => verifier.verify(hs256(live({ iss: 'Me' })), NOW))).toBe('invalid');
    expect(reasonOf(() => verifier.verify(hs256(live()), NOW))).toBe('invalid');
  });

  it('no issuer configured: any iss is accepted', () => {
    expect(reasonOf(() => verifierWith().verify(hs256(live({ iss: 'anyone' })), NOW))).toBe('no error');
  });

  it('audience configured: aud equal to it, or an array containing it, is accepted', () => {
    const verifier = verifierWith({ audience: 'api' });
    expect(reasonOf(() => verifier.verify(hs256(live({ aud: 'api' })), NOW))).toBe('no error');
    expect(reasonOf(() => verifier.verify(hs256(live({ aud: ['web', 'api'] })), NOW))).toBe('no error');
  });

  it.each([
    ['another audience', { aud: 'other' }],
    ['another case', { aud: 'API' }],
    ['an array without it', { aud: ['web', 'mobile'] }],
    ['an empty array', { aud: [] }],
    ['no aud at all', {}],
    ['a number', { aud: 42 }],
    ['an object', { aud: { api: true } }],
  ])('audience configured, aud that is %s: invalid', (_label, claims) => {
    expect(reasonOf(() => verifierWith({ audience: 'api' }).verify(hs256(live(claims)), NOW))).toBe('invalid');
  });

  it('audience configured, an aud array with a non-string member: invalid (PyJWT: "Invalid claim format in token")', () => {
    // PyJWT's _validate_aud refuses any aud list with a member that is not a string, before
    // looking for the audience in it.
    const verifier = verifierWith({ audience: 'api' });
    expect(reasonOf(() => verifier.verify(hs256(live({ aud: ['api', 42] })), NOW))).toBe('invalid');
  });

  it.each([
    ['a string', 'api'],
    ['an array', ['api']],
  ])('aud (%s) present when no audience is configured: invalid', (_label, aud) => {
    expect(reasonOf(() => verifierWith().verify(hs256(live({ aud })), NOW))).toBe('invalid');
  });
});

// EdDSA, which jsonwebtoken cannot sign, has its own cases in eddsa.spec.ts.
const JSONWEBTOKEN_ALGORITHMS = SUPPORTED_ALGORITHMS.filter((alg) => alg !== 'EdDSA');
describe.each(JSONWEBTOKEN_ALGORITHMS.map((alg) => [alg]))('TokenVerifier: %s signatures', (alg) => {
  const verifier = new TokenVerifier(resolveSettings(optionsFor(alg)));
  const token = signed(alg, live());

  it('a valid token (signed with node:crypto) is accepted', () => {
    expect(verifier.verify(token, NOW)).toEqual(live());
  });

  it('one flipped byte in the signature (first, middle or last) is refused: decode', () => {
    const signature = signatureBytes(token);
    for (const index of [0, signature.length >> 1, signature.length - 1]) {
      expect(reasonOf(() => verifier.verify(withSignature(token, flipByte(signature, index)), NOW))).toBe('decode');
    }
  });

  it('another payload under the same signature is refused: decode', () => {
    const [head, , signature] = token.split('.');
    const tampered = `${head}.${segment(live({ username: 'root' }))}.${signature}`;
    expect(reasonOf(() => verifier.verify(tampered, NOW))).toBe('decode');
  });

  it('a token signed with another key of the same type is refused: decode', () => {
    const input = `${segment({ alg, typ: 'JWT' })}.${segment(live())}`;
    const foreign = `${input}.${signatureOf(alg, input, true).toString('base64url')}`;
    expect(reasonOf(() => verifier.verify(foreign, NOW))).toBe('decode');
  });

  it('an empty signature is refused: decode', () => {
    expect(reasonOf(() => verifier.verify(withSignature(token, Buffer.alloc(0)), NOW))).toBe('decode');
  });

  it('a signature one byte short or one byte long is refused with a TokenRejectedError, not a crypto error', () => {
    const signature = signatureBytes(token);
    expect(reasonOf(() => verifier.verify(withSignature(token, signature.subarray(1)), NOW))).toBe('decode');
    expect(reasonOf(() => verifier.verify(withSignature(token, Buffer.concat([signature, Buffer.of(0)])), NOW))).toBe(
      'decode',
    );
  });

  it('a token signed by jsonwebtoken (what JwtAuthService.sign uses) is accepted', () => {
    const settings = resolveSettings(optionsFor(alg));
    const issued = new JwtService(jwtModuleOptions(settings)).sign(live());
    expect(new TokenVerifier(settings).verify(issued, NOW)).toEqual(live());
  });
});

describe.each(Object.keys(CURVES).map((alg) => [alg as EsAlgorithm]))('TokenVerifier: %s signature encoding', (alg) => {
  const verifier = new TokenVerifier(resolveSettings(optionsFor(alg)));
  const token = signed(alg, live());
  const input = token.split('.').slice(0, 2).join('.');

  it(`a valid signature is ${ES_SIGNATURE_BYTES[alg]} bytes (r||s)`, () => {
    expect(signatureBytes(token)).toHaveLength(ES_SIGNATURE_BYTES[alg]);
  });

  it('a DER-encoded signature of the same input (the wrong length for JWS) is refused without throwing', () => {
    const der = cryptoSign(`sha${alg.slice(2)}`, Buffer.from(input), ec[alg].privateKey);
    expect(der.length).not.toBe(ES_SIGNATURE_BYTES[alg]);
    expect(reasonOf(() => verifier.verify(withSignature(token, der), NOW))).toBe('decode');
  });

  it.each([1, 8, 200])('a signature of %i bytes is refused without throwing', (length) => {
    expect(reasonOf(() => verifier.verify(withSignature(token, Buffer.alloc(length, 1)), NOW))).toBe('decode');
  });

  it('the "psychic" all-zero signature (r = s = 0) is refused', () => {
    const zeros = Buffer.alloc(ES_SIGNATURE_BYTES[alg]);
    expect(reasonOf(() => verifier.verify(withSignature(token, zeros), NOW))).toBe('decode');
  });
});

describe("TokenVerifier: the key is the settings' prebuilt KeyObject", () => {
  it.each([
    ['HS256', 'secret'],
    ['RS256', 'public'],
    ['ES256', 'public'],
  ] as const)('%s: settings.verifyingKey is a %s KeyObject, read once at construction', (alg, type) => {
    const settings = resolveSettings(optionsFor(alg));
    expect(settings.verifyingKey).toBeInstanceOf(KeyObject);
    expect(settings.verifyingKey!.type).toBe(type);
    let reads = 0;
    const observed: JwtAuthSettings = {
      ...settings,
      get verifyingKey() {
        reads += 1;
        return settings.verifyingKey;
      },
    };
    const verifier = new TokenVerifier(observed);
    const readsAtConstruction = reads;
    expect(readsAtConstruction).toBeGreaterThan(0);
    for (const exp of [NOW + 1, NOW + 2, NOW + 3]) {
      expect(reasonOf(() => verifier.verify(signed(alg, live({ exp })), NOW))).toBe('no error');
    }
    // No per-token key lookup or re-parsing: the KeyObject taken at construction does the work.
    expect(reads).toBe(readsAtConstruction);
  });

  it('verifies with settings.verifyingKey itself (swap it and the other key wins)', () => {
    const settings = settingsWith();
    const swapped = new TokenVerifier({ ...settings, verifyingKey: createSecretKey(Buffer.from(OTHER_SECRET)) });
    const input = `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(live())}`;
    const byOther = `${input}.${signatureOf('HS256', input, true).toString('base64url')}`;
    expect(reasonOf(() => swapped.verify(byOther, NOW))).toBe('no error');
    expect(reasonOf(() => swapped.verify(hs256(live()), NOW))).toBe('decode');
  });
});

describe('TokenVerifier: the payload returned', () => {
  it('is frozen', () => {
    const payload = verifierWith().verify(hs256(live()), NOW);
    expect(Object.isFrozen(payload)).toBe(true);
    expect(() => {
      (payload as JwtPayload).username = 'root';
    }).toThrow(TypeError);
    expect(payload.username).toBe('admin');
  });

  it('is frozen all the way down: nested claims are shared through the cache too', () => {
    // The same object is handed to every request that presents the token, so a nested
    // array or object left mutable lets one request change what the next one sees.
    const verifier = verifierWith({ audience: 'api' });
    const token = hs256(live({ aud: ['api', 'web'], roles: ['reader'], profile: { team: 'a' } }));
    const first = verifier.verify(token, NOW);
    try {
      (first.roles as string[]).push('admin');
    } catch {
      // Refused (frozen): what should happen.
    }
    expect(verifier.verify(token, NOW).roles).toEqual(['reader']);
    expect(Object.isFrozen(first.aud)).toBe(true);
    expect(Object.isFrozen(first.profile)).toBe(true);
  });
});

describe('TokenVerifier: the cache of verified tokens', () => {
  it('a second verify of the same token returns the same frozen object', () => {
    const verifier = verifierWith();
    const token = hs256(live());
    const first = verifier.verify(token, NOW);
    const second = verifier.verify(token, NOW + 30);
    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('a cached token is refused once expired at the later now, and evicted', () => {
    const verifier = verifierWith();
    const token = hs256(live({ exp: NOW + 60 }));
    const first = verifier.verify(token, NOW);
    expect(verifier.verify(token, NOW + 60)).toBe(first); // exp == now: not yet expired
    expect(reasonOf(() => verifier.verify(token, NOW + 61))).toBe('expired');
    // Evicted: back at an earlier time it is verified afresh, so a new object comes back.
    const again = verifier.verify(token, NOW);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it('a cache hit still applies the leeway to exp', () => {
    const verifier = verifierWith({ leeway: 5 });
    const token = hs256(live({ exp: NOW + 60 }));
    verifier.verify(token, NOW);
    expect(reasonOf(() => verifier.verify(token, NOW + 65))).toBe('no error');
    expect(reasonOf(() => verifier.verify(token, NOW + 66))).toBe('expired');
  });

  it('a cache hit re-checks nbf against the later now', () => {
    const verifier = verifierWith();
    const token = hs256(live({ nbf: NOW }));
    verifier.verify(token, NOW);
    expect(reasonOf(() => verifier.verify(token, NOW - 1))).toBe('invalid');
  });

  it('never grows beyond its size: 5 tokens through a cache of 3 keep the last 3', () => {
    const verifier = new TokenVerifier(settingsWith(), 3);
    const tokens = [1, 2, 3, 4, 5].map((n) => hs256(live({ exp: NOW + 60 + n })));
    const payloads = tokens.map((token) => verifier.verify(token, NOW));
    // The size is private state (read through a narrow cast): behaviour alone shows which
    // tokens are kept, not that nothing else is.
    expect(cacheSizeOf(verifier)).toBe(3);
    // The three newest are hits (the same objects) ...
    for (const index of [2, 3, 4]) expect(verifier.verify(tokens[index], NOW)).toBe(payloads[index]);
    // ... the two oldest were evicted and are verified afresh.
    for (const index of [0, 1]) {
      const again = verifier.verify(tokens[index], NOW);
      expect(again).toEqual(payloads[index]);
      expect(again).not.toBe(payloads[index]);
    }
    expect(cacheSizeOf(verifier)).toBe(3);
  });

  it('a size of 0 caches nothing', () => {
    const verifier = new TokenVerifier(settingsWith(), 0);
    const token = hs256(live());
    const first = verifier.verify(token, NOW);
    expect(verifier.verify(token, NOW)).not.toBe(first);
    expect(cacheSizeOf(verifier)).toBe(0);
  });

  it('failures are never cached: a bad token is refused twice', () => {
    const verifier = verifierWith();
    const bad = withSignature(hs256(live()), Buffer.alloc(32));
    expect(reasonOf(() => verifier.verify(bad, NOW))).toBe('decode');
    expect(reasonOf(() => verifier.verify(bad, NOW))).toBe('decode');
    expect(cacheSizeOf(verifier)).toBe(0);
  });

  it('failures are never cached: a token refused as not yet valid is accepted once valid', () => {
    const verifier = verifierWith();
    const token = hs256(live({ nbf: NOW + 30 }));
    expect(reasonOf(() => verifier.verify(token, NOW))).toBe('invalid');
    expect(reasonOf(() => verifier.verify(token, NOW + 30))).toBe('no error');
  });

  it('the cache belongs to one verifier: a token cached under one audience is still refused under another', () => {
    const token = hs256(live({ aud: 'api' }));
    const withAudience = verifierWith({ audience: 'api' });
    expect(reasonOf(() => withAudience.verify(token, NOW))).toBe('no error');
    expect(reasonOf(() => verifierWith({ audience: 'web' }).verify(token, NOW))).toBe('invalid');
  });
});

describe('isFiniteNumber', () => {
  it('is true for finite numbers only', () => {
    expect([1, 0, -1.5].map(isFiniteNumber)).toEqual([true, true, true]);
    expect([Infinity, -Infinity, NaN, '1', null, undefined].map(isFiniteNumber)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('TokenVerifier: the parsed-header cache', () => {
  /** Known header segments: private state, read through a narrow cast (no public accessor exists). */
  const headersOf = (verifier: TokenVerifier) => (verifier as unknown as { headers: Map<string, unknown> }).headers;

  it('keeps only headers of verified tokens, so forged ones cannot crowd the genuine one out', () => {
    const verifier = verifierWith();
    for (let i = 0; i < 20; i++) {
      const forged = hs256(live(), { alg: 'HS256', typ: 'JWT', n: i }, Buffer.alloc(32, i));
      expect(reasonOf(() => verifier.verify(forged, NOW))).toBe('decode');
    }
    expect(headersOf(verifier).size).toBe(0);
    expect(reasonOf(() => verifier.verify(hs256(live()), NOW))).toBe('no error');
    expect([...headersOf(verifier).keys()]).toEqual([hs256(live()).split('.')[0]]);
  });

  it('gives a known header the same answers as a new one', () => {
    const verifier = verifierWith();
    expect(reasonOf(() => verifier.verify(hs256(live()), NOW))).toBe('no error');
    expect(reasonOf(() => verifier.verify(hs256(live({ exp: NOW - 10 })), NOW))).toBe('expired');
    expect(reasonOf(() => verifier.verify(hs256(live(), undefined, Buffer.alloc(32)), NOW))).toBe('decode');
  });
});
