import { beforeEach, describe, expect, it } from '@jest/globals';
// First: it records node:crypto's key derivations for the modules imported after it.
import { derivations } from '../support/key-derivations.js';

const { hashPassword, verifyPassword } = await import('../../lib/passwords/password-hashing.js');
const { UserLookupService } = await import('../../lib/users/user-lookup.service.js');

class Users extends UserLookupService<{ username: string }> {
  async findByUsername(): Promise<undefined> {
    return undefined;
  }

  async verifyPassword(): Promise<boolean> {
    return false;
  }
}

beforeEach(() => derivations.reset());

describe('UserLookupService.verifyDummyPassword (default)', () => {
  it('resolves to nothing, whatever the password', async () => {
    const users = new Users();
    await expect(users.verifyDummyPassword('pw')).resolves.toBeUndefined();
    await expect(users.verifyDummyPassword('')).resolves.toBeUndefined();
  });

  it('runs one Django 6.0 default verification (pbkdf2_sha256, 1,200,000 iterations)', async () => {
    const users = new Users();
    const stored = await hashPassword('pw');
    derivations.take();
    await users.verifyDummyPassword('wrong');
    const dummy = derivations.take();
    await expect(verifyPassword('wrong', stored)).resolves.toEqual({ valid: false, needsUpgrade: false });
    const real = derivations.take();
    expect(real).toEqual([
      { function: 'pbkdf2', digest: 'sha256', iterations: 1_200_000, keyLength: 32, saltLength: 22, outcome: 'key' },
    ]);
    expect(dummy).toEqual(real);
  });
});
