import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JwtAuthModule, JwtAuthService } from '../../lib/index.js';
import { DjangoPasswordHasher } from '../../lib/passwords/index.js';
import {
  authHeader,
  issueTestToken,
  TESTING_HASHER_OPTIONS,
  testingJwtAuthOptions,
  testingPasswordHasher,
} from '../../lib/testing/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import type { TestUser } from '../support/users.js';

const ADMIN: TestUser = { id: 1, username: 'admin', password: 'abc123', isActive: true };

describe.each(ADAPTERS)('nest-rest-jwt/testing (%s)', (adapter) => {
  describe('testingJwtAuthOptions and authHeader', () => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot(testingJwtAuthOptions({ secretKey: SECRET, imports: [UsersModule] })),
    );

    it('authHeader(app, user) reaches a guarded route, no login endpoint involved', async () => {
      const value = authHeader(t.app, ADMIN);
      expect(value).toMatch(/^JWT [\w-]+\.[\w-]+\.[\w-]+$/);
      const response = await request(t.server).get('/protected-url').set('Authorization', value);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'admin' });
    });

    it('issueTestToken(app, user) is app.get(JwtAuthService).issueToken(user): a token the app verifies', async () => {
      const token = issueTestToken(t.app, ADMIN);
      const { user } = await t.app.get(JwtAuthService).verifyToken(token);
      expect(user).toMatchObject({ username: 'admin' });
    });

    it('a token for a user the app does not know is refused by the guard', async () => {
      const stranger = { ...ADMIN, id: 99, username: 'stranger' };
      const response = await request(t.server).get('/protected-url').set('Authorization', authHeader(t.app, stranger));
      expect(response.status).toBe(401);
    });

    it('turns the login throttle off: many failed logins, then a good one, never a 429', async () => {
      for (let attempt = 0; attempt < 12; attempt++) {
        const failed = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'no' });
        expect(failed.status).toBe(400);
      }
      const login = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      expect(login.status).toBe(200);
    });
  });

  describe('authHeader with several schemes', () => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot(
        testingJwtAuthOptions({ secretKey: SECRET, authHeaderPrefix: ['Bearer', 'JWT'], imports: [UsersModule] }),
      ),
    );

    it('uses the first scheme', async () => {
      const value = authHeader(t.app, ADMIN);
      expect(value.startsWith('Bearer ')).toBe(true);
      expect((await request(t.server).get('/protected-url').set('Authorization', value)).status).toBe(200);
    });
  });
});

describe('testingJwtAuthOptions', () => {
  it('keeps what is given, a throttle of its own included', () => {
    expect(testingJwtAuthOptions({ secretKey: SECRET })).toEqual({ secretKey: SECRET, loginThrottle: false });
    expect(testingJwtAuthOptions({ secretKey: SECRET, loginThrottle: { limit: 2 } })).toEqual({
      secretKey: SECRET,
      loginThrottle: { limit: 2 },
    });
  });
});

describe('testingPasswordHasher (NOT for production)', () => {
  it('makes Django pbkdf2_sha256 hashes at one iteration, which it and a default hasher verify', async () => {
    const hasher = testingPasswordHasher();
    expect(hasher).toBeInstanceOf(DjangoPasswordHasher);
    expect(hasher.options).toMatchObject(TESTING_HASHER_OPTIONS);
    const hash = await hasher.hash('s3cret', 'fixedsaltfixedsalt1234');
    expect(hash).toMatch(/^pbkdf2_sha256\$1\$fixedsaltfixedsalt1234\$[A-Za-z0-9+/]+=*$/);
    expect(await hasher.verify('s3cret', hash)).toEqual({ valid: true, needsUpgrade: false });
    expect((await hasher.verify('wrong', hash)).valid).toBe(false);
    // A production hasher still reads it, and wants it upgraded.
    expect(await new DjangoPasswordHasher().verify('s3cret', hash)).toEqual({ valid: true, needsUpgrade: true });
  });

  it('is frozen: the preset cannot be raised or lowered by a test', () => {
    expect(Object.isFrozen(TESTING_HASHER_OPTIONS)).toBe(true);
  });
});
