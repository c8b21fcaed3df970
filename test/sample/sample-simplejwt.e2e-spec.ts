import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp, HTTP_ADAPTERS } from '../../sample/create-app.js';
import { useSampleEnv } from '../support/sample-env.js';
import { payloadOf } from '../support/tokens.js';

/** The sample with JWT_TOKEN_PROTOCOL and simplejwt's settings from the environment. */
const SECRET = 'sample-simplejwt-secret-long-enough-for-hs256';
const SAMPLE_ENV = [
  'SAMPLE_DB',
  'JWT_SECRET_KEY',
  'JWT_TOKEN_PROTOCOL',
  'JWT_ACCESS_TOKEN_LIFETIME',
  'JWT_ROTATE_REFRESH_TOKENS',
  'JWT_BLACKLIST_AFTER_ROTATION',
  'JWT_SLIDING_TOKENS',
];
const { tempDir, setEnv } = useSampleEnv(SAMPLE_ENV, 'nest-rest-jwt-sample-simplejwt-');

function useSample(adapter: (typeof HTTP_ADAPTERS)[number], name: string, env: Record<string, string>) {
  const state: { app?: INestApplication; server?: App } = {};
  beforeAll(async () => {
    setEnv({ SAMPLE_DB: join(tempDir, `${name}-${adapter}.sqlite3`), JWT_SECRET_KEY: SECRET, ...env });
    state.app = await createApp(adapter, { logger: false });
    state.server = state.app.getHttpServer() as App;
  });
  afterAll(() => state.app?.close());
  return () => state.server as App;
}

const login = (server: App) => request(server).post('/api/token/').send({ username: 'admin', password: 'abc123' });

describe.each(HTTP_ADAPTERS)('sample with JWT_TOKEN_PROTOCOL=simplejwt on %s', (adapter) => {
  const server = useSample(adapter, 'simplejwt', {
    JWT_TOKEN_PROTOCOL: 'simplejwt',
    JWT_ACCESS_TOKEN_LIFETIME: '2m',
    JWT_ROTATE_REFRESH_TOKENS: 'true',
    JWT_BLACKLIST_AFTER_ROTATION: 'true',
  });

  it("serves simplejwt's views with the settings from the environment, and not drf-jwt's", async () => {
    const pair = await login(server());
    expect(pair.status).toBe(200);
    const access = payloadOf(pair.body.access);
    expect(access.exp).toBe((access.iat as number) + 120);
    const guarded = await request(server()).get('/protected-url/').set('Authorization', `Bearer ${pair.body.access}`);
    expect(guarded.status).toBe(200);
    const refreshed = await request(server()).post('/api/token/refresh/').send({ refresh: pair.body.refresh });
    expect(Object.keys(refreshed.body)).toEqual(['access', 'refresh']);
    const reused = await request(server()).post('/api/token/refresh/').send({ refresh: pair.body.refresh });
    // Within the rotation grace period (10 s by default), the same successor: nobody is logged out.
    expect(reused.body.refresh).toBe(refreshed.body.refresh);
    expect(
      (await request(server()).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' })).status,
    ).toBe(404);
  });
});

describe.each(HTTP_ADAPTERS)('sample with JWT_TOKEN_PROTOCOL=both and JWT_SLIDING_TOKENS on %s', (adapter) => {
  const server = useSample(adapter, 'both', { JWT_TOKEN_PROTOCOL: 'both', JWT_SLIDING_TOKENS: 'true' });

  it('serves the sliding views at /api/token/ beside /api-token-auth/', async () => {
    const sliding = await login(server());
    expect(Object.keys(sliding.body)).toEqual(['token']);
    expect(payloadOf(sliding.body.token).token_type).toBe('sliding');
    const drf = await request(server()).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
    expect(drf.status).toBe(200);
    expect(Object.keys(drf.body)).toEqual(['token']);
  });
});
