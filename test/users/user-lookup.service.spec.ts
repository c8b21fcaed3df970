import { describe, expect, it } from '@jest/globals';
import { hashPassword, verifyPassword } from '../../lib/passwords/password-hashing.js';
import { UserLookupService } from '../../lib/users/user-lookup.service.js';

class Users extends UserLookupService<{ username: string }> {
  async findByUsername(): Promise<undefined> {
    return undefined;
  }

  async verifyPassword(): Promise<boolean> {
    return false;
  }
}

/** The fastest of a few runs: the cost of the work itself, with the least noise from other processes. */
async function fastestMs(runs: number, work: () => Promise<unknown>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

describe('UserLookupService.verifyDummyPassword (default)', () => {
  it('resolves to nothing, whatever the password', async () => {
    const users = new Users();
    await expect(users.verifyDummyPassword('pw')).resolves.toBeUndefined();
    await expect(users.verifyDummyPassword('')).resolves.toBeUndefined();
  });

  it('costs one Django 6.0 default verification (pbkdf2_sha256, 1,200,000 iterations)', async () => {
    const users = new Users();
    const stored = await hashPassword('pw');
    const dummyMs = await fastestMs(2, () => users.verifyDummyPassword('wrong'));
    const realMs = await fastestMs(2, () => verifyPassword('wrong', stored));
    expect(dummyMs / realMs).toBeGreaterThan(0.6);
    expect(dummyMs / realMs).toBeLessThan(1.6);
  });
});
