import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteUserLookup } from '../../sample/users/sqlite-user-lookup.js';
import { UserStore } from '../../sample/users/user-store.js';

const tempDir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-sample-dummy-'));
const store = UserStore.open(join(tempDir, 'users.sqlite3'));

afterAll(() => {
  store.close();
  rmSync(tempDir, { recursive: true, force: true });
});

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

describe('sample: logins for unknown usernames cost one scrypt verification', () => {
  it('verifyDummyPassword costs what verifyPassword costs for a stored user (same scrypt parameters)', async () => {
    const lookup = new SqliteUserLookup(store);
    const alice = await store.add({ username: 'alice', password: 's3cret' });
    await expect(lookup.verifyPassword(alice, 's3cret')).resolves.toBe(true);
    await expect(lookup.verifyDummyPassword('s3cret')).resolves.toBeUndefined();

    const dummyMs = await fastestMs(2, () => lookup.verifyDummyPassword('wrong'));
    const realMs = await fastestMs(2, () => lookup.verifyPassword(alice, 'wrong'));
    expect(dummyMs / realMs).toBeGreaterThan(0.6);
    expect(dummyMs / realMs).toBeLessThan(1.6);
  });
});
