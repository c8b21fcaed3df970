import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import type { ErrorFormat } from '../../lib/index.js';
import type { DjangoHashedUsers as Users, ListeningApp } from '../support/django-users.js';
// First: it records node:crypto's key derivations for the modules imported after it.
import { derivations, type KeyDerivation } from '../support/key-derivations.js';

const { DjangoPasswordHasher } = await import('../../lib/passwords/index.js');
const { ADAPTERS } = await import('../support/apps.js');
const { DjangoHashedUsers, startDjangoUsersApp } = await import('../support/django-users.js');
const { comparableHeaders, expectError, INVALID_CREDENTIALS, nonField, OBTAIN } =
  await import('../support/endpoints.js');

/**
 * A login must not tell whether the username exists: a wrong password, an unknown username and
 * an inactive user get the same answer, and cost the same work. The work is the password key
 * derivation, recorded as each login runs it (test/support/key-derivations.ts): the same
 * derivation with the same parameters takes the same time, which measured times on a shared
 * machine could not show reliably (bench/password-checks.ts measures it). The users' hashes
 * have a realistic cost (pbkdf2_sha256 at 100,000 iterations).
 */
const ITERATIONS = 100_000;
/** The one derivation of a login at that cost: a Django salt (22 characters), a 32-byte key. */
const ONE_DERIVATION: KeyDerivation = {
  function: 'pbkdf2',
  digest: 'sha256',
  iterations: ITERATIONS,
  keyLength: 32,
  saltLength: 22,
  outcome: 'key',
};

const CORRECT_PASSWORD = { username: 'alice', password: 's3cret' };
const WRONG_PASSWORD = { username: 'alice', password: 'wrong password' };
const UNKNOWN_USER = { username: 'nobody', password: 's3cret' };
const INACTIVE_USER = { username: 'bob', password: 's3cret' };
const INACTIVE_WRONG_PASSWORD = { username: 'carol', password: 'wrong password' };

async function usersWithDjangoHashes(users: Users): Promise<Users> {
  await users.add('alice', 's3cret');
  await users.add('bob', 's3cret', false);
  await users.add('carol', 's3cret', false);
  return users;
}

function login(app: ListeningApp, body: object): Promise<Response> {
  return request(app.url).post(OBTAIN).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

/** The key derivations each login ran, by name, and the status each got. */
async function derivationsOf(app: ListeningApp, logins: Record<string, object>) {
  const work: Record<string, { status: number; derivations: KeyDerivation[] }> = {};
  for (const [name, body] of Object.entries(logins)) {
    derivations.reset();
    const response = await login(app, body);
    work[name] = { status: response.status, derivations: derivations.take() };
  }
  return work;
}

/** The old behaviour: an unknown username answered at once. */
class NoDummyUsers extends DjangoHashedUsers {
  override async verifyDummyPassword(): Promise<void> {}
}

describe.each(ADAPTERS)('no user enumeration at /api-token-auth/ on %s', (adapter) => {
  describe.each<ErrorFormat>(['nest', 'drf'])('identical answers (errorFormat %s)', (errorFormat) => {
    const users = new DjangoHashedUsers(new DjangoPasswordHasher({ iterations: ITERATIONS }));
    let app: ListeningApp;

    beforeAll(async () => {
      // Default options otherwise: the login limits are on, as in production.
      app = await startDjangoUsersApp(adapter, await usersWithDjangoHashes(users), { errorFormat });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('wrong password, unknown user and inactive user: same status, headers and bytes', async () => {
      // Each username once, so that any per-username count is the same for all.
      const attempts = [WRONG_PASSWORD, UNKNOWN_USER, INACTIVE_USER, INACTIVE_WRONG_PASSWORD];
      const responses: Response[] = [];
      for (const body of attempts) responses.push(await login(app, body));

      for (const response of responses) expectError(response, errorFormat, 400, nonField(INVALID_CREDENTIALS));
      const [first, ...others] = responses;
      for (const other of others) {
        expect(other.status).toBe(first.status);
        expect(other.text).toBe(first.text);
        expect(comparableHeaders(other)).toEqual(comparableHeaders(first));
      }
      // The user and the password are real: the right password logs alice in.
      expect((await login(app, { username: 'alice', password: 's3cret' })).status).toBe(200);
    });
  });

  describe('the work of each login', () => {
    const users = new DjangoHashedUsers(new DjangoPasswordHasher({ iterations: ITERATIONS }));
    let app: ListeningApp;

    beforeAll(async () => {
      app = await startDjangoUsersApp(adapter, await usersWithDjangoHashes(users), { loginThrottle: false });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('a wrong password, an unknown user and an inactive user each run the derivation a correct login runs', async () => {
      const work = await derivationsOf(app, {
        correctPassword: CORRECT_PASSWORD,
        wrongPassword: WRONG_PASSWORD,
        unknownUser: UNKNOWN_USER,
        inactiveUser: INACTIVE_USER,
        inactiveWrongPassword: INACTIVE_WRONG_PASSWORD,
      });
      const refused = { status: 400, derivations: [ONE_DERIVATION] };
      expect(work).toEqual({
        correctPassword: { status: 200, derivations: [ONE_DERIVATION] },
        wrongPassword: refused,
        unknownUser: refused,
        inactiveUser: refused,
        inactiveWrongPassword: refused,
      });
    });
  });

  describe('the same record without the dummy verification (it tells them apart)', () => {
    const users = new NoDummyUsers(new DjangoPasswordHasher({ iterations: ITERATIONS }));
    let app: ListeningApp;

    beforeAll(async () => {
      app = await startDjangoUsersApp(adapter, await usersWithDjangoHashes(users), { loginThrottle: false });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('an unknown user runs no derivation at all, where a wrong password runs one', async () => {
      const work = await derivationsOf(app, { wrongPassword: WRONG_PASSWORD, unknownUser: UNKNOWN_USER });
      expect(work).toEqual({
        wrongPassword: { status: 400, derivations: [ONE_DERIVATION] },
        unknownUser: { status: 400, derivations: [] },
      });
    });
  });
});
