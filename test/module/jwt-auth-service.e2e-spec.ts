import { beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { JwtAuthService } from '../../lib/flows/jwt-auth.service.js';
import { TokenRejectedError, type TokenRejection } from '../../lib/common/errors.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import type { TestUser } from '../support/users.js';
import { adminClaims, now, payloadOf, signHs } from '../support/tokens.js';

/** Runs `action` and returns the TokenRejectedError it throws (or rejects with); fails otherwise. */
async function rejection(action: () => unknown): Promise<TokenRejectedError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRejectedError);
    return error as TokenRejectedError;
  }
  throw new Error('expected a TokenRejectedError, but nothing was thrown');
}

async function expectRejected(action: () => unknown, reason: TokenRejection, message: string): Promise<void> {
  const error = await rejection(action);
  expect({ reason: error.reason, message: error.message, name: error.name }).toEqual({
    reason,
    message,
    name: 'TokenRejectedError',
  });
}

// The service involves no HTTP: these run once, in an app on one adapter; what reaches HTTP
// (a token the guard accepts) is checked on both, below.
describe('JwtAuthService from code', () => {
  const t = useApp(
    'express',
    () =>
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        allowRefresh: true,
        refreshExpirationDelta: '1h',
        imports: [UsersModule],
      }),
    { resetUsers: true },
  );
  let service: JwtAuthService<TestUser>;
  const admin = () => t.users.users.get('admin')!;

  beforeAll(() => {
    service = t.app.get(JwtAuthService) as JwtAuthService<TestUser>;
  });

  describe('issueToken', () => {
    it('issues the default payload: user_id, username, email, exp = now + 300, orig_iat = now, jti', () => {
      const before = now();
      const payload = payloadOf(service.issueToken(admin()));
      const after = now();
      expect(payload).toMatchObject({ user_id: 1, username: 'admin', email: 'admin@example.com' });
      expect(payload.orig_iat).toBeGreaterThanOrEqual(before);
      expect(payload.orig_iat).toBeLessThanOrEqual(after);
      expect(payload.exp).toBe((payload.orig_iat as number) + 300);
      expect(typeof payload.jti).toBe('string');
    });

    it('includes "iat" = issue time (includeIssuedAt defaults to true)', () => {
      const before = now();
      const payload = payloadOf(service.issueToken(admin()));
      expect(payload.iat).toBeGreaterThanOrEqual(before);
      expect(payload.iat).toBe(payload.orig_iat);
      expect(payload.exp).toBe((payload.iat as number) + 300);
    });

    it('gives every token a different jti', () => {
      expect(payloadOf(service.issueToken(admin())).jti).not.toBe(payloadOf(service.issueToken(admin())).jti);
    });
  });

  describe('verifyToken', () => {
    it('returns the same token, the user and the payload', async () => {
      const token = service.issueToken(admin());
      const verified = await service.verifyToken(token);
      expect(verified.token).toBe(token);
      expect(verified.user.username).toBe('admin');
      expect(verified.payload.username).toBe('admin');
    });

    it('expired: reason "expired", "Signature has expired."', async () => {
      await expectRejected(
        () => service.verifyToken(signHs(adminClaims({ exp: now() - 10 }))),
        'expired',
        'Signature has expired.',
      );
    });

    it('wrong secret: reason "decode", "Error decoding signature."', async () => {
      const token = signHs(adminClaims(), { secret: 'y'.repeat(40) });
      await expectRejected(() => service.verifyToken(token), 'decode', 'Error decoding signature.');
    });

    it('HS512 when HS256 is configured: reason "invalid", "Invalid token."', async () => {
      await expectRejected(
        () => service.verifyToken(signHs(adminClaims(), { alg: 'HS512' })),
        'invalid',
        'Invalid token.',
      );
    });

    it('no username: reason "payload", "Invalid payload."', async () => {
      await expectRejected(
        () => service.verifyToken(signHs({ user_id: 1, exp: now() + 60 })),
        'payload',
        'Invalid payload.',
      );
    });

    it('unknown user: reason "user_not_found", "User doesn\'t exist."', async () => {
      await expectRejected(
        () => service.verifyToken(signHs(adminClaims({ username: 'nobody' }))),
        'user_not_found',
        "User doesn't exist.",
      );
    });

    it('user deactivated after issue: reason "user_inactive", "User account is disabled."', async () => {
      const token = service.issueToken(admin());
      admin().isActive = false;
      await expectRejected(() => service.verifyToken(token), 'user_inactive', 'User account is disabled.');
    });
  });

  describe('verifyPayload', () => {
    it('returns the verified payload without looking up the user', async () => {
      const payload = await service.verifyPayload(signHs(adminClaims({ username: 'nobody' })));
      expect(payload.username).toBe('nobody');
    });

    it('garbage: reason "decode"', async () => {
      await expectRejected(() => service.verifyPayload('not-a-token'), 'decode', 'Error decoding signature.');
    });

    it('alg none: reason "invalid"', async () => {
      const token = signHs(adminClaims(), { header: { alg: 'none' } }).replace(/[^.]+$/, '');
      await expectRejected(() => service.verifyPayload(token), 'invalid', 'Invalid token.');
    });

    it('no exp: reason "invalid"', async () => {
      await expectRejected(() => service.verifyPayload(signHs({ username: 'admin' })), 'invalid', 'Invalid token.');
    });

    it('expired: reason "expired"', async () => {
      await expectRejected(
        () => service.verifyPayload(signHs(adminClaims({ exp: now() - 10 }))),
        'expired',
        'Signature has expired.',
      );
    });
  });

  describe('refreshToken', () => {
    it('returns a new token with a fresh exp and the original orig_iat', async () => {
      const origIat = now() - 600;
      const token = signHs(adminClaims({ orig_iat: origIat, exp: now() + 10 }));
      const refreshed = await service.refreshToken(token);
      const payload = payloadOf(refreshed.token);
      expect(refreshed.user.username).toBe('admin');
      expect(payload.orig_iat).toBe(origIat);
      expect(payload.exp).toBeGreaterThanOrEqual(now() + 299);
      expect(refreshed.token).not.toBe(token);
    });

    it('without orig_iat: reason "refresh_required", "orig_iat field is required."', async () => {
      await expectRejected(
        () => service.refreshToken(signHs(adminClaims())),
        'refresh_required',
        'orig_iat field is required.',
      );
    });

    it('orig_iat older than refreshExpirationDelta: reason "refresh_expired", "Refresh has expired."', async () => {
      const token = signHs(adminClaims({ orig_iat: now() - 3600 - 60 }));
      await expectRejected(() => service.refreshToken(token), 'refresh_expired', 'Refresh has expired.');
    });

    it('an expired token cannot be refreshed: reason "expired"', async () => {
      const token = signHs(adminClaims({ orig_iat: now() - 60, exp: now() - 1 }));
      await expectRejected(() => service.refreshToken(token), 'expired', 'Signature has expired.');
    });

    it('an inactive user cannot refresh: reason "user_inactive"', async () => {
      const token = service.issueToken(admin());
      admin().isActive = false;
      await expectRejected(() => service.refreshToken(token), 'user_inactive', 'User account is disabled.');
    });

    it('orig_iat that is not a number: reason "invalid", never a crash', async () => {
      const token = signHs(adminClaims({ orig_iat: 'yesterday' }));
      await expectRejected(() => service.refreshToken(token), 'invalid', 'Invalid token.');
    });
  });

  describe('authenticate', () => {
    it('returns the user for the right credentials', async () => {
      expect((await service.authenticate('admin', 'abc123'))?.username).toBe('admin');
    });

    it('returns null for a wrong password, an unknown user and an inactive user alike', async () => {
      const results = await Promise.all([
        service.authenticate('admin', 'wrong'),
        service.authenticate('nobody', 'abc123'),
        service.authenticate('inactive', 'abc123'),
      ]);
      expect(results).toEqual([null, null, null]);
    });
  });
});

describe.each(ADAPTERS)('JwtAuthService.issueToken gives a token the guard accepts (%s)', (adapter) => {
  const t = useApp(adapter, () =>
    JwtAuthModule.forRoot({
      secretKey: SECRET,
      allowRefresh: true,
      refreshExpirationDelta: '1h',
      imports: [UsersModule],
    }),
  );

  it('issues a token the guard accepts', async () => {
    const service = t.app.get(JwtAuthService) as JwtAuthService<TestUser>;
    const response = await request(t.server)
      .get('/protected-url')
      .set('Authorization', `JWT ${service.issueToken(t.users.users.get('admin')!)}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ username: 'admin' });
  });
});

describe.each(ADAPTERS)('JwtAuthService with includeIssuedAt: false and includeTokenId: false (%s)', (adapter) => {
  const t = useApp(adapter, () =>
    JwtAuthModule.forRoot({
      secretKey: SECRET,
      includeIssuedAt: false,
      includeTokenId: false,
      imports: [UsersModule],
    }),
  );

  it('issues the reference payload exactly: user_id, username, exp, email (no iat, jti or orig_iat)', () => {
    const service = t.app.get(JwtAuthService);
    const payload = payloadOf(service.issueToken(t.users.users.get('admin')!));
    expect(Object.keys(payload).sort()).toEqual(['email', 'exp', 'user_id', 'username']);
  });

  it('the header is exactly {"alg":"HS256","typ":"JWT"}', () => {
    const token = t.app.get(JwtAuthService).issueToken(t.users.users.get('admin')!);
    expect(Buffer.from(token.split('.')[0], 'base64url').toString()).toBe('{"alg":"HS256","typ":"JWT"}');
  });

  it('such a token passes the guard', async () => {
    const token = t.app.get(JwtAuthService).issueToken(t.users.users.get('admin')!);
    expect((await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`)).status).toBe(200);
  });
});
