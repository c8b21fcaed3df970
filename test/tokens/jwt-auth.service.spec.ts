import { describe, expect, it, jest } from '@jest/globals';
import type { JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { UserLookupService } from '../../lib/users/user-lookup.service.js';
import { nowSeconds } from '../../lib/common/clock.js';
import { refreshExpired } from '../../lib/common/claims.js';
import type { JwtAuthService } from '../../lib/flows/jwt-auth.service.js';
import { wireJwtAuthService } from '../support/wire-service.js';

interface User {
  id: number;
  username: string;
  email?: string;
}

class Users extends UserLookupService<User> {
  async findByUsername(username: string): Promise<User | undefined> {
    return username === 'admin' ? { id: 1, username, email: 'admin@example.com' } : undefined;
  }

  async verifyPassword(): Promise<boolean> {
    return true;
  }
}

/** JwtAuthService wired by hand, as the module wires it, without a Nest app. */
function serviceWith(options: Partial<JwtAuthModuleOptions> = {}): JwtAuthService<User> {
  const settings = resolveSettings({ secretKey: 'unit-test-secret-that-is-long-enough-for-hs256', ...options });
  return wireJwtAuthService<User>(settings, new Users());
}

const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe('refreshExpired (refresh allowed while now <= orig_iat + delta)', () => {
  it('before the end of the window: not expired', () => {
    expect(refreshExpired(1000, 100, 1050)).toBe(false);
  });

  it('exactly at orig_iat + delta: not expired (inclusive boundary)', () => {
    expect(refreshExpired(1000, 100, 1100)).toBe(false);
  });

  it('one second after orig_iat + delta: expired', () => {
    expect(refreshExpired(1000, 100, 1101)).toBe(true);
  });

  it('at orig_iat itself: not expired', () => {
    expect(refreshExpired(1000, 100, 1000)).toBe(false);
  });

  it('a zero delta allows refreshing only in the second of orig_iat', () => {
    expect([refreshExpired(1000, 0, 1000), refreshExpired(1000, 0, 1001)]).toEqual([false, true]);
  });

  it('the default 7-day window: allowed at 7 days, refused at 7 days + 1 s', () => {
    const week = 7 * 24 * 3600;
    expect([refreshExpired(0, week, week), refreshExpired(0, week, week + 1)]).toEqual([false, true]);
  });
});

describe('nowSeconds', () => {
  it('is whole seconds since the epoch', () => {
    // The clock set, not read twice: nothing depends on how much time passes in between.
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_700_000_123_999);
    try {
      const seconds = nowSeconds();
      expect(Number.isInteger(seconds)).toBe(true);
      expect(seconds).toBe(1_700_000_123);
    } finally {
      now.mockRestore();
    }
  });
});

describe('JwtAuthService.sign and issueToken (the payload decides every claim)', () => {
  const admin: User = { id: 1, username: 'admin', email: 'admin@example.com' };

  it("sign keeps the payload's own iat", () => {
    const token = serviceWith().sign({ username: 'admin', exp: 2_000_000_300, iat: 2_000_000_000 });
    expect(claimsOf(token)).toEqual({ username: 'admin', exp: 2_000_000_300, iat: 2_000_000_000 });
  });

  it('sign adds no iat when the payload has none', () => {
    expect(claimsOf(serviceWith().sign({ username: 'admin', exp: 2_000_000_300 }))).toEqual({
      username: 'admin',
      exp: 2_000_000_300,
    });
  });

  it('issueToken: iat = now and exp = iat + expirationDelta by default', () => {
    const before = nowSeconds();
    const claims = claimsOf(serviceWith().issueToken(admin));
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.exp).toBe((claims.iat as number) + 300);
  });

  it('issueToken with includeIssuedAt and includeTokenId false: exactly the reference claims', () => {
    const claims = claimsOf(serviceWith({ includeIssuedAt: false, includeTokenId: false }).issueToken(admin));
    expect(Object.keys(claims).sort()).toEqual(['email', 'exp', 'user_id', 'username']);
  });

  it('issueToken with allowRefresh, audience and issuer: orig_iat, aud and iss are added', () => {
    const claims = claimsOf(serviceWith({ allowRefresh: true, audience: 'api', issuer: 'me' }).issueToken(admin));
    expect(claims).toMatchObject({ aud: 'api', iss: 'me', orig_iat: claims.iat });
  });

  it('issueToken goes through payloadHandler, which receives the defaults', () => {
    const service = serviceWith({
      payloadHandler: (user, defaults) => ({ ...defaults, role: (user as User).id === 1 ? 'admin' : 'user' }),
    });
    expect(claimsOf(service.issueToken(admin))).toMatchObject({ username: 'admin', role: 'admin' });
  });

  it('a signed token verifies through verifyPayload()', async () => {
    const service = serviceWith();
    expect((await service.verifyPayload(service.issueToken(admin))).username).toBe('admin');
  });
});
