import { describe, expect, it } from '@jest/globals';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { MemoryRevocationStore } from '../../lib/revocation/memory-revocation-store.js';
import { DEFAULTS } from '../../lib/settings/defaults.js';
import type { JwtAuthModuleExtras, JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import {
  checkModuleShaping,
  MODULE_SHAPING_OPTIONS,
  OPTION_NAMES,
  type OptionsSource,
} from '../../lib/settings/option-names.js';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** Options that are wrong on purpose, as a JavaScript caller (or a factory typed loosely) could pass them. */
const bad = (options: Record<string, unknown>): JwtAuthModuleOptions => options as JwtAuthModuleOptions;

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(JwtAuthConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a JwtAuthConfigError, but the options were accepted');
}

// The tables and the interfaces agree, both ways (the tables' own `satisfies` proves it too).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const optionNamesAgree: Same<keyof typeof OPTION_NAMES, keyof JwtAuthModuleOptions> = true;
const shapingNamesAgree: Same<keyof typeof MODULE_SHAPING_OPTIONS, keyof JwtAuthModuleExtras> = true;

describe('the table of option names', () => {
  it('has exactly the names of the options interface and of the module-shaping options', () => {
    expect([optionNamesAgree, shapingNamesAgree]).toEqual([true, true]);
  });

  it('names every option that has a default', () => {
    expect(Object.keys(DEFAULTS).filter((name) => !Object.hasOwn(OPTION_NAMES, name))).toEqual([]);
  });

  it('no option is both module-shaping and read from the options', () => {
    expect(Object.keys(MODULE_SHAPING_OPTIONS).filter((name) => Object.hasOwn(OPTION_NAMES, name))).toEqual([]);
  });
});

describe('resolveSettings: an unknown option name stops the start, naming it', () => {
  it.each([
    [
      "expiresIn (@nestjs/jwt's)",
      { expiresIn: '60s' },
      'option "expiresIn" is unknown (it is @nestjs/jwt\'s name): did you mean "expirationDelta"?',
    ],
    ['alowRefresh', { alowRefresh: true }, 'option "alowRefresh" is unknown: did you mean "allowRefresh"?'],
    ['allowrefresh (case)', { allowrefresh: true }, 'option "allowrefresh" is unknown: did you mean "allowRefresh"?'],
    [
      'loginThrottle.limt',
      { loginThrottle: { limt: 5 } },
      'option "loginThrottle.limt" is unknown: did you mean "loginThrottle.limit"?',
    ],
    [
      'authCookie.nmae',
      { authCookie: { nmae: 'x' } },
      'option "authCookie.nmae" is unknown: did you mean "authCookie.name"?',
    ],
    [
      'csrf.header',
      { authCookie: 'jwt', csrf: { header: 'x' } },
      'option "csrf.header" is unknown: did you mean "csrf.headerName"?',
    ],
    [
      'verifyKeys[0].alg',
      { verifyKeys: [{ kid: 'old', key: SECRET, alg: 'HS256' }] },
      'option "verifyKeys[0].alg" is unknown: did you mean "verifyKeys[0].algorithm"?',
    ],
    [
      'hooks.onLoginSucess',
      { hooks: { onLoginSucess: () => undefined } },
      'option "hooks.onLoginSucess" is unknown: did you mean "hooks.onLoginSucceeded"?',
    ],
    [
      "secret (@nestjs/jwt's)",
      { secret: SECRET },
      'option "secret" is unknown (it is @nestjs/jwt\'s name): did you mean "secretKey"?',
    ],
    [
      "secretOrKey (passport-jwt's)",
      { secretOrKey: SECRET },
      'option "secretOrKey" is unknown (it is passport-jwt\'s name): did you mean "secretKey" (or "publicKey" to verify with a key pair)?',
    ],
    [
      "signOptions (@nestjs/jwt's)",
      { signOptions: { expiresIn: '60s' } },
      'option "signOptions" is unknown (it is @nestjs/jwt\'s name): give its fields as options of their own: expirationDelta (expiresIn), algorithm, audience, issuer, keyId',
    ],
    [
      "verifyOptions (@nestjs/jwt's)",
      { verifyOptions: {} },
      'option "verifyOptions" is unknown (it is @nestjs/jwt\'s name): give its fields as options of their own: algorithm (algorithms), audience, issuer, leeway (clockTolerance), verifyExpiration (ignoreExpiration)',
    ],
    [
      "ignoreExpiration (passport-jwt's)",
      { ignoreExpiration: true },
      'option "ignoreExpiration" is unknown (it is passport-jwt\'s name): did you mean "verifyExpiration: false"?',
    ],
    [
      "algorithms (passport-jwt's)",
      { algorithms: ['HS256'] },
      'option "algorithms" is unknown (it is passport-jwt\'s name): did you mean "algorithm"? (it signs and is the only one accepted; older keys go in verifyKeys)',
    ],
    [
      "jwtFromRequest (passport-jwt's)",
      { jwtFromRequest: () => null },
      'option "jwtFromRequest" is unknown (it is passport-jwt\'s name): the token is read from the Authorization header, whose scheme is "authHeaderPrefix" (default "JWT"), or from a cookie named by "authCookie"',
    ],
    [
      'a name with nothing near',
      { whatever: 1 },
      'option "whatever" is unknown: see the options in the README ("Options")',
    ],
    [
      'a nested name with nothing near',
      { loginThrottle: { window: 60 } },
      'option "loginThrottle.window" is unknown: loginThrottle takes limit, ttl, perAddressLimit or storage',
    ],
    [
      'a name whose value is undefined',
      { alowRefresh: undefined },
      'option "alowRefresh" is unknown: did you mean "allowRefresh"?',
    ],
  ])('%s', (_label, options, message) => {
    expect(messageOf(() => resolveSettings(bad({ secretKey: SECRET, ...options })))).toBe(`nest-rest-jwt: ${message}`);
  });

  it('names come first: a typo is reported before a bad value elsewhere', () => {
    expect(messageOf(() => resolveSettings(bad({ secretKey: 'short', expiresIn: 60 })))).toContain('"expiresIn"');
  });

  it("leaves the app's own objects alone: a store, a throttler storage, keys, a hooks class instance", () => {
    class Audit {
      constructor(readonly database: object) {}
      onLoginFailed() {}
    }
    const storage = { increment: async () => ({}), anything: 1 };
    expect(() =>
      resolveSettings(
        bad({
          algorithm: 'ES256',
          privateKey: ec.privateKey,
          publicKey: ec.publicKey.export({ format: 'jwk' }),
          verifyKeys: [
            { kid: 'jwk', key: ec.publicKey.export({ format: 'jwk' }), algorithm: 'ES256' },
            { kid: 'secret', key: createSecretKey(Buffer.from(SECRET)), algorithm: 'HS256' },
          ],
          revocationStore: new MemoryRevocationStore(),
          loginThrottle: { limit: 5, storage },
          hooks: new Audit({}),
        }),
      ),
    ).not.toThrow();
  });
});

describe('resolveSettings: a module-shaping option among the options says where it belongs', () => {
  it.each([
    [
      'useFactory',
      { globalGuard: true },
      'option "globalGuard" shapes the module and is read beside the factory: JwtAuthModule.forRootAsync({ globalGuard: true, useFactory })',
    ],
    [
      'useFactory',
      { routePrefix: 'auth' },
      'option "routePrefix" shapes the module and is read beside the factory: JwtAuthModule.forRootAsync({ routePrefix: \'auth\', useFactory })',
    ],
    [
      'useFactory',
      { imports: [] },
      'option "imports" shapes the module and is read beside the factory: JwtAuthModule.forRootAsync({ imports: [...], useFactory })',
    ],
    [
      'useClass',
      { isGlobal: true },
      'option "isGlobal" shapes the module and is read beside useClass, not from createJwtAuthOptions(): JwtAuthModule.forRootAsync({ isGlobal: true, useClass })',
    ],
    [
      'useExisting',
      { jwks: false },
      'option "jwks" shapes the module and is read beside useExisting, not from createJwtAuthOptions(): JwtAuthModule.forRootAsync({ jwks: false, useExisting })',
    ],
    [
      'forRoot',
      { controller: false },
      'option "controller" shapes the module: JwtAuthModule.forRoot({ controller: false, ... })',
    ],
  ] as [OptionsSource, Record<string, unknown>, string][])('from %s: %j', (source, options, message) => {
    expect(messageOf(() => resolveSettings(bad({ secretKey: SECRET, ...options }), source))).toBe(
      `nest-rest-jwt: ${message}`,
    );
  });
});

describe('checkModuleShaping', () => {
  const defaults = { isGlobal: false, globalGuard: false, controller: true, routePrefix: '', imports: [], jwks: false };

  it('accepts the defaults and values of the right types', () => {
    expect(() => checkModuleShaping(defaults, 'forRoot')).not.toThrow();
    expect(() =>
      checkModuleShaping({ ...defaults, globalGuard: true, routePrefix: 'auth', isGlobal: undefined }, 'useFactory'),
    ).not.toThrow();
  });

  it('forRoot: every option is there (the builder passes them all); only the module-shaping ones are checked here', () => {
    expect(() => checkModuleShaping({ ...defaults, secretKey: SECRET, expiresIn: 1 }, 'forRoot')).not.toThrow();
  });

  it.each([
    [{ globalGuard: 'yes' }, 'option "globalGuard" must be true or false (got "yes")'],
    [{ isGlobal: 1 }, 'option "isGlobal" must be true or false (got 1)'],
    [{ controller: null }, 'option "controller" must be true or false (got null)'],
    [{ jwks: 'true' }, 'option "jwks" must be true or false (got "true")'],
    [{ routePrefix: 5 }, 'option "routePrefix" must be a path such as \'auth\' (got 5)'],
    [{ imports: 'UsersModule' }, 'option "imports" must be an array of modules'],
  ])('refuses %j', (given, message) => {
    expect(messageOf(() => checkModuleShaping({ ...defaults, ...given }, 'forRoot'))).toBe(`nest-rest-jwt: ${message}`);
  });

  it.each([
    [
      'useFactory',
      { secretKey: SECRET },
      'option "secretKey" is given beside the factory, where only the module-shaping options (isGlobal, globalGuard, controller, jwks, routePrefix, imports, globalGuardExclude, tokenProtocol, simpleJwtPaths) are read: return it from the factory',
    ],
    [
      'useClass',
      { allowRefresh: true },
      'option "allowRefresh" is given beside the factory, where only the module-shaping options (isGlobal, globalGuard, controller, jwks, routePrefix, imports, globalGuardExclude, tokenProtocol, simpleJwtPaths) are read: return it from createJwtAuthOptions()',
    ],
    ['useFactory', { globalGaurd: true }, 'option "globalGaurd" is unknown: did you mean "globalGuard"?'],
    [
      'useFactory',
      { alowRefresh: true },
      'option "alowRefresh" is unknown: did you mean "allowRefresh"? (return it from the factory, not beside it)',
    ],
    [
      'useFactory',
      { global: true },
      'option "global" is unknown (it is @nestjs/jwt\'s name): did you mean "isGlobal" (given to forRoot, or beside the factory)?',
    ],
  ] as [OptionsSource, Record<string, unknown>, string][])('beside the factory (%s): %j', (source, given, message) => {
    expect(messageOf(() => checkModuleShaping({ ...defaults, ...given }, source))).toBe(`nest-rest-jwt: ${message}`);
  });
});
