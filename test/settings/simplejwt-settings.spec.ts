import { describe, expect, it } from '@jest/globals';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { resolveSimpleJwtSettings, simpleJwtPathsOf, tokenProtocolOf } from '../../lib/settings/simplejwt-settings.js';
import type { SimpleJwtOptions } from '../../lib/settings/simplejwt-options.js';

describe('resolveSimpleJwtSettings', () => {
  it("has simplejwt 5.5's defaults, durations in seconds", () => {
    expect(resolveSimpleJwtSettings(undefined)).toEqual({
      accessTokenLifetime: 300,
      refreshTokenLifetime: 86400,
      rotateRefreshTokens: false,
      blacklistAfterRotation: false,
      updateLastLogin: false,
      authHeaderTypes: ['Bearer'],
      userIdField: 'id',
      userIdClaim: 'user_id',
      tokenTypeClaim: 'token_type',
      jtiClaim: 'jti',
      checkUserIsActive: true,
      checkRevokeToken: false,
      revokeTokenClaim: 'hash_password',
      slidingTokenRefreshExpClaim: 'refresh_exp',
      slidingTokenLifetime: 300,
      slidingTokenRefreshLifetime: 86400,
      slidingTokens: false,
      authTokenClasses: ['access'],
      audience: undefined,
      issuer: undefined,
      leeway: 0,
      refreshCookie: undefined,
    });
  });

  it('reads durations as text, one scheme as a list, and sliding tokens as the accepted class', () => {
    const settings = resolveSimpleJwtSettings({
      accessTokenLifetime: '15m',
      refreshTokenLifetime: '7d',
      authHeaderTypes: 'JWT',
      slidingTokens: true,
    });
    expect(settings).toMatchObject({
      accessTokenLifetime: 900,
      refreshTokenLifetime: 604800,
      authHeaderTypes: ['JWT'],
      authTokenClasses: ['sliding'],
    });
  });

  it.each([
    [{ accessTokenLifetime: '0s' }, 'simpleJwt.accessTokenLifetime'],
    [{ authHeaderTypes: ['Bearer', 'Bearer'] }, 'simpleJwt.authHeaderTypes'],
    [{ jtiClaim: 'user_id' }, 'simpleJwt.userIdClaim'],
    [{ authTokenClasses: [] }, 'simpleJwt.authTokenClasses'],
    [{ refreshCookie: 'a cookie' }, 'simpleJwt.refreshCookie'],
    [{ audience: '' }, 'simpleJwt.audience'],
  ] as [SimpleJwtOptions, string][])('refuses %j, naming %s', (options, option) => {
    expect(() => resolveSimpleJwtSettings(options)).toThrow(`option "${option}"`);
    expect(() => resolveSimpleJwtSettings(options)).toThrow(JwtAuthConfigError);
  });
});

describe('tokenProtocolOf and simpleJwtPathsOf', () => {
  it("defaults to 'drf-jwt' and simplejwt's README URLs", () => {
    expect(tokenProtocolOf(undefined)).toBe('drf-jwt');
    expect(simpleJwtPathsOf(undefined)).toEqual({
      obtain: 'api/token',
      refresh: 'api/token/refresh',
      verify: 'api/token/verify',
      blacklist: 'api/token/blacklist',
    });
  });

  it('takes paths with or without slashes around them', () => {
    expect(simpleJwtPathsOf({ obtain: '/auth/login/' }).obtain).toBe('auth/login');
  });
});
