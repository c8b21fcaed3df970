import { beforeEach, describe, expect, it } from '@jest/globals';
// First: it records node:crypto's key derivations for the modules imported after it.
import { derivations } from '../support/key-derivations.js';

const { hashPassword, verifyPassword } = await import('../../lib/passwords/password-hashing.js');
const { UserLookupService } = await import('../../lib/users/user-lookup.service.js');
const { TokenUser } = await import('../../lib/users/token-user.js');

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

describe('UserLookupService.isStaff (default: Django is_staff, for IsAdminUser)', () => {
  const users = new Users() as unknown as InstanceType<typeof UserLookupService<object>>;

  it.each([
    [{ isStaff: true }, true],
    [{ is_staff: true }, true],
    [{ is_staff: 1 }, true],
    [{ isStaff: false, is_staff: true }, false],
    [{ is_staff: 'false' }, false],
    [{ is_staff: 0 }, false],
    [{}, false],
  ])('%j: %s', (user, staff) => {
    expect(users.isStaff(user)).toBe(staff);
  });

  it("reads a stateless TokenUser's claims", () => {
    expect(users.isStaff(new TokenUser('admin', { username: 'admin', is_staff: true }))).toBe(true);
    expect(users.isStaff(new TokenUser('admin', { username: 'admin' }))).toBe(false);
  });
});
