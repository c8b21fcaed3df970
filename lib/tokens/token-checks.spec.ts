import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { JwtAuthModuleOptions } from '../settings/jwt-auth-options.interface.js';
import { resolveSettings } from '../settings/jwt-auth-settings.js';
import { checkClaims, checkTokenShape, classifyVerifyError, isFiniteNumber } from './token-checks.js';
import { TokenRejectedError, type TokenRejection } from './token-error.js';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';
const settingsWith = (options: Partial<JwtAuthModuleOptions> = {}) =>
  resolveSettings({ secretKey: SECRET, ...options });
const settings = settingsWith();
const now = () => Math.floor(Date.now() / 1000);

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token from raw header and payload segments, HMAC-signed with SECRET (or `signature`). */
function token(header: unknown, payload: unknown, signature?: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signature ?? createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}
const HS256 = { alg: 'HS256', typ: 'JWT' };

/** The reason of the TokenRejectedError `action` throws. */
function reasonOf(action: () => unknown): TokenRejection | 'no error' {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRejectedError);
    return (error as TokenRejectedError).reason;
  }
  return 'no error';
}

/** What jsonwebtoken itself (through @nestjs/jwt) throws for this token. */
function jsonwebtokenError(raw: string, verifyOptions: object = {}): unknown {
  const service = new JwtService({ secret: SECRET, verifyOptions: { algorithms: ['HS256'], ...verifyOptions } });
  try {
    service.verify(raw);
  } catch (error) {
    return error;
  }
  throw new Error('jsonwebtoken accepted the token');
}

describe('checkTokenShape (PyJWT order: before the signature)', () => {
  it('passes a well-formed HS256 token (the signature is not its business)', () => {
    expect(reasonOf(() => checkTokenShape(token(HS256, { username: 'a' }, 'not-the-signature'), settings))).toBe(
      'no error',
    );
  });

  it.each([undefined, null, 42, {}])('a token that is not a string (%p): decode', (value) => {
    expect(reasonOf(() => checkTokenShape(value, settings))).toBe('decode');
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', '...'])('%j (not three base64url JSON segments): decode', (value) => {
    expect(reasonOf(() => checkTokenShape(value, settings))).toBe('decode');
  });

  it('characters outside base64url (+, /, =): decode', () => {
    const [head, body, signature] = token(HS256, { a: 1 }).split('.');
    expect(reasonOf(() => checkTokenShape(`${head}.${body}=.${signature}`, settings))).toBe('decode');
    expect(reasonOf(() => checkTokenShape(`${head}+.${body}.${signature}`, settings))).toBe('decode');
  });

  it('a header that is not JSON: decode', () => {
    expect(reasonOf(() => checkTokenShape(token('{alg', { a: 1 }), settings))).toBe('decode');
  });

  it.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"admin"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
  ])('a payload that is %s: decode', (_label, payload) => {
    expect(reasonOf(() => checkTokenShape(token(HS256, payload), settings))).toBe('decode');
  });

  it('a header that is a JSON array: decode', () => {
    expect(reasonOf(() => checkTokenShape(token([1], { a: 1 }), settings))).toBe('decode');
  });

  it.each([
    ['"none"', { alg: 'none' }],
    ['"HS512" when HS256 is configured', { alg: 'HS512' }],
    ['"RS256" when HS256 is configured', { alg: 'RS256' }],
    ['"hs256" (case matters)', { alg: 'hs256' }],
    ['missing', { typ: 'JWT' }],
  ])('alg %s: invalid', (_label, header) => {
    expect(reasonOf(() => checkTokenShape(token(header, { a: 1 }), settings))).toBe('invalid');
  });

  it('decode errors come before the algorithm check (alg none with a non-JSON payload: decode)', () => {
    expect(reasonOf(() => checkTokenShape(token({ alg: 'none' }, 'not json'), settings))).toBe('decode');
  });
});

describe('checkClaims (after the signature)', () => {
  it('passes a payload with a finite exp, a numeric iat and no aud', () => {
    expect(reasonOf(() => checkClaims({ username: 'a', exp: now() + 60, iat: now() }, settings))).toBe('no error');
  });

  it('no exp: invalid (requireExpiration defaults to true)', () => {
    expect(reasonOf(() => checkClaims({ username: 'a' }, settings))).toBe('invalid');
  });

  it('no exp with requireExpiration: false: accepted', () => {
    expect(reasonOf(() => checkClaims({ username: 'a' }, settingsWith({ requireExpiration: false })))).toBe('no error');
  });

  it.each([
    ['a string', '123'],
    ['Infinity (1e400 in JSON)', Infinity],
    ['null', null],
    ['an object', {}],
  ])('exp that is %s: decode', (_label, exp) => {
    expect(reasonOf(() => checkClaims({ username: 'a', exp: exp as number }, settings))).toBe('decode');
  });

  it('exp that is not finite is refused even with verifyExpiration: false', () => {
    expect(
      reasonOf(() => checkClaims({ username: 'a', exp: Infinity }, settingsWith({ verifyExpiration: false }))),
    ).toBe('decode');
  });

  it('nbf that is not a number: decode', () => {
    expect(reasonOf(() => checkClaims({ username: 'a', exp: now() + 60, nbf: 'soon' }, settings))).toBe('decode');
  });

  it('iat that is not a number: invalid', () => {
    expect(
      reasonOf(() => checkClaims({ username: 'a', exp: now() + 60, iat: 'x' as unknown as number }, settings)),
    ).toBe('invalid');
  });

  it('aud present when no audience is configured: invalid', () => {
    expect(reasonOf(() => checkClaims({ username: 'a', exp: now() + 60, aud: 'api' }, settings))).toBe('invalid');
  });

  it('aud present when an audience is configured: left to jsonwebtoken (accepted here)', () => {
    expect(
      reasonOf(() => checkClaims({ username: 'a', exp: now() + 60, aud: 'api' }, settingsWith({ audience: 'api' }))),
    ).toBe('no error');
  });
});

describe('classifyVerifyError (jsonwebtoken errors into the reference families)', () => {
  it('a TokenRejectedError keeps its reason', () => {
    expect(classifyVerifyError(new TokenRejectedError('payload'))).toBe('payload');
    expect(classifyVerifyError(new TokenRejectedError('user_inactive'))).toBe('user_inactive');
  });

  it('jsonwebtoken: expired token ("jwt expired"): expired', () => {
    expect(classifyVerifyError(jsonwebtokenError(token(HS256, { exp: now() - 10 })))).toBe('expired');
  });

  it('jsonwebtoken: nbf in the future ("jwt not active"): invalid', () => {
    expect(classifyVerifyError(jsonwebtokenError(token(HS256, { nbf: now() + 600 })))).toBe('invalid');
  });

  it('jsonwebtoken: wrong audience: invalid', () => {
    expect(classifyVerifyError(jsonwebtokenError(token(HS256, { aud: 'other' }), { audience: 'api' }))).toBe('invalid');
  });

  it('jsonwebtoken: missing audience: invalid', () => {
    expect(classifyVerifyError(jsonwebtokenError(token(HS256, { a: 1 }), { audience: 'api' }))).toBe('invalid');
  });

  it('jsonwebtoken: wrong issuer: invalid', () => {
    expect(classifyVerifyError(jsonwebtokenError(token(HS256, { iss: 'other' }), { issuer: 'me' }))).toBe('invalid');
  });

  it('jsonwebtoken: algorithm not allowed ("invalid algorithm"): invalid', () => {
    expect(classifyVerifyError(jsonwebtokenError(token({ alg: 'HS512', typ: 'JWT' }, { a: 1 })))).toBe('invalid');
  });

  it('jsonwebtoken: "jwt signature is required" (an empty signature): decode', () => {
    // PyJWT finds an empty signature wrong (InvalidSignatureError, a DecodeError). An unsigned
    // alg "none" token never gets this far: checkTokenShape refuses its alg first (see above).
    expect(classifyVerifyError(jsonwebtokenError(token(HS256, { a: 1 }, '')))).toBe('decode');
  });

  it('jsonwebtoken: wrong signature ("invalid signature"): decode', () => {
    expect(
      classifyVerifyError(jsonwebtokenError(token(HS256, { a: 1 }, createHmac('sha256', 'k').digest('base64url')))),
    ).toBe('decode');
  });

  it('jsonwebtoken: "jwt malformed": decode', () => {
    expect(classifyVerifyError(jsonwebtokenError('abc'))).toBe('decode');
  });

  it('jsonwebtoken: a payload that is not JSON (a bare SyntaxError): decode', () => {
    const error = jsonwebtokenError(token(HS256, 'not json'));
    expect((error as Error).name).toBe('SyntaxError');
    expect(classifyVerifyError(error)).toBe('decode');
  });

  it('jsonwebtoken: "invalid exp value" (exp a string): decode', () => {
    expect(classifyVerifyError(jsonwebtokenError(token(HS256, { exp: '1' })))).toBe('decode');
  });

  it.each([null, undefined, 'boom', 42, {}, new Error('database down')])('anything else (%p): decode', (error) => {
    expect(classifyVerifyError(error)).toBe('decode');
  });
});

describe('isFiniteNumber', () => {
  it('is true for finite numbers only', () => {
    expect([1, 0, -1.5].map(isFiniteNumber)).toEqual([true, true, true]);
    expect([Infinity, NaN, '1', null, undefined].map(isFiniteNumber)).toEqual([false, false, false, false, false]);
  });
});
