import { describe, expect, it } from '@jest/globals';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { JwtAuthConfigError } from '../../lib/common/errors.js';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';

/** A loginThrottle value that is wrong on purpose, as a JavaScript caller could pass it. */
const withThrottle = (loginThrottle: unknown): JwtAuthModuleOptions =>
  ({ secretKey: SECRET, loginThrottle }) as JwtAuthModuleOptions;

/** The JwtAuthConfigError resolveSettings throws for these options. */
function configError(options: JwtAuthModuleOptions): JwtAuthConfigError {
  try {
    resolveSettings(options);
  } catch (error) {
    expect(error).toBeInstanceOf(JwtAuthConfigError);
    return error as JwtAuthConfigError;
  }
  throw new Error('expected a JwtAuthConfigError, but the options were accepted');
}

const storage: ThrottlerStorage = {
  increment: async () => ({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 }),
};

describe('resolveSettings: loginThrottle', () => {
  it('is on by default: 10 attempts a minute per username, 100 per address, the in-memory storage', () => {
    expect(resolveSettings({ secretKey: SECRET }).loginThrottle).toEqual({
      limit: 10,
      ttl: 60,
      perAddressLimit: 100,
      storage: undefined,
    });
  });

  it('takes true as the defaults and false as off', () => {
    expect(resolveSettings(withThrottle(true)).loginThrottle).toEqual(
      resolveSettings({ secretKey: SECRET }).loginThrottle,
    );
    expect(resolveSettings(withThrottle(false)).loginThrottle).toBe(false);
  });

  it('fills in what an object leaves out', () => {
    expect(resolveSettings(withThrottle({ limit: 5 })).loginThrottle).toEqual({
      limit: 5,
      ttl: 60,
      perAddressLimit: 100,
      storage: undefined,
    });
  });

  it('reads ttl as a duration in seconds, and keeps the storage it is given', () => {
    expect(resolveSettings(withThrottle({ limit: 3, ttl: '15m', perAddressLimit: 50, storage })).loginThrottle).toEqual(
      { limit: 3, ttl: 900, perAddressLimit: 50, storage },
    );
    expect(resolveSettings(withThrottle({ ttl: 2 })).loginThrottle).toMatchObject({ ttl: 2 });
    expect(resolveSettings(withThrottle({ ttl: '90' })).loginThrottle).toMatchObject({ ttl: 90 });
  });

  it('turns the per-address limit off with perAddressLimit: false', () => {
    expect(resolveSettings(withThrottle({ perAddressLimit: false })).loginThrottle).toMatchObject({
      limit: 10,
      perAddressLimit: false,
    });
  });

  it.each([['on'], [1], [null], [[]], ['false']])('refuses loginThrottle: %j, naming it', (value) => {
    const error = configError(withThrottle(value));
    expect(error.message).toBe(
      `nest-rest-jwt: option "loginThrottle" must be false, true or an object (got ${JSON.stringify(value)})`,
    );
  });

  it.each([
    ['limit', 0],
    ['limit', -1],
    ['limit', 2.5],
    ['limit', '10'],
    ['limit', Number.NaN],
    ['limit', Number.POSITIVE_INFINITY],
    ['limit', null],
    ['perAddressLimit', 0],
    ['perAddressLimit', true],
    ['perAddressLimit', '100'],
  ])('refuses loginThrottle.%s: %p, naming it', (name, value) => {
    const error = configError(withThrottle({ [name]: value }));
    expect(error.message).toMatch(
      new RegExp(`^nest-rest-jwt: option "loginThrottle\\.${name}" must be a whole number of attempts, at least 1`),
    );
  });

  it.each([[0], ['0s'], [0.5], [-60], ['soon'], ['5 fortnights'], [null], [{}]])(
    'refuses ttl: %p, naming loginThrottle.ttl',
    (value) => {
      const error = configError(withThrottle({ ttl: value }));
      expect(error.message).toMatch(/^nest-rest-jwt: option "loginThrottle\.ttl" must be at least one second/);
    },
  );

  it.each([[null], [{}], ['redis://localhost'], [{ increment: 'yes' }], [new Map()]])(
    'refuses storage: %p, naming loginThrottle.storage',
    (value) => {
      const error = configError(withThrottle({ storage: value }));
      expect(error.message).toBe(
        'nest-rest-jwt: option "loginThrottle.storage" must be a ThrottlerStorage from @nestjs/throttler ' +
          '(an object with an increment() method)',
      );
    },
  );
});
