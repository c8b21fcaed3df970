import { describe, expect, it } from '@jest/globals';
import type { JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { createJwtAuthEvent, JWT_AUTH_LOGIN_FAILED, type LoginFailedEvent } from '../../lib/events/jwt-auth-events.js';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';

/** Hooks that are wrong on purpose, as a JavaScript caller could pass them. */
const withHooks = (hooks: unknown): JwtAuthModuleOptions =>
  ({ secretKey: SECRET, hooks }) as unknown as JwtAuthModuleOptions;

function configMessage(options: JwtAuthModuleOptions): string {
  try {
    resolveSettings(options);
  } catch (error) {
    expect(error).toBeInstanceOf(JwtAuthConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a JwtAuthConfigError, but the options were accepted');
}

describe('the hooks option, validated at start-up', () => {
  it('defaults to no hooks', () => {
    expect(resolveSettings({ secretKey: SECRET }).hooks).toEqual({});
  });

  it.each([
    [null, 'hooks'],
    ['onLoginSucceeded', 'hooks'],
    [[() => undefined], 'hooks'],
  ])('refuses %j, naming "%s"', (hooks, option) => {
    expect(configMessage(withHooks(hooks))).toMatch(
      new RegExp(`^nest-rest-jwt: option "${option}" must be an object of callbacks`),
    );
  });

  it.each(['onLoginSucceeded', 'onLoginFailed', 'onTokenRefreshed', 'onTokenRevoked'])(
    'refuses a %s that is not a function, naming it',
    (name) => {
      expect(configMessage(withHooks({ [name]: 'log it' }))).toBe(
        `nest-rest-jwt: option "hooks.${name}" must be a function`,
      );
    },
  );

  it('refuses a misspelt hook, which would never run, with the name meant', () => {
    expect(configMessage(withHooks({ onLoginSuccess: () => undefined }))).toBe(
      'nest-rest-jwt: option "hooks.onLoginSuccess" is unknown: did you mean "hooks.onLoginSucceeded"?',
    );
  });

  it('refuses a name that is no hook at all, listing the hooks', () => {
    expect(configMessage(withHooks({ audit: () => undefined }))).toBe(
      'nest-rest-jwt: option "hooks.audit" is unknown: hooks takes onLoginSucceeded, onLoginFailed, onTokenRefreshed, onTokenRevoked, onTokenReuseDetected, onRequestRefused or checkLogin',
    );
  });

  it('takes the methods of a class instance, bound to it, whatever its other fields', async () => {
    class Audit {
      readonly seen: string[] = [];
      constructor(readonly database: object) {}
      onLoginFailed(event: LoginFailedEvent) {
        this.seen.push(event.username);
      }
    }
    const audit = new Audit({});
    const { hooks } = resolveSettings({ secretKey: SECRET, hooks: audit });
    expect(Object.keys(hooks)).toEqual(['onLoginFailed']);
    const event = createJwtAuthEvent<LoginFailedEvent>(
      { name: JWT_AUTH_LOGIN_FAILED, username: 'admin', reason: 'bad_credentials' },
      { method: 'POST' },
    );
    await hooks.onLoginFailed?.(event);
    expect(audit.seen).toEqual(['admin']);
  });
});
