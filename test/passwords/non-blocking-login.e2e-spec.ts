import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import type { ListeningApp } from '../support/django-users.js';
// First: it records node:crypto's key derivations for the modules imported after it.
import { derivations } from '../support/key-derivations.js';

const { DjangoPasswordHasher } = await import('../../lib/passwords/index.js');
const { ADAPTERS } = await import('../support/apps.js');
const { DjangoHashedUsers, startDjangoUsersApp } = await import('../support/django-users.js');
const { OBTAIN } = await import('../support/endpoints.js');

/** Logins started at once; more than libuv's 4 threads, so some wait their turn. */
const CONCURRENT_LOGINS = 6;

/** Requests to the open route while the logins hash. */
const SAMPLES = 5;

/**
 * Password hashing must not stop the server: while logins hash, other requests are answered.
 * Shown by the order of events, not by milliseconds: the logins' key derivations are held
 * unfinished (test/support/key-derivations.ts), and the open route answers meanwhile. Had a
 * login hashed on the event loop (pbkdf2Sync, or any other blocking form), no request could be
 * answered before that login's hash was done, and the derivations would not be held at all.
 */
describe.each(ADAPTERS)('password hashing does not block other requests on %s', (adapter) => {
  // Django 6.0's cost: pbkdf2_sha256 at 1,200,000 iterations, about 0.3 s of CPU per login.
  const users = new DjangoHashedUsers(new DjangoPasswordHasher());
  let app: ListeningApp;

  beforeAll(async () => {
    await users.add('alice', 's3cret');
    app = await startDjangoUsersApp(adapter, users, { loginThrottle: false });
  });

  afterAll(async () => {
    derivations.reset();
    await app?.close();
  });

  it(`GET /public answers while ${CONCURRENT_LOGINS} logins are hashing (their derivations held unfinished)`, async () => {
    expect((await request(app.url).get('/public')).status).toBe(200); // warm-up
    const credentials = Array.from({ length: CONCURRENT_LOGINS }, (_, i) => ({
      username: i === CONCURRENT_LOGINS - 1 ? 'nobody' : 'alice',
      password: i === 0 ? 's3cret' : `wrong-${i}`,
    }));
    derivations.reset();
    derivations.hold();
    let loginsAnswered = 0;
    const logins = Promise.all(
      credentials.map((body) =>
        request(app.url)
          .post(OBTAIN)
          .set('Content-Type', 'application/json')
          .send(body)
          .then((response: Response) => {
            loginsAnswered++;
            return response;
          }),
      ),
    );

    const samples: { status: number; hashing: number; derivationsUnfinished: number; loginsAnswered: number }[] = [];
    try {
      // Every login is in its key derivation (the dummy one for the unknown user)...
      await Promise.race([
        derivations.whenStarted(CONCURRENT_LOGINS),
        logins.then(() => {
          throw new Error(`the logins were answered without ${CONCURRENT_LOGINS} derivations to hold`);
        }),
      ]);
      // ...and while none of them has its result, the open route answers, again and again.
      for (let i = 0; i < SAMPLES; i++) {
        const response = await request(app.url).get('/public');
        samples.push({
          status: response.status,
          hashing: users.inFlight,
          derivationsUnfinished: derivations.running,
          loginsAnswered,
        });
      }
    } finally {
      derivations.release();
    }
    const responses = await logins;
    if (process.env.TEST_LOG) console.log(adapter, samples);

    // Every sample answered 200 while all the logins were still hashing, none answered yet.
    expect(samples).toEqual(
      samples.map(() => ({
        status: 200,
        hashing: CONCURRENT_LOGINS,
        derivationsUnfinished: CONCURRENT_LOGINS,
        loginsAnswered: 0,
      })),
    );
    // Each login ran one derivation in the thread pool, and none a blocking one.
    expect(derivations.take()).toEqual(
      credentials.map(() => ({
        function: 'pbkdf2',
        digest: 'sha256',
        iterations: 1_200_000,
        keyLength: 32,
        saltLength: 22,
        outcome: 'key',
      })),
    );
    expect(derivations.blocking).toEqual([]);
    // The logins themselves were real: one token, the rest refused.
    expect(responses.map((response) => response.status)).toEqual(credentials.map((_, i) => (i === 0 ? 200 : 400)));
  });
});
