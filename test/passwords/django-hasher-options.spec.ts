import { describe, expect, it } from '@jest/globals';
import {
  configuredParams,
  DJANGO_PBKDF2_ITERATIONS,
  DJANGO_SCRYPT_PARAMS,
  type DjangoHashAlgorithm,
  type DjangoHasherOptions,
  isAllowedIterations,
  isAllowedScrypt,
  resolveHasherOptions,
} from '../../lib/passwords/django-hasher-options.js';

describe('hasher options', () => {
  it("defaults to Django 6.0's: pbkdf2_sha256, 1,200,000 iterations, scrypt N=2^14 r=8 p=5", () => {
    expect(resolveHasherOptions()).toEqual({
      algorithm: 'pbkdf2_sha256',
      iterations: 1_200_000,
      scrypt: { N: 16384, r: 8, p: 5 },
    });
    expect([DJANGO_PBKDF2_ITERATIONS, DJANGO_SCRYPT_PARAMS]).toEqual([1_200_000, { N: 16384, r: 8, p: 5 }]);
  });

  it('fills in the scrypt parameters left out', () => {
    expect(resolveHasherOptions({ algorithm: 'scrypt', scrypt: { N: 2 ** 15 } }).scrypt).toEqual({
      N: 32768,
      r: 8,
      p: 5,
    });
  });

  it('gives the parameters of new hashes for each algorithm', () => {
    expect(configuredParams(resolveHasherOptions({ iterations: 5 }))).toEqual({
      algorithm: 'pbkdf2_sha256',
      iterations: 5,
    });
    expect(configuredParams(resolveHasherOptions({ algorithm: 'pbkdf2_sha1' }))).toEqual({
      algorithm: 'pbkdf2_sha1',
      iterations: 1_200_000,
    });
    expect(configuredParams(resolveHasherOptions({ algorithm: 'scrypt' }))).toEqual({
      algorithm: 'scrypt',
      N: 16384,
      r: 8,
      p: 5,
    });
  });

  it.each<[string, DjangoHasherOptions, RegExp]>([
    ['an unknown algorithm', { algorithm: 'argon2' as unknown as DjangoHashAlgorithm }, /algorithm must be one of/],
    ['zero iterations', { iterations: 0 }, /iterations must be an integer from 1 to 10000000 \(got 0\)/],
    ['fractional iterations', { iterations: 1.5 }, /iterations/],
    ['NaN iterations', { iterations: NaN }, /iterations/],
    ['more than 10,000,000 iterations', { iterations: 10_000_001 }, /iterations/],
    ['N not a power of two', { scrypt: { N: 1000 } }, /scrypt parameters out of bounds .*N=1000/],
    ['N above 2^20', { scrypt: { N: 2 ** 21, r: 1, p: 1 } }, /scrypt/],
    ['r = 0', { scrypt: { r: 0 } }, /scrypt/],
    ['p = 33', { scrypt: { N: 2, r: 1, p: 33 } }, /scrypt/],
    ['N >= 2^(16 r), which scrypt forbids', { scrypt: { N: 2 ** 16, r: 1, p: 1 } }, /scrypt/],
    ['more than 128 MiB', { scrypt: { N: 2 ** 18, r: 8, p: 1 } }, /scrypt/],
    ['N * r * p above 2^22', { scrypt: { N: 2 ** 15, r: 8, p: 32 } }, /scrypt/],
  ])('refuses %s with a RangeError that says why', (_case, options, message) => {
    expect(() => resolveHasherOptions(options)).toThrow(RangeError);
    expect(() => resolveHasherOptions(options)).toThrow(message);
  });

  it('accepts the bounds themselves', () => {
    expect(isAllowedIterations(1)).toBe(true);
    expect(isAllowedIterations(10_000_000)).toBe(true);
    expect(isAllowedScrypt({ N: 2 ** 17, r: 8, p: 1 })).toBe(true); // OWASP's largest, 128 MiB
    expect(isAllowedScrypt({ N: 2 ** 14, r: 8, p: 32 })).toBe(true); // N * r * p = 2^22
    expect(isAllowedScrypt({ N: 2 ** 15, r: 1, p: 1 })).toBe(true); // N < 2^16 for r = 1
  });
});
