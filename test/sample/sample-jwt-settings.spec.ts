import { describe, expect, it, jest } from '@jest/globals';
import { join, resolve } from 'node:path';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { httpAdapterFromEnv } from '../../sample/create-app.js';
import { type EnvReader, SampleConfigError } from '../../sample/env.js';
import { jwtSettingsFromEnv } from '../../sample/jwt-settings.js';
import { databasePath } from '../../sample/paths.js';

/** An env reader over a plain object, as ConfigService.get would answer. */
function envOf(values: Record<string, string>): EnvReader {
  return (name) => values[name];
}

const SECRET = 'a-secret-of-at-least-thirty-two-bytes-for-hs256';

/** The error a call throws (fails the test when it does not throw). */
function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('sample: JWT settings from environment variables', () => {
  it('maps every Django-named variable to its option, durations as text', () => {
    const { options, generatedSecret } = jwtSettingsFromEnv(
      envOf({
        JWT_SECRET_KEY: SECRET,
        JWT_ALGORITHM: 'HS384',
        JWT_EXPIRATION_DELTA: '5m',
        JWT_ALLOW_REFRESH: 'false',
        JWT_REFRESH_EXPIRATION_DELTA: '7d',
        JWT_AUTH_HEADER_PREFIX: 'Bearer',
        JWT_LEEWAY: '30',
        JWT_AUDIENCE: 'my-api',
        JWT_ISSUER: 'https://issuer.example',
        JWT_VERIFY_EXPIRATION: 'no',
        JWT_ERROR_FORMAT: 'drf',
        LOGIN_THROTTLE_LIMIT: '5',
        LOGIN_THROTTLE_TTL: '2m',
      }),
    );
    expect(generatedSecret).toBe(false);
    expect(options).toEqual({
      secretKey: SECRET,
      algorithm: 'HS384',
      expirationDelta: '5m',
      allowRefresh: false,
      refreshExpirationDelta: '7d',
      rotateOnRefresh: false,
      authHeaderPrefix: 'Bearer',
      leeway: '30',
      audience: 'my-api',
      issuer: 'https://issuer.example',
      verifyExpiration: false,
      errorFormat: 'drf',
      loginThrottle: { limit: 5, ttl: '2m' },
    });
  });

  it('leaves unset and empty variables to the library defaults, but turns refresh on', () => {
    const { options } = jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, JWT_EXPIRATION_DELTA: '', JWT_ISSUER: '' }));
    expect(options.allowRefresh).toBe(true);
    expect(options.verifyExpiration).toBe(true);
    expect(options.algorithm).toBe('HS256');
    expect(options.errorFormat).toBe('nest');
    for (const name of [
      'expirationDelta',
      'refreshExpirationDelta',
      'leeway',
      'authHeaderPrefix',
      'audience',
      'issuer',
    ]) {
      expect(options[name as keyof typeof options]).toBeUndefined();
    }
  });

  it('turns cookie mode on with JWT_AUTH_COOKIE (Secure unless JWT_AUTH_COOKIE_SECURE=false), off without it', () => {
    expect(jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET })).options.authCookie).toBeUndefined();
    expect(jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, JWT_AUTH_COOKIE: 'jwt' })).options.authCookie).toEqual({
      name: 'jwt',
      secure: true,
    });
    const insecure = jwtSettingsFromEnv(
      envOf({ JWT_SECRET_KEY: SECRET, JWT_AUTH_COOKIE: 'jwt', JWT_AUTH_COOKIE_SECURE: 'false' }),
    );
    expect(insecure.options.authCookie).toEqual({ name: 'jwt', secure: false });
    expect(resolveSettings(insecure.options).csrf).toEqual({
      cookieName: 'csrftoken',
      headerName: 'x-csrftoken',
      trustedOrigins: [],
    });
  });

  it('rotates on refresh only with JWT_ROTATE_ON_REFRESH=true', () => {
    expect(jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET })).options.rotateOnRefresh).toBe(false);
    const rotating = jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, JWT_ROTATE_ON_REFRESH: 'true' }));
    expect(rotating.options.rotateOnRefresh).toBe(true);
    expect(
      errorOf(() => jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, JWT_ROTATE_ON_REFRESH: 'maybe' }))),
    ).toBeInstanceOf(SampleConfigError);
  });

  it('limits logins to 10 attempts a minute per username unless LOGIN_THROTTLE_* say otherwise', () => {
    const unset = jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, LOGIN_THROTTLE_TTL: '' })).options;
    expect(resolveSettings(unset).loginThrottle).toMatchObject({ limit: 10, ttl: 60 });
    const set = jwtSettingsFromEnv(
      envOf({ JWT_SECRET_KEY: SECRET, LOGIN_THROTTLE_LIMIT: ' 3 ', LOGIN_THROTTLE_TTL: '30' }),
    );
    expect(resolveSettings(set.options).loginThrottle).toMatchObject({ limit: 3, ttl: 30 });
  });

  it.each(['ten', '0', '-1', '1.5', '1e3'])('refuses LOGIN_THROTTLE_LIMIT=%s, naming it', (value) => {
    const error = errorOf(() => jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, LOGIN_THROTTLE_LIMIT: value })));
    expect(error).toBeInstanceOf(SampleConfigError);
    expect(error.message).toContain('LOGIN_THROTTLE_LIMIT');
  });

  it('leaves a bad LOGIN_THROTTLE_TTL to the library, which names its option at start-up', () => {
    const { options } = jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, LOGIN_THROTTLE_TTL: 'soon' }));
    expect(() => resolveSettings(options)).toThrow('option "loginThrottle.ttl"');
  });

  it('generates a random 64-byte secret when JWT_SECRET_KEY is missing, and says so', () => {
    const first = jwtSettingsFromEnv(envOf({}));
    const second = jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: '' }));
    expect(first.generatedSecret).toBe(true);
    expect(second.generatedSecret).toBe(true);
    expect(Buffer.isBuffer(first.options.secretKey)).toBe(true);
    expect((first.options.secretKey as Buffer).length).toBe(64);
    expect((first.options.secretKey as Buffer).equals(second.options.secretKey as Buffer)).toBe(false);
  });

  it('uses the given secret as is and makes none', () => {
    const makeSecret = jest.fn(() => Buffer.alloc(64));
    const padded = `  ${SECRET}  `;
    const { options, generatedSecret } = jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: padded }), makeSecret);
    expect(options.secretKey).toBe(padded);
    expect(generatedSecret).toBe(false);
    expect(makeSecret).not.toHaveBeenCalled();
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['Yes', true],
    [' false ', false],
    ['0', false],
    ['NO', false],
  ])('reads the boolean %j as %s', (value, expected) => {
    const { options } = jwtSettingsFromEnv(
      envOf({ JWT_SECRET_KEY: SECRET, JWT_ALLOW_REFRESH: value, JWT_VERIFY_EXPIRATION: value }),
    );
    expect(options.allowRefresh).toBe(expected);
    expect(options.verifyExpiration).toBe(expected);
  });

  it.each(['JWT_ALLOW_REFRESH', 'JWT_VERIFY_EXPIRATION'])('refuses a bad boolean in %s, naming it', (name) => {
    const error = errorOf(() => jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, [name]: 'maybe' })));
    expect(error).toBeInstanceOf(SampleConfigError);
    expect(error.message).toContain(name);
    expect(error.message).toContain('"maybe"');
  });

  it.each([
    ['JWT_ALGORITHM', 'RS256'],
    ['JWT_ALGORITHM', 'none'],
    ['JWT_ERROR_FORMAT', 'json'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const error = errorOf(() => jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, [name]: value })));
    expect(error).toBeInstanceOf(SampleConfigError);
    expect(error.message).toContain(name);
  });
});

describe('sample: HTTP_ADAPTER and SAMPLE_DB', () => {
  it('defaults to Express and accepts fastify in any case', () => {
    expect(httpAdapterFromEnv(envOf({}))).toBe('express');
    expect(httpAdapterFromEnv(envOf({ HTTP_ADAPTER: 'fastify' }))).toBe('fastify');
    expect(httpAdapterFromEnv(envOf({ HTTP_ADAPTER: 'Express' }))).toBe('express');
  });

  it('refuses any other adapter, naming HTTP_ADAPTER', () => {
    const error = errorOf(() => httpAdapterFromEnv(envOf({ HTTP_ADAPTER: 'koa' })));
    expect(error).toBeInstanceOf(SampleConfigError);
    expect(error.message).toMatch(/^HTTP_ADAPTER must be one of express, fastify/);
  });

  it('keeps the database in sample/db.sqlite3 unless SAMPLE_DB says otherwise', () => {
    expect(databasePath(undefined)).toBe(resolve(import.meta.dirname, '..', '..', 'sample', 'db.sqlite3'));
    expect(databasePath('')).toBe(databasePath(undefined));
    expect(databasePath('some/users.sqlite3')).toBe(join(process.cwd(), 'some', 'users.sqlite3'));
  });
});

describe('sample: REDIS_URL and REDIS_CLUSTER_NODES', () => {
  it('refuses both at once, and seed nodes that are not host:port', () => {
    const both = errorOf(() =>
      jwtSettingsFromEnv(
        envOf({ JWT_SECRET_KEY: SECRET, REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: '127.0.0.1:2' }),
      ),
    );
    expect(both).toBeInstanceOf(SampleConfigError);
    expect(both.message).toContain('not both');
    for (const nodes of ['127.0.0.1', '127.0.0.1:2,', 'http://127.0.0.1:2']) {
      const error = errorOf(() => jwtSettingsFromEnv(envOf({ JWT_SECRET_KEY: SECRET, REDIS_CLUSTER_NODES: nodes })));
      expect(error.message).toContain('REDIS_CLUSTER_NODES must be host:port seed nodes');
    }
    const library = errorOf(() =>
      jwtSettingsFromEnv(
        envOf({ JWT_SECRET_KEY: SECRET, REDIS_CLUSTER_NODES: '127.0.0.1:2', REDIS_CLIENT_LIBRARY: 'node-redis' }),
      ),
    );
    expect(library.message).toContain('REDIS_CLIENT_LIBRARY');
  });

  it.each(['ioredis', 'redis'])('makes a cluster store from seed nodes with %s', async (library) => {
    const { options } = jwtSettingsFromEnv(
      envOf({
        JWT_SECRET_KEY: SECRET,
        REDIS_CLUSTER_NODES: '127.0.0.1:1, redis://127.0.0.1:2',
        REDIS_CLIENT_LIBRARY: library,
      }),
    );
    const store = options.revocationStore;
    expect(store?.constructor.name).toBe('RedisRevocationStore');
    // Nothing listens there: a lookup fails (closed), and the store closes its client.
    await expect(Promise.resolve(store?.lookup({ subject: 'admin' }))).rejects.toThrow();
    await store?.close?.();
  });
});
