import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthService } from '../../lib/index.js';
import { RedisRevocationStore } from '../../lib/redis/index.js';
import { ADAPTERS, ProtectedController, startApp, type TestApp } from '../support/apps.js';
import { freePort, RedisServerProcess, redisServerAvailability } from '../support/redis-server.js';
import {
  BLACKLIST,
  getProtected,
  notValidForAnyType,
  obtainPair,
  REFRESH,
  simpleJwtModule,
  useSimpleJwtApp,
} from '../support/simplejwt.js';

/** Blacklisting and "log out everywhere" for simplejwt's tokens, on one instance and across two sharing Redis. */

const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };

describe.each(ADAPTERS)('log out everywhere with simplejwt on %s', (adapter) => {
  const app = useSimpleJwtApp(adapter, { tokenProtocol: 'both' });

  it("refuses every refresh and access token of the user issued before, and not the next login's", async () => {
    const first = await obtainPair(app.server);
    const second = await obtainPair(app.server);
    const admin = await app.users.findByUsername('admin');
    await app.app.get(JwtAuthService).revokeAllForUser(admin!);
    for (const { refresh, access } of [first, second]) {
      const refreshed = await request(app.server).post(REFRESH).send({ refresh });
      expect({ status: refreshed.status, body: refreshed.body }).toEqual({ status: 401, body: BLACKLISTED });
      const guarded = await getProtected(app.server, access);
      expect({ status: guarded.status, body: guarded.body }).toEqual({
        status: 401,
        body: notValidForAnyType('Token is blacklisted'),
      });
    }
    const next = await obtainPair(app.server);
    expect((await getProtected(app.server, next.access)).status).toBe(200);
    expect((await request(app.server).post(REFRESH).send({ refresh: next.refresh })).status).toBe(200);
  });
});

const availability = redisServerAvailability();

describe('simplejwt blacklist across two instances sharing one Redis (Express and Fastify)', () => {
  let redis: RedisServerProcess;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    if (!availability.available) {
      throw new Error(`${availability.reason}: install Debian's redis-server (apt-get install redis-server)`);
    }
    redis = new RedisServerProcess(await freePort());
    await redis.start();
    for (const adapter of ADAPTERS) {
      const store = new RedisRevocationStore({ url: redis.url });
      const module = simpleJwtModule({
        revocationStore: store,
        rotationGracePeriod: 0,
        simpleJwt: { rotateRefreshTokens: true, blacklistAfterRotation: true },
      });
      apps.push(await startApp(adapter, module, [ProtectedController]));
    }
  });
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await redis?.remove();
  });

  it('a refresh token blacklisted on A is refused on B', async () => {
    const [a, b] = apps;
    const { refresh } = await obtainPair(a.server);
    expect((await request(a.server).post(BLACKLIST).send({ refresh })).status).toBe(200);
    const refused = await request(b.server).post(REFRESH).send({ refresh });
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: BLACKLISTED });
  });

  it('a refresh token rotated on B is refused on A', async () => {
    const [a, b] = apps;
    const { refresh } = await obtainPair(a.server);
    expect((await request(b.server).post(REFRESH).send({ refresh })).status).toBe(200);
    const refused = await request(a.server).post(REFRESH).send({ refresh });
    expect(refused.body).toEqual(BLACKLISTED);
  });

  it('log out everywhere on A refuses the access and refresh tokens on B', async () => {
    const [a, b] = apps;
    const pair = await obtainPair(b.server);
    const admin = await a.users.findByUsername('admin');
    await a.app.get(JwtAuthService).revokeAllForUser(admin!);
    expect((await getProtected(b.server, pair.access)).body).toEqual(notValidForAnyType('Token is blacklisted'));
    expect((await request(b.server).post(REFRESH).send({ refresh: pair.refresh })).body).toEqual(BLACKLISTED);
  });
});
