import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { createHash } from 'node:crypto';
import { SimpleJwtTokenError } from '../../lib/common/errors.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import type { SimpleJwtOptions } from '../../lib/settings/simplejwt-options.js';
import { jwtModuleOptions } from '../../lib/tokens/jwt-options.js';
import { SimpleJwtTokens } from '../../lib/tokens/simplejwt-tokens.js';
import { TokenIssuer } from '../../lib/tokens/token-issuer.js';
import { SECRET } from '../support/apps.js';
import { signHs } from '../support/tokens.js';
import { InMemoryUsers, type TestUser } from '../support/users.js';

/** simplejwt's tokens (tokens.py), without an app: claims, copies, checks. */
function tokensWith(simpleJwt: SimpleJwtOptions = {}) {
  const settings = resolveSettings({ secretKey: SECRET, simpleJwt }, 'forRoot', 'simplejwt');
  const users = new InMemoryUsers();
  const issuer = new TokenIssuer<TestUser>(settings, new JwtService(jwtModuleOptions(settings)), users);
  return { tokens: new SimpleJwtTokens<TestUser>(settings, issuer, users), users };
}

const admin: TestUser = { id: 1, username: 'admin', password: 'pbkdf2_sha256$x', isActive: true };

describe('SimpleJwtTokens', () => {
  it('writes token_type, exp, iat, jti (uuid4 hex) and user_id as text, in that order', () => {
    const { tokens } = tokensWith();
    const refresh = tokens.forUser('refresh', admin);
    expect(Object.keys(refresh)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
    expect(refresh.user_id).toBe('1');
    expect(refresh.jti).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(refresh.exp).toBe((refresh.iat as number) + 86400);
  });

  it('copies every claim of the refresh token into its access token but type, exp, iat and jti', () => {
    const { tokens } = tokensWith();
    const refresh = { ...tokens.forUser('refresh', admin), tenant: 'acme', roles: ['a'] };
    const access = tokens.accessFrom(refresh);
    expect(access).toMatchObject({ token_type: 'access', user_id: '1', tenant: 'acme', roles: ['a'] });
    expect(access.jti).not.toBe(refresh.jti);
    expect(access.exp).toBe((access.iat as number) + 300);
  });

  it('writes the upper-case MD5 of the stored hash under checkRevokeToken (get_md5_hash_password)', () => {
    const { tokens } = tokensWith({ checkRevokeToken: true });
    const expected = createHash('md5').update('pbkdf2_sha256$x').digest('hex').toUpperCase();
    expect(tokens.forUser('access', admin).hash_password).toBe(expected);
  });

  it('names the user by userIdField and the claims by their settings', () => {
    const { tokens } = tokensWith({
      userIdField: 'username',
      userIdClaim: 'uid',
      tokenTypeClaim: 'typ',
      jtiClaim: 'tid',
    });
    const access = tokens.forUser('access', admin);
    expect(Object.keys(access)).toEqual(['typ', 'exp', 'iat', 'tid', 'uid']);
    expect(access.uid).toBe('admin');
  });

  it('adds aud and iss when signing, and checks them when decoding', () => {
    const { tokens } = tokensWith({ audience: 'api', issuer: 'auth' });
    const token = tokens.sign(tokens.forUser('access', admin));
    expect(tokens.decode(token)).toMatchObject({ aud: 'api', iss: 'auth' });
    const other = tokensWith({ audience: 'other' }).tokens;
    expect(() => other.decode(token)).toThrow(new SimpleJwtTokenError('Token is invalid'));
  });

  it.each([
    [{ exp: 1000 }, 'access', 'Token is expired'],
    [{ token_type: 'refresh' }, 'access', 'Token has wrong type'],
    [{ token_type: undefined }, 'access', 'Token has no type'],
    [{ jti: undefined }, 'access', 'Token has no id'],
  ] as const)('refuses %j as %s: %s', (extra, type, message) => {
    const { tokens } = tokensWith();
    const now = Math.floor(Date.now() / 1000);
    const raw = signHs({ token_type: 'access', exp: now + 60, iat: now, jti: 'x', user_id: '1', ...extra });
    expect(() => tokens.verifyClaims(tokens.decode(raw), type)).toThrow(new SimpleJwtTokenError(message));
  });

  it('checks refresh_exp of a sliding token by its name', () => {
    const { tokens } = tokensWith();
    const payload = { ...tokens.forUser('sliding', admin), refresh_exp: 1000 };
    expect(() => tokens.checkTime(payload, 'refresh_exp')).toThrow("Token 'refresh_exp' claim has expired");
    const without: Record<string, unknown> = { ...payload };
    delete without.refresh_exp;
    expect(() => tokens.checkTime(without, 'refresh_exp')).toThrow("Token has no 'refresh_exp' claim");
  });
});
