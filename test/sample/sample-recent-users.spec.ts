import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecentUsers } from '../../sample/users/recent-users.js';

const tempDir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-recent-users-'));
const dbFile = join(tempDir, 'users.sqlite3');
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

const alice = { username: 'alice' };

/** Turns of the event loop until `done` holds: the watcher's events arrive on one of them. */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 500 && !done(); turn++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('sample: RecentUsers, the users its guard read, kept until the database changes', () => {
  let recent: RecentUsers<typeof alice>;
  beforeEach(() => {
    writeFileSync(dbFile, '');
    recent = new RecentUsers(dbFile);
  });
  afterEach(() => recent.stop());

  it('keeps a user it was given', () => {
    recent.set('alice', alice);
    expect(recent.get('alice')).toBe(alice);
    expect(recent.get('bob')).toBeUndefined();
  });

  it.each(['users.sqlite3', 'users.sqlite3-wal', 'users.sqlite3-journal'])(
    'forgets every user when %s changes',
    async (name) => {
      recent.set('alice', alice);
      appendFileSync(join(tempDir, name), 'x');
      await until(() => recent.get('alice') === undefined);
      expect(recent.get('alice')).toBeUndefined();
    },
  );

  it('keeps them when another file of the directory changes', async () => {
    recent.set('alice', alice);
    // Another watcher's file, changed after: once its change is seen, so was the first one's.
    const marker = new RecentUsers<typeof alice>(join(tempDir, 'marker.sqlite3'));
    marker.set('marker', alice);
    appendFileSync(join(tempDir, 'other.txt'), 'x');
    appendFileSync(join(tempDir, 'marker.sqlite3'), 'x');
    await until(() => marker.get('marker') === undefined);
    marker.stop();
    expect(recent.get('alice')).toBe(alice);
  });

  it('keeps a user at most a second, for file systems that report no changes', () => {
    const now = 1_700_000_000_000; // an instant given, not the clock's
    recent.set('alice', alice, now);
    expect(recent.get('alice', now + 999)).toBe(alice);
    expect(recent.get('alice', now + 1000)).toBeUndefined();
  });

  it('keeps nothing once stopped', () => {
    recent.set('alice', alice);
    recent.stop();
    expect(recent.get('alice')).toBeUndefined();
    recent.set('alice', alice);
    expect(recent.get('alice')).toBeUndefined();
  });

  it('keeps nothing when the directory cannot be watched', () => {
    const unwatched = new RecentUsers<typeof alice>(join(tempDir, 'no-such-directory', 'users.sqlite3'));
    unwatched.set('alice', alice);
    expect(unwatched.get('alice')).toBeUndefined();
    unwatched.stop();
  });
});
