import { afterEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { parseAuthorizationHeader, schemeMismatch } from '../../lib/guards/authorization-header.js';
import { startupLine } from '../../lib/jwt-auth.startup.js';
import { debugLogsEnabled } from '../../lib/refusals/refusal-log.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { SECRET } from '../support/apps.js';

/** Logger's static state, restored after each test (it is the process's). */
const statics = Logger as unknown as { staticInstanceRef?: LoggerService; logLevels?: LogLevel[] };
const saved = { instance: statics.staticInstanceRef, levels: statics.logLevels };

const plainLogger: LoggerService = { log() {}, error() {}, warn() {} };

describe('debugLogsEnabled: whether refusal lines are built, the same on Nest 11 and 12', () => {
  afterEach(() => {
    statics.staticInstanceRef = saved.instance;
    statics.logLevels = saved.levels;
  });

  it("Nest's default logger with no levels set prints debug lines: yes (Nest 11's isLevelEnabled says no)", () => {
    statics.staticInstanceRef = new ConsoleLogger();
    statics.logLevels = undefined;
    expect(debugLogsEnabled()).toBe(true);
  });

  it('a ConsoleLogger (or subclass) without debug in its levels: no', () => {
    statics.staticInstanceRef = new ConsoleLogger({ logLevels: ['log', 'warn', 'error'] });
    expect(debugLogsEnabled()).toBe(false);
    class Quiet extends ConsoleLogger {}
    statics.staticInstanceRef = new Quiet({ logLevels: ['error'] });
    expect(debugLogsEnabled()).toBe(false);
  });

  it('logger: false: no', () => {
    Logger.overrideLogger(false);
    expect(debugLogsEnabled()).toBe(false);
  });

  it("an app's own logger: yes with no levels set, else by the levels set", () => {
    Logger.overrideLogger(plainLogger);
    statics.logLevels = undefined;
    expect(debugLogsEnabled()).toBe(true);
    Logger.overrideLogger(['log', 'warn', 'error']);
    expect(debugLogsEnabled()).toBe(false);
    Logger.overrideLogger(['log', 'debug']);
    expect(debugLogsEnabled()).toBe(true);
    // Nest's rule: a more verbose level listed enables debug too.
    Logger.overrideLogger(['verbose']);
    expect(debugLogsEnabled()).toBe(true);
  });
});

describe('schemeMismatch: the debug detail of an Authorization header that is not ours', () => {
  it('names the scheme sent and the ones expected', () => {
    expect(schemeMismatch('Bearer abc', 'JWT')).toBe('Authorization scheme "Bearer" sent, "JWT" expected');
    expect(schemeMismatch('Basic abc', ['JWT', 'Bearer'])).toBe(
      'Authorization scheme "Basic" sent, "JWT" or "Bearer" expected',
    );
  });

  it('never repeats a value that may be a token: a bare value, or a long or odd "scheme"', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VybmFtZSI6ImFkbWluIn0.c2lnbmF0dXJl';
    expect(schemeMismatch(token, 'JWT')).toBe('Authorization sent without a scheme, "JWT" expected');
    expect(schemeMismatch(`${token} x`, 'JWT')).toBe('Authorization sent without a scheme, "JWT" expected');
    expect(schemeMismatch('abcdefghijklmnopqrstuvwxyz x', 'JWT')).toBe(
      'Authorization sent without a scheme, "JWT" expected',
    );
  });

  it('is undefined for no header, an empty one, or our own scheme', () => {
    expect(schemeMismatch(undefined, 'JWT')).toBeUndefined();
    expect(schemeMismatch('  ', 'JWT')).toBeUndefined();
    expect(schemeMismatch('jwt abc', 'JWT')).toBeUndefined();
    expect(schemeMismatch('JWT', 'JWT')).toBeUndefined();
  });
});

describe('authHeaderPrefix: one scheme or several', () => {
  it('parses any of the listed schemes, case-insensitively', () => {
    expect(parseAuthorizationHeader('bearer abc', ['JWT', 'Bearer'])).toEqual({ kind: 'token', token: 'abc' });
    expect(parseAuthorizationHeader('JWT abc', ['JWT', 'Bearer'])).toEqual({ kind: 'token', token: 'abc' });
    expect(parseAuthorizationHeader('Basic abc', ['JWT', 'Bearer'])).toEqual({ kind: 'absent' });
  });

  it('resolves to the list, and to its first for the challenge', () => {
    const settings = resolveSettings({ secretKey: SECRET, authHeaderPrefix: ['Bearer', 'JWT'] });
    expect(settings.authHeaderPrefixes).toEqual(['Bearer', 'JWT']);
    expect(settings.authHeaderPrefix).toBe('Bearer');
    expect(resolveSettings({ secretKey: SECRET }).authHeaderPrefixes).toEqual(['JWT']);
  });

  it.each([
    [[], 'must be a scheme such as "JWT" or "Bearer", or a non-empty list of them'],
    [['JWT', 'Bearer token'], 'must be a scheme such as "JWT" or "Bearer", or a non-empty list of them'],
    [['JWT', ''], 'must be a scheme'],
    [['JWT', 42], 'must be a scheme'],
    ['JWT:', 'must be a scheme'],
    [['JWT', 'jwt'], 'lists "jwt" twice (schemes are case-insensitive)'],
  ])('refuses %j at start-up', (value, message) => {
    const resolve = () => resolveSettings({ secretKey: SECRET, authHeaderPrefix: value as string[] });
    expect(resolve).toThrow(JwtAuthConfigError);
    expect(resolve).toThrow(message);
  });
});

describe('startupLine', () => {
  const shape = { globalGuard: false, controller: true, routePrefix: '', jwks: false };

  it('with a global prefix, a cookie and the JWKS endpoint', () => {
    const settings = resolveSettings({ secretKey: SECRET, authCookie: 'jwt' });
    expect(startupLine(settings, { ...shape, jwks: true, routePrefix: 'auth' }, 'api')).toBe(
      'JwtAuthModule: HS256, Authorization: JWT <token>, cookie "jwt", endpoints at /api/auth/api-token-auth/, ' +
        '/api/auth/api-token-refresh/, /api/auth/api-token-verify/, /api/auth/api-token-revoke/, ' +
        '/api/auth/api-token-revoke-all/, JWKS at /api/.well-known/jwks.json, guard per route',
    );
  });

  it('without the controller', () => {
    const settings = resolveSettings({ algorithm: 'HS512', secretKey: SECRET.repeat(2) });
    expect(startupLine(settings, { ...shape, controller: false, globalGuard: true }, '')).toBe(
      'JwtAuthModule: HS512, Authorization: JWT <token>, no endpoints, guard global',
    );
  });

  it('verify only: no login or refresh endpoint is listed (they answer 404)', () => {
    const settings = {
      algorithm: 'RS256',
      authHeaderPrefixes: ['Bearer'],
      verifyOnly: true,
      authCookie: undefined,
    } as const;
    expect(startupLine(settings, shape, '')).toBe(
      'JwtAuthModule: RS256 (verify only), Authorization: Bearer <token>, endpoints at /api-token-verify/, ' +
        '/api-token-revoke/, /api-token-revoke-all/, guard per route',
    );
  });
});
