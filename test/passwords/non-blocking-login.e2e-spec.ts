import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DjangoPasswordHasher } from '../../lib/passwords/index.js';
import { ADAPTERS } from '../support/apps.js';
import { DjangoHashedUsers, type ListeningApp, startDjangoUsersApp } from '../support/django-users.js';
import { OBTAIN } from '../support/endpoints.js';

/** Logins started at once; more than libuv's 4 threads, so some wait their turn. */
const CONCURRENT_LOGINS = 6;
/** Generous for a shared 2-core machine: an open route takes about 2 ms when idle. */
const QUICK_MS = 100;

/** Requests to the open route while the logins hash. */
const SAMPLES = 5;
/** Less than one hash at this cost. */
const SLOWEST_MS = 250;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the logins to start hashing');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe.each(ADAPTERS)('password hashing does not block other requests on %s', (adapter) => {
  // Django 6.0's cost: pbkdf2_sha256 at 1,200,000 iterations, about 0.3 s of CPU per login.
  const users = new DjangoHashedUsers(new DjangoPasswordHasher());
  let app: ListeningApp;

  beforeAll(async () => {
    await users.add('alice', 's3cret');
    app = await startDjangoUsersApp(adapter, users, { loginThrottle: false });
  });

  afterAll(async () => {
    await app?.close();
  });

  it(`GET /public answers in < ${QUICK_MS} ms (median) while ${CONCURRENT_LOGINS} logins are hashing`, async () => {
    expect((await request(app.url).get('/public')).status).toBe(200); // warm-up
    const credentials = Array.from({ length: CONCURRENT_LOGINS }, (_, i) => ({
      username: i === CONCURRENT_LOGINS - 1 ? 'nobody' : 'alice',
      password: i === 0 ? 's3cret' : `wrong-${i}`,
    }));
    const startedBefore = users.started;
    const logins = Promise.all(
      credentials.map((body) => request(app.url).post(OBTAIN).set('Content-Type', 'application/json').send(body)),
    );
    await waitFor(() => users.started > startedBefore);

    const samples: { ms: number; status: number; hashing: number }[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const start = performance.now();
      const response = await request(app.url).get('/public');
      samples.push({ ms: performance.now() - start, status: response.status, hashing: users.inFlight });
    }
    const responses = await logins;
    if (process.env.TEST_LOG) console.log(adapter, samples);

    // Answered quickly: the median under QUICK_MS, and none as slow as one hash. A blocked event
    // loop holds a request for every hash queued before it (~300 ms each, 1.5 s in all here).
    // Not every sample under QUICK_MS: with other processes busy on the two cores, one in a few
    // runs takes a little more (103 ms was seen at a load average of 6).
    expect(samples.map((sample) => sample.status)).toEqual(samples.map(() => 200));
    expect(median(samples.map((sample) => sample.ms))).toBeLessThan(QUICK_MS);
    expect(Math.max(...samples.map((sample) => sample.ms))).toBeLessThan(SLOWEST_MS);
    // And every sample was taken while logins were still hashing.
    expect(samples.map((sample) => sample.hashing > 0)).toEqual(samples.map(() => true));
    // The logins themselves were real: one token, the rest refused.
    expect(responses.map((response) => response.status)).toEqual(credentials.map((_, i) => (i === 0 ? 200 : 400)));
  });
});
