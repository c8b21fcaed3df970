import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DjangoPasswordHasher } from '../../lib/passwords/index.js';
import { passwordHasher } from '../../sample/users/passwords.js';
import { UserStore, UserStoreError } from '../../sample/users/user-store.js';
import { runUsersCommand, USAGE } from '../../sample/users/users-command.js';

const B64 = '[A-Za-z0-9+/]+={0,2}';

/** Whether the sample's hasher takes `password` for `hash`. */
const matches = async (password: string, hash: string): Promise<boolean> =>
  (await passwordHasher.verify(password, hash)).valid;

const tempDir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-sample-users-'));
let dbCount = 0;
const newDbFile = () => join(tempDir, `users-${++dbCount}.sqlite3`);

afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe('sample: password hashes', () => {
  it("stores Django's scrypt$N$salt$r$p$hash with OWASP's parameters and a random salt", async () => {
    expect(passwordHasher.options).toMatchObject({ algorithm: 'scrypt', scrypt: { N: 2 ** 15, r: 8, p: 3 } });
    const first = await passwordHasher.hash('abc123');
    const second = await passwordHasher.hash('abc123');
    expect(first).toMatch(new RegExp(`^scrypt\\$32768\\$[A-Za-z0-9]{22}\\$8\\$3\\$${B64}$`));
    expect(Buffer.from(first.split('$')[5], 'base64')).toHaveLength(64);
    expect(first).not.toBe(second);
    await expect(passwordHasher.verify('abc123', first)).resolves.toEqual({ valid: true, needsUpgrade: false });
    await expect(matches('abc123', second)).resolves.toBe(true);
  });

  it('refuses a wrong password, and compares passwords exactly as given', async () => {
    const hash = await passwordHasher.hash('abc123');
    await expect(matches('abc124', hash)).resolves.toBe(false);
    await expect(matches('abc123 ', hash)).resolves.toBe(false);
    await expect(matches('ABC123', hash)).resolves.toBe(false);
    await expect(matches('', hash)).resolves.toBe(false);
  });

  it('reads the parameters from the hash itself: weaker hashes still verify, and say so', async () => {
    const weaker = await new DjangoPasswordHasher({ algorithm: 'scrypt', scrypt: { N: 1024, r: 8, p: 1 } }).hash('pw');
    expect(weaker.startsWith('scrypt$1024$')).toBe(true);
    await expect(passwordHasher.verify('pw', weaker)).resolves.toEqual({ valid: true, needsUpgrade: true });
    // The same salt and hash with other parameters no longer match.
    await expect(matches('pw', weaker.replace('scrypt$1024$', 'scrypt$2048$'))).resolves.toBe(false);
  });

  it.each([
    ['another algorithm', `argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$${'A'.repeat(43)}`],
    ["the sample's earlier format (scrypt$N$r$p$salt$hash)", `scrypt$1024$8$1$c2FsdHNhbHQ=$${'A'.repeat(88)}`],
    ['missing parts', 'scrypt$1024$c2FsdA==$8$1'],
    ['N not a power of two', `scrypt$1000$saltsaltsalt$8$1$${'A'.repeat(88)}`],
    ['N too large', `scrypt$${2 ** 24}$saltsaltsalt$8$1$${'A'.repeat(88)}`],
    ['plain text', 'abc123'],
  ])('never matches a malformed or foreign stored value (%s)', async (_case, stored) => {
    await expect(matches('abc123', stored)).resolves.toBe(false);
  });
});

describe('sample: the users store', () => {
  let store: UserStore;
  let file: string;

  beforeEach(() => {
    file = newDbFile();
    store = UserStore.open(file);
  });
  afterEach(() => store.close());

  it('adds users with hashed passwords, finds and lists them', async () => {
    const alice = await store.add({ username: 'alice', password: 's3cret', email: 'alice@example.com' });
    const bob = await store.add({ username: 'bob', password: 's3cret', isActive: false });
    expect(alice).toMatchObject({ username: 'alice', email: 'alice@example.com', isActive: true });
    expect(bob).toMatchObject({ username: 'bob', email: null, isActive: false });
    expect(alice.passwordHash).toMatch(/^scrypt\$/);
    expect(alice.passwordHash).not.toContain('s3cret');
    await expect(matches('s3cret', alice.passwordHash)).resolves.toBe(true);
    expect(store.find('alice')).toEqual(alice);
    expect(store.find('carol')).toBeUndefined();
    expect(store.list().map((user) => user.username)).toEqual(['alice', 'bob']);
  });

  it('keeps the users in the file', async () => {
    await store.add({ username: 'alice', password: 's3cret' });
    store.close();
    store = UserStore.open(file);
    expect(store.find('alice')?.username).toBe('alice');
  });

  it('refuses a duplicate username', async () => {
    await store.add({ username: 'alice', password: 's3cret' });
    await expect(store.add({ username: 'alice', password: 'other' })).rejects.toThrow(
      new UserStoreError('A user named "alice" already exists.'),
    );
    expect(store.list()).toHaveLength(1);
  });

  it.each([
    ['an empty username', { username: '', password: 'pw' }, /Invalid username/],
    ['a username with a space', { username: ' alice', password: 'pw' }, /Invalid username/],
    ['a username over 150 characters', { username: 'a'.repeat(151), password: 'pw' }, /Invalid username/],
    ['an empty password', { username: 'alice', password: '' }, /password must not be empty/],
    ['a bad email address', { username: 'alice', password: 'pw', email: 'not-an-address' }, /Invalid email address/],
  ])('refuses %s', async (_case, user, message) => {
    await expect(store.add(user)).rejects.toThrow(message);
    expect(store.list()).toHaveLength(0);
  });

  it('activates, deactivates and deletes by username; unknown users are errors', async () => {
    await store.add({ username: 'alice', password: 's3cret' });
    expect(store.setActive('alice', false).isActive).toBe(false);
    expect(store.find('alice')?.isActive).toBe(false);
    expect(store.setActive('alice', true).isActive).toBe(true);
    store.delete('alice');
    expect(store.find('alice')).toBeUndefined();
    expect(() => store.delete('alice')).toThrow(new UserStoreError('There is no user named "alice".'));
    expect(() => store.setActive('nobody', true)).toThrow(UserStoreError);
  });

  it('creates the first user only while the table is empty', async () => {
    const first = await store.addIfNoUsers({ username: 'admin', password: 'abc123' });
    expect(first?.username).toBe('admin');
    await expect(store.addIfNoUsers({ username: 'admin', password: 'abc123' })).resolves.toBeUndefined();
    store.delete('admin');
    await store.add({ username: 'alice', password: 's3cret' });
    await expect(store.addIfNoUsers({ username: 'admin', password: 'abc123' })).resolves.toBeUndefined();
    expect(store.list().map((user) => user.username)).toEqual(['alice']);
  });

  it('reports a database it cannot open as a user error', () => {
    expect(() => UserStore.open(join(tempDir, 'missing-dir', 'users.sqlite3'))).toThrow(
      /^Cannot open the user database .*missing-dir/,
    );
  });
});

describe('sample: npm run users -- <command>', () => {
  let store: UserStore;
  beforeEach(() => {
    store = UserStore.open(newDbFile());
  });
  afterEach(() => store.close());

  const run = (...argv: string[]) => runUsersCommand(argv, store);

  /** A user mistake: exit code 1, one error line (plus usage for bad command lines), no stack trace. */
  function expectUserError(result: Awaited<ReturnType<typeof run>>, message: string, withUsage: boolean): void {
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr[0]).toBe(`error: ${message}`);
    expect(result.stderr.includes(USAGE)).toBe(withUsage);
    expect(result.stderr.join('\n')).not.toMatch(/\n\s+at /);
  }

  it('add, with --email and --inactive, then list', async () => {
    expect(await run('add', 'alice', 's3cret', '--email', 'alice@example.com')).toEqual({
      code: 0,
      stdout: ['Created user "alice" (id 1).'],
      stderr: [],
    });
    expect((await run('add', 'bob', 's3cret', '--inactive')).stdout).toEqual(['Created user "bob" (id 2, inactive).']);
    expect((await run('add', '--email=carol@example.com', 'carol', 'pw')).code).toBe(0);
    expect(await run('list')).toEqual({
      code: 0,
      stdout: ['1\talice\talice@example.com\tactive', '2\tbob\t-\tinactive', '3\tcarol\tcarol@example.com\tactive'],
      stderr: [],
    });
    const alice = store.find('alice');
    await expect(matches('s3cret', alice?.passwordHash ?? '')).resolves.toBe(true);
  });

  it('takes a password that starts with dashes after --', async () => {
    expect((await run('add', 'dash', '--', '--pw--')).code).toBe(0);
    await expect(matches('--pw--', store.find('dash')?.passwordHash ?? '')).resolves.toBe(true);
  });

  it('list says so when there are no users', async () => {
    expect((await run('list')).stdout).toEqual(['No users.']);
  });

  it('fails on a duplicate username', async () => {
    await run('add', 'alice', 's3cret');
    expectUserError(await run('add', 'alice', 'other'), 'A user named "alice" already exists.', false);
  });

  it('deactivates, activates and deletes', async () => {
    await run('add', 'alice', 's3cret');
    expect((await run('deactivate', 'alice')).stdout).toEqual(['User "alice" is now inactive.']);
    expect(store.find('alice')?.isActive).toBe(false);
    expect((await run('activate', 'alice')).stdout).toEqual(['User "alice" is now active.']);
    expect(store.find('alice')?.isActive).toBe(true);
    expect((await run('delete', 'alice')).stdout).toEqual(['Deleted user "alice".']);
    expect(store.find('alice')).toBeUndefined();
  });

  it.each(['activate', 'deactivate', 'delete'])('%s fails for an unknown user', async (command) => {
    expectUserError(await run(command, 'nobody'), 'There is no user named "nobody".', false);
  });

  it.each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['add', 'alice'], 'add needs <username> <password>'],
    [['add', 'alice', 'pw', 'extra'], 'add needs <username> <password>'],
    [['add', 'alice', 'pw', '--email'], '--email needs an address'],
    [['add', 'alice', 'pw', '--admin'], 'unknown option --admin'],
    [['delete'], 'delete needs exactly one <username>'],
    [['deactivate', 'a', 'b'], 'deactivate needs exactly one <username>'],
    [['list', 'all'], 'list takes no arguments'],
  ])('prints the usage for %j', async (argv, message) => {
    expectUserError(await runUsersCommand(argv, store), message, true);
    expect(store.list()).toHaveLength(0);
  });

  it('reports invalid input without the usage', async () => {
    expectUserError(await run('add', 'alice', 'pw', '--email', 'nope'), 'Invalid email address "nope".', false);
  });
});
