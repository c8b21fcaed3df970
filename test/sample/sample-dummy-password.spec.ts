import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// First: it records node:crypto's key derivations for the modules imported after it.
import { derivations } from '../support/key-derivations.js';

const { SqliteUserLookup } = await import('../../sample/users/sqlite-user-lookup.js');
const { UserStore } = await import('../../sample/users/user-store.js');

const tempDir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-sample-dummy-'));
const store = UserStore.open(join(tempDir, 'users.sqlite3'));

afterAll(() => {
  store.close();
  rmSync(tempDir, { recursive: true, force: true });
});

beforeEach(() => derivations.reset());

describe('sample: logins for unknown usernames cost one scrypt verification', () => {
  it('verifyDummyPassword runs the scrypt derivation verifyPassword runs for a stored user (same parameters)', async () => {
    const lookup = new SqliteUserLookup(store);
    const alice = await store.add({ username: 'alice', password: 's3cret' });
    await expect(lookup.verifyPassword(alice, 's3cret')).resolves.toBe(true);
    await expect(lookup.verifyDummyPassword('s3cret')).resolves.toBeUndefined();

    derivations.take();
    await lookup.verifyDummyPassword('wrong');
    const dummy = derivations.take();
    await expect(lookup.verifyPassword(alice, 'wrong')).resolves.toBe(false);
    const real = derivations.take();
    // The sample's parameters (OWASP's N=2^15, r=8, p=3), Django's 22-character salt and a 64-byte hash.
    expect(real).toEqual([
      { function: 'scrypt', N: 2 ** 15, r: 8, p: 3, keyLength: 64, saltLength: 22, outcome: 'key' },
    ]);
    expect(dummy).toEqual(real);
  });
});
