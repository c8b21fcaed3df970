import { describe, expect, it } from '@jest/globals';
import { decodeDjangoHash, encodeDjangoHash } from '../../lib/passwords/django-hash-format.js';

const HASH32 = 'A'.repeat(43) + '=';

describe('decodeDjangoHash / encodeDjangoHash', () => {
  it('reads pbkdf2_sha256$<iterations>$<salt>$<hash> and writes it back unchanged', () => {
    const encoded = `pbkdf2_sha256$1200000$aB3dE5gH7jK9mN1pQ3sT5v$${HASH32}`;
    const decoded = decodeDjangoHash(encoded);
    expect(decoded).toEqual({
      algorithm: 'pbkdf2_sha256',
      iterations: 1_200_000,
      salt: 'aB3dE5gH7jK9mN1pQ3sT5v',
      hash: HASH32,
    });
    expect(decoded && encodeDjangoHash(decoded)).toBe(encoded);
  });

  it('reads pbkdf2_sha1 the same way', () => {
    expect(decodeDjangoHash('pbkdf2_sha1$1000$seasalt$abc=')).toEqual({
      algorithm: 'pbkdf2_sha1',
      iterations: 1000,
      salt: 'seasalt',
      hash: 'abc=',
    });
  });

  it("reads scrypt$<N>$<salt>$<r>$<p>$<hash> (Django's field order) and writes it back unchanged", () => {
    const encoded = 'scrypt$16384$seasalt$8$5$aGFzaA==';
    const decoded = decodeDjangoHash(encoded);
    expect(decoded).toEqual({ algorithm: 'scrypt', N: 16384, salt: 'seasalt', r: 8, p: 5, hash: 'aGFzaA==' });
    expect(decoded && encodeDjangoHash(decoded)).toBe(encoded);
  });

  it.each([
    ['empty', ''],
    ['plain text', 'abc123'],
    ['an unusable password', '!Uz8LJ4MVz1UJSkNfMWBWRsKIOXwoFvfWIKmF2Ge3'],
    ['argon2', 'argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$aGFzaA'],
    ['bcrypt_sha256', 'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuVWXYZ0123456789abcdefghijklmno'],
    ['md5', 'md5$seasalt$0123456789abcdef0123456789abcdef'],
    ['pbkdf2_sha512 (not a Django hasher)', 'pbkdf2_sha512$1000$seasalt$aGFzaA=='],
    ['upper-case algorithm', 'PBKDF2_SHA256$1000$seasalt$aGFzaA=='],
    ['the algorithm alone', 'pbkdf2_sha256'],
    ['a missing hash field', 'pbkdf2_sha256$1000$seasalt'],
    ['an extra field', 'pbkdf2_sha256$1000$seasalt$aGFzaA==$more'],
    ['empty iterations', 'pbkdf2_sha256$$seasalt$aGFzaA=='],
    ['zero iterations', 'pbkdf2_sha256$0$seasalt$aGFzaA=='],
    ['negative iterations', 'pbkdf2_sha256$-1000$seasalt$aGFzaA=='],
    ['a leading zero', 'pbkdf2_sha256$01000$seasalt$aGFzaA=='],
    ['a plus sign', 'pbkdf2_sha256$+1000$seasalt$aGFzaA=='],
    ['an exponent', 'pbkdf2_sha256$1e3$seasalt$aGFzaA=='],
    ['a space', 'pbkdf2_sha256$ 1000$seasalt$aGFzaA=='],
    ['an underscore (Python int() reads it)', 'pbkdf2_sha256$1_000$seasalt$aGFzaA=='],
    ['an empty salt', 'pbkdf2_sha256$1000$$aGFzaA=='],
    ['an empty hash', 'pbkdf2_sha256$1000$seasalt$'],
    ['scrypt with N not a power of two', 'scrypt$1000$seasalt$8$1$aGFzaA=='],
    ['scrypt with r = 0', 'scrypt$16384$seasalt$0$1$aGFzaA=='],
    ['scrypt with p = 0', 'scrypt$16384$seasalt$8$0$aGFzaA=='],
    ['scrypt with a field missing', 'scrypt$16384$seasalt$8$aGFzaA=='],
    ["the sample app's scrypt$N$r$p$salt$hash order", 'scrypt$16384$8$1$c2FsdA==$aGFzaA=='],
  ])('refuses %s', (_case, encoded) => {
    expect(decodeDjangoHash(encoded)).toBeUndefined();
  });

  it.each([null, undefined, 42, {}])('refuses a value that is not a string (%p)', (value) => {
    expect(decodeDjangoHash(value)).toBeUndefined();
  });

  describe('bounds, so a crafted hash cannot hang the server', () => {
    it('iterations: 10,000,000 is read, 10,000,001 is not', () => {
      expect(decodeDjangoHash('pbkdf2_sha256$10000000$seasalt$aGFzaA==')).toMatchObject({ iterations: 10_000_000 });
      expect(decodeDjangoHash('pbkdf2_sha256$10000001$seasalt$aGFzaA==')).toBeUndefined();
      expect(decodeDjangoHash('pbkdf2_sha256$99999999999$seasalt$aGFzaA==')).toBeUndefined();
    });

    it('scrypt: N up to 2^20, at most 128 MiB, N * r * p at most 2^22, r and p up to 32', () => {
      expect(decodeDjangoHash('scrypt$524288$seasalt$2$1$aGFzaA==')).toMatchObject({ N: 2 ** 19, r: 2 });
      expect(decodeDjangoHash('scrypt$2097152$seasalt$1$1$aGFzaA==')).toBeUndefined(); // N = 2^21
      expect(decodeDjangoHash('scrypt$1048576$seasalt$2$1$aGFzaA==')).toBeUndefined(); // 256 MiB
      expect(decodeDjangoHash('scrypt$1048576$seasalt$8$1$aGFzaA==')).toBeUndefined(); // 1 GiB
      expect(decodeDjangoHash('scrypt$32768$seasalt$8$32$aGFzaA==')).toBeUndefined(); // N * r * p = 2^23
      expect(decodeDjangoHash('scrypt$16384$seasalt$33$1$aGFzaA==')).toBeUndefined();
      expect(decodeDjangoHash('scrypt$16384$seasalt$8$33$aGFzaA==')).toBeUndefined();
    });
  });
});
