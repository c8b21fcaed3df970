import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { DjangoPasswordHasher } from '../../lib/passwords/django-password-hasher.js';

describe('DjangoPasswordHasher', () => {
  it("has Django 6.0's defaults, frozen", () => {
    const hasher = new DjangoPasswordHasher();
    expect(hasher.options).toEqual({
      algorithm: 'pbkdf2_sha256',
      iterations: 1_200_000,
      scrypt: { N: 16384, r: 8, p: 5 },
    });
    expect(Object.isFrozen(hasher.options) && Object.isFrozen(hasher.options.scrypt)).toBe(true);
  });

  it('refuses bad options when it is made (start-up), not at the first login', () => {
    expect(() => new DjangoPasswordHasher({ iterations: -1 })).toThrow(RangeError);
    expect(() => new DjangoPasswordHasher({ algorithm: 'scrypt', scrypt: { N: 3 } })).toThrow(/scrypt/);
  });

  it('hashes with its options, verifies, and reports weaker hashes', async () => {
    const old = new DjangoPasswordHasher({ iterations: 1000 });
    const current = new DjangoPasswordHasher({ algorithm: 'scrypt', scrypt: { N: 1024, r: 8, p: 1 } });
    const stored = await old.hash('pw');
    expect(stored).toMatch(/^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$/);
    await expect(old.verify('pw', stored)).resolves.toEqual({ valid: true, needsUpgrade: false });
    await expect(current.verify('pw', stored)).resolves.toEqual({ valid: true, needsUpgrade: true });
    await expect(current.verify('nope', stored)).resolves.toEqual({ valid: false, needsUpgrade: false });
    const upgraded = await current.hash('pw');
    expect(upgraded).toMatch(/^scrypt\$1024\$[A-Za-z0-9]{22}\$8\$1\$/);
    await expect(current.verify('pw', upgraded)).resolves.toEqual({ valid: true, needsUpgrade: false });
  });

  it('hashes with a given salt', async () => {
    const hasher = new DjangoPasswordHasher({ iterations: 1 });
    await expect(hasher.hash('pw', 'seasalt')).resolves.toBe(await hasher.hash('pw', 'seasalt'));
    expect((await hasher.hash('pw', 'seasalt')).split('$')[2]).toBe('seasalt');
  });

  it('verifyDummy resolves to nothing', async () => {
    await expect(new DjangoPasswordHasher({ iterations: 1000 }).verifyDummy('pw')).resolves.toBeUndefined();
  });

  it('is a Nest provider as it is (defaults) or with useValue (options)', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [
        DjangoPasswordHasher,
        { provide: 'SCRYPT_HASHER', useValue: new DjangoPasswordHasher({ algorithm: 'scrypt' }) },
      ],
    }).compile();
    expect(moduleRef.get(DjangoPasswordHasher).options.algorithm).toBe('pbkdf2_sha256');
    expect(moduleRef.get<DjangoPasswordHasher>('SCRYPT_HASHER').options.algorithm).toBe('scrypt');
  });
});
