import { describe, expect, it } from '@jest/globals';
import { CREDENTIALS_WITH_SPACES, NO_CREDENTIALS } from '../../lib/common/messages.js';
import { parseAuthorizationHeader } from '../../lib/guards/authorization-header.js';

describe('parseAuthorizationHeader', () => {
  it('the messages are the reference texts, byte for byte', () => {
    expect(NO_CREDENTIALS).toBe('Invalid Authorization header. No credentials provided.');
    expect(CREDENTIALS_WITH_SPACES).toBe('Invalid Authorization header. Credentials string should not contain spaces.');
  });

  it('an absent header (undefined) is absent', () => {
    expect(parseAuthorizationHeader(undefined, 'JWT')).toEqual({ kind: 'absent' });
  });

  it('an empty header is absent', () => {
    expect(parseAuthorizationHeader('', 'JWT')).toEqual({ kind: 'absent' });
  });

  it('a header of whitespace only is absent', () => {
    expect(parseAuthorizationHeader(' \t  ', 'JWT')).toEqual({ kind: 'absent' });
  });

  it('a value that is not a string (number, object) is absent', () => {
    expect(parseAuthorizationHeader(42, 'JWT')).toEqual({ kind: 'absent' });
    expect(parseAuthorizationHeader({ token: 'x' }, 'JWT')).toEqual({ kind: 'absent' });
  });

  it('another scheme is absent (not ours): "Bearer abc" with prefix JWT', () => {
    expect(parseAuthorizationHeader('Bearer abc', 'JWT')).toEqual({ kind: 'absent' });
  });

  it('another scheme is absent even when malformed for ours: "Bearer a b"', () => {
    expect(parseAuthorizationHeader('Bearer a b', 'JWT')).toEqual({ kind: 'absent' });
  });

  it('a scheme that only starts with the prefix is absent: "JWTabc"', () => {
    expect(parseAuthorizationHeader('JWTabc', 'JWT')).toEqual({ kind: 'absent' });
  });

  it('"JWT abc" gives the token', () => {
    expect(parseAuthorizationHeader('JWT abc', 'JWT')).toEqual({ kind: 'token', token: 'abc' });
  });

  it('compares the prefix case-insensitively ("jwt", "JwT", and a lower-case configured prefix)', () => {
    expect(parseAuthorizationHeader('jwt abc', 'JWT')).toEqual({ kind: 'token', token: 'abc' });
    expect(parseAuthorizationHeader('JwT abc', 'JWT')).toEqual({ kind: 'token', token: 'abc' });
    expect(parseAuthorizationHeader('BEARER abc', 'bearer')).toEqual({ kind: 'token', token: 'abc' });
  });

  it('keeps the token exactly as sent (case is not changed)', () => {
    expect(parseAuthorizationHeader('JWT AbC.dEf.GhI', 'JWT')).toEqual({ kind: 'token', token: 'AbC.dEf.GhI' });
  });

  it('splits on runs of whitespace: spaces, tabs, and leading/trailing whitespace', () => {
    expect(parseAuthorizationHeader('JWT    abc', 'JWT')).toEqual({ kind: 'token', token: 'abc' });
    expect(parseAuthorizationHeader('JWT\tabc', 'JWT')).toEqual({ kind: 'token', token: 'abc' });
    expect(parseAuthorizationHeader('  JWT \t abc  ', 'JWT')).toEqual({ kind: 'token', token: 'abc' });
  });

  it('the prefix alone: no credentials provided', () => {
    expect(parseAuthorizationHeader('JWT', 'JWT')).toEqual({ kind: 'invalid', message: NO_CREDENTIALS });
    expect(parseAuthorizationHeader('JWT   ', 'JWT')).toEqual({ kind: 'invalid', message: NO_CREDENTIALS });
  });

  it('three parts or more: credentials string should not contain spaces', () => {
    expect(parseAuthorizationHeader('JWT a b', 'JWT')).toEqual({ kind: 'invalid', message: CREDENTIALS_WITH_SPACES });
    expect(parseAuthorizationHeader('JWT a\tb c', 'JWT')).toEqual({
      kind: 'invalid',
      message: CREDENTIALS_WITH_SPACES,
    });
  });

  it('duplicate headers (an array) are refused, not guessed between', () => {
    expect(parseAuthorizationHeader(['JWT a', 'JWT b'], 'JWT')).toEqual({
      kind: 'invalid',
      message: CREDENTIALS_WITH_SPACES,
    });
  });

  it('reads every value as splitting on runs of whitespace does (the one-space shortcut changes nothing)', () => {
    // The reference reading, without the shortcut: upstream's `auth = get_authorization_header(request).split()`.
    const bySplitting = (value: string, prefix: string | readonly string[]) => {
      const parts = value.split(/\s+/).filter((part) => part !== '');
      const schemes = (typeof prefix === 'string' ? [prefix] : prefix).map((p) => p.toLowerCase());
      if (parts.length === 0 || !schemes.includes(parts[0].toLowerCase())) return { kind: 'absent' };
      if (parts.length === 1) return { kind: 'invalid', message: NO_CREDENTIALS };
      if (parts.length > 2) return { kind: 'invalid', message: CREDENTIALS_WITH_SPACES };
      return { kind: 'token', token: parts[1] };
    };
    const pieces = ['JWT', 'jwt', 'Bearer', 'abc', 'a.b.c', ' ', '  ', '\t', '\u00a0', '\u2003', '\n', ''];
    let compared = 0;
    for (const a of pieces) {
      for (const b of pieces) {
        for (const c of pieces) {
          for (const prefix of ['JWT', ['Bearer', 'JWT']] as const) {
            const value = a + b + c;
            expect([value, parseAuthorizationHeader(value, prefix)]).toEqual([value, bySplitting(value, prefix)]);
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(2 * pieces.length ** 3);
  });
});
