import { beforeEach, describe, expect, it } from '@jest/globals';
// First: it records node:crypto's key derivations for the modules imported after it.
import { derivations, type KeyDerivation } from '../support/key-derivations.js';
import type { DjangoHasherOptions } from '../../lib/passwords/django-hasher-options.js';

const { hashPassword, verifyAgainstDummyHash, verifyPassword } =
  await import('../../lib/passwords/password-hashing.js');

/** Cheap parameters for the tests that are not about the cost. */
const FAST: DjangoHasherOptions = { iterations: 1000 };
const FAST_SCRYPT: DjangoHasherOptions = { algorithm: 'scrypt', scrypt: { N: 1024, r: 8, p: 1 } };
const SALT = 'aB3dE5gH7jK9mN1pQ3sT5v';
const OK = { valid: true, needsUpgrade: false };
const INVALID = { valid: false, needsUpgrade: false };

/** One finished PBKDF2 derivation of a 22-character salt (Django's length, and the dummy hash's). */
const pbkdf2 = (digest: 'sha256' | 'sha1', iterations: number): KeyDerivation => ({
  function: 'pbkdf2',
  digest,
  iterations,
  keyLength: digest === 'sha256' ? 32 : 20,
  saltLength: 22,
  outcome: 'key',
});

beforeEach(() => derivations.reset());

describe('hashPassword', () => {
  it("makes Django 6.0's default: pbkdf2_sha256$1200000$<22-character salt>$<32 bytes, base64>", async () => {
    const encoded = await hashPassword('abc123');
    expect(encoded).toMatch(/^pbkdf2_sha256\$1200000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
  });

  it('makes pbkdf2_sha1 (20 bytes) and scrypt (64 bytes) on request', async () => {
    await expect(hashPassword('abc123', { algorithm: 'pbkdf2_sha1', iterations: 1000 })).resolves.toMatch(
      /^pbkdf2_sha1\$1000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{27}=$/,
    );
    await expect(hashPassword('abc123', { algorithm: 'scrypt' })).resolves.toMatch(
      /^scrypt\$16384\$[A-Za-z0-9]{22}\$8\$5\$[A-Za-z0-9+/]{86}==$/,
    );
  });

  it('uses a new salt each time, and the given one when asked', async () => {
    const [first, second] = await Promise.all([hashPassword('abc123', FAST), hashPassword('abc123', FAST)]);
    expect(first).not.toBe(second);
    const salted = await hashPassword('abc123', { ...FAST, salt: SALT });
    expect(salted.split('$')[2]).toBe(SALT);
    await expect(hashPassword('abc123', { ...FAST, salt: SALT })).resolves.toBe(salted);
  });

  it.each([
    ['an empty salt', { ...FAST, salt: '' }],
    ['a salt with $', { ...FAST, salt: 'a$b' }],
    ['zero iterations', { iterations: 0 }],
    ['N not a power of two', { algorithm: 'scrypt' as const, scrypt: { N: 1000 } }],
  ])('rejects %s (a programming error) with a RangeError', async (_case, options) => {
    await expect(hashPassword('abc123', options)).rejects.toThrow(RangeError);
  });

  it('does not block the event loop while it hashes (1,200,000 iterations)', async () => {
    const events: string[] = [];
    derivations.hold();
    const hashing = hashPassword('abc123').then(() => events.push('hashed'));
    // The derivation went to libuv's thread pool (the callback form, not pbkdf2Sync)...
    expect(derivations.running).toBe(1);
    // ...and while it is unfinished for its caller, timers and I/O callbacks run. A Sync form
    // would have finished the hash before any of them.
    await new Promise((resolve) => setImmediate(resolve));
    events.push('setImmediate');
    await new Promise((resolve) => setTimeout(resolve, 5));
    events.push('setTimeout');
    expect(derivations.running).toBe(1);
    derivations.release();
    await hashing;
    expect(events).toEqual(['setImmediate', 'setTimeout', 'hashed']);
    expect(derivations.take()).toEqual([pbkdf2('sha256', 1_200_000)]);
    expect(derivations.blocking).toEqual([]);
  });
});

describe('verifyPassword', () => {
  it.each([
    ['pbkdf2_sha256', FAST],
    ['pbkdf2_sha1', { ...FAST, algorithm: 'pbkdf2_sha1' as const }],
    ['scrypt', FAST_SCRYPT],
  ])('round trip: %s', async (_name, options) => {
    const encoded = await hashPassword('correct horse', options);
    await expect(verifyPassword('correct horse', encoded, options)).resolves.toEqual(OK);
  });

  it.each([
    ['pbkdf2_sha256', FAST],
    ['pbkdf2_sha1', { ...FAST, algorithm: 'pbkdf2_sha1' as const }],
    ['scrypt', FAST_SCRYPT],
  ])('a wrong password is not valid (%s), compared exactly as sent', async (_name, options) => {
    const encoded = await hashPassword('correct horse', options);
    for (const wrong of ['correct horsf', 'correct horse ', ' correct horse', 'Correct horse', '', 'correct']) {
      await expect(verifyPassword(wrong, encoded, options)).resolves.toEqual(INVALID);
    }
  });

  it('any change to the stored fields makes it invalid', async () => {
    const encoded = await hashPassword('pw', { ...FAST, salt: SALT });
    const [algorithm, , salt, hash] = encoded.split('$');
    for (const changed of [
      `${algorithm}$1001$${salt}$${hash}`,
      `${algorithm}$1000$${salt}x$${hash}`,
      `pbkdf2_sha1$1000$${salt}$${hash}`,
      `${algorithm}$1000$${salt}$${hash.replace(/=$/, '')}`, // unpadded: Django compares the strings
      `${algorithm}$1000$${salt}$${hash.slice(0, -2)}A=`,
    ]) {
      await expect(verifyPassword('pw', changed, FAST)).resolves.toEqual(INVALID);
    }
  });

  it.each([
    ['empty', ''],
    ['plain text', 'pw'],
    ['an unusable password', '!Uz8LJ4MVz1UJSkNfMWBWRsKIOXwoFvfWIKmF2Ge3'],
    ['argon2', 'argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$aGFzaA'],
    ['bcrypt_sha256', 'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuVWXYZ0123456789abcdefghijklmno'],
    ['a pbkdf2 hash missing a field', 'pbkdf2_sha256$1000$seasalt'],
    ['bad iterations', 'pbkdf2_sha256$abc$seasalt$aGFzaA=='],
    ['scrypt with N not a power of two', 'scrypt$1000$seasalt$8$1$aGFzaA=='],
    ['garbage', '$$$$$$'],
  ])('a stored value it does not read is not valid, and does not throw (%s)', async (_case, encoded) => {
    await expect(verifyPassword('pw', encoded, FAST)).resolves.toEqual(INVALID);
  });

  it.each([null, undefined, 42])('a stored value that is not a string is not valid (%p)', async (encoded) => {
    await expect(verifyPassword('pw', encoded as unknown as string, FAST)).resolves.toEqual(INVALID);
  });

  it('a password that is not a string (a JavaScript caller) is not valid, and does not throw', async () => {
    const encoded = await hashPassword('pw', FAST);
    await expect(verifyPassword(undefined as unknown as string, encoded, FAST)).resolves.toEqual(INVALID);
    await expect(verifyPassword({} as unknown as string, 'garbage', FAST)).resolves.toEqual(INVALID);
  });

  it('refuses hashes beyond the bounds at once, without running them', async () => {
    // 99,999,999 iterations would take about half a minute; 2^21 * 8 * 1 scrypt 2 GiB.
    await expect(verifyPassword('pw', 'pbkdf2_sha256$99999999$seasalt$aGFzaA==', FAST)).resolves.toEqual(INVALID);
    await expect(verifyPassword('pw', 'scrypt$2097152$seasalt$8$1$aGFzaA==', FAST)).resolves.toEqual(INVALID);
    await expect(verifyPassword('pw', 'pbkdf2_sha256$10000001$seasalt$aGFzaA==', FAST)).resolves.toEqual(INVALID);
    // Each cost one dummy verification at the configured cost, and nothing more.
    const dummy = pbkdf2('sha256', 1000);
    expect(derivations.take()).toEqual([dummy, dummy, dummy]);
  });

  describe('needsUpgrade: the hash is weaker than what the options make', () => {
    it('fewer iterations than configured: upgrade; as many or more: no (never a downgrade)', async () => {
      const encoded = await hashPassword('pw', FAST);
      await expect(verifyPassword('pw', encoded, { iterations: 2000 })).resolves.toEqual({
        valid: true,
        needsUpgrade: true,
      });
      await expect(verifyPassword('pw', encoded, { iterations: 1000 })).resolves.toEqual(OK);
      await expect(verifyPassword('pw', encoded, { iterations: 500 })).resolves.toEqual(OK);
    });

    it('another algorithm than configured: upgrade', async () => {
      const sha1 = await hashPassword('pw', { ...FAST, algorithm: 'pbkdf2_sha1' });
      await expect(verifyPassword('pw', sha1, FAST)).resolves.toEqual({ valid: true, needsUpgrade: true });
      const sha256 = await hashPassword('pw', FAST);
      await expect(verifyPassword('pw', sha256, FAST_SCRYPT)).resolves.toEqual({ valid: true, needsUpgrade: true });
      const scrypt = await hashPassword('pw', FAST_SCRYPT);
      await expect(verifyPassword('pw', scrypt, FAST)).resolves.toEqual({ valid: true, needsUpgrade: true });
    });

    it('scrypt with a smaller N, r or p than configured: upgrade; larger: no', async () => {
      const encoded = await hashPassword('pw', { algorithm: 'scrypt', scrypt: { N: 1024, r: 4, p: 2 } });
      const configured = (N: number, r: number, p: number): DjangoHasherOptions => ({
        algorithm: 'scrypt',
        scrypt: { N, r, p },
      });
      await expect(verifyPassword('pw', encoded, configured(1024, 4, 2))).resolves.toEqual(OK);
      await expect(verifyPassword('pw', encoded, configured(2048, 4, 2))).resolves.toMatchObject({
        needsUpgrade: true,
      });
      await expect(verifyPassword('pw', encoded, configured(1024, 8, 2))).resolves.toMatchObject({
        needsUpgrade: true,
      });
      await expect(verifyPassword('pw', encoded, configured(1024, 4, 3))).resolves.toMatchObject({
        needsUpgrade: true,
      });
      await expect(verifyPassword('pw', encoded, configured(512, 2, 1))).resolves.toEqual(OK);
    });

    it("a salt shorter than Django's 22 characters: upgrade", async () => {
      const encoded = await hashPassword('pw', { ...FAST, salt: 'seasalt' });
      await expect(verifyPassword('pw', encoded, FAST)).resolves.toEqual({ valid: true, needsUpgrade: true });
    });

    it('a wrong password never asks for an upgrade', async () => {
      const encoded = await hashPassword('pw', { ...FAST, salt: 'short' });
      await expect(verifyPassword('wrong', encoded, { iterations: 5000 })).resolves.toEqual(INVALID);
    });
  });

  it("a wrong password against a weaker pbkdf2 hash costs the configured iterations (Django's harden_runtime)", async () => {
    const options: DjangoHasherOptions = { iterations: 200_000 };
    const weak = await hashPassword('pw', { iterations: 1, salt: SALT });
    const strong = await hashPassword('pw', { ...options, salt: SALT });
    derivations.take();
    await expect(verifyPassword('wrong', weak, options)).resolves.toEqual(INVALID);
    const weakWork = derivations.take();
    await expect(verifyPassword('wrong', strong, options)).resolves.toEqual(INVALID);
    const strongWork = derivations.take();
    // The stored hash's one iteration, then the 199,999 it lacks: 200,000 in all, as the strong one.
    expect(weakWork).toEqual([pbkdf2('sha256', 1), pbkdf2('sha256', 199_999)]);
    expect(strongWork).toEqual([pbkdf2('sha256', 200_000)]);
    const iterations = (work: KeyDerivation[]) =>
      work.reduce((sum, step) => sum + (step.function === 'pbkdf2' ? step.iterations : 0), 0);
    expect(iterations(weakWork)).toBe(iterations(strongWork));
  });
});

describe('verifyAgainstDummyHash', () => {
  it('resolves to nothing, whatever the password', async () => {
    await expect(verifyAgainstDummyHash('pw', FAST)).resolves.toBeUndefined();
    await expect(verifyAgainstDummyHash('', FAST_SCRYPT)).resolves.toBeUndefined();
    await expect(verifyAgainstDummyHash(undefined as unknown as string, FAST)).resolves.toBeUndefined();
  });

  it.each<[string, DjangoHasherOptions, KeyDerivation]>([
    ['pbkdf2_sha256, 200,000 iterations', { iterations: 200_000 }, pbkdf2('sha256', 200_000)],
    ['pbkdf2_sha1, 1,000 iterations', { algorithm: 'pbkdf2_sha1', iterations: 1000 }, pbkdf2('sha1', 1000)],
    [
      'scrypt, N=2^14 r=8 p=1',
      { algorithm: 'scrypt', scrypt: { N: 2 ** 14, r: 8, p: 1 } },
      { function: 'scrypt', N: 2 ** 14, r: 8, p: 1, keyLength: 64, saltLength: 22, outcome: 'key' },
    ],
  ])('runs the key derivation a real verification runs, with the same parameters (%s)', async (_name, options, one) => {
    const encoded = await hashPassword('pw', options);
    derivations.take();
    await verifyAgainstDummyHash('pw', options);
    const dummy = derivations.take();
    await expect(verifyPassword('wrong', encoded, options)).resolves.toEqual(INVALID);
    const real = derivations.take();
    expect(real).toEqual([one]);
    expect(dummy).toEqual(real);
  });
});
