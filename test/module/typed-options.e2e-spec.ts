import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  type Duration,
  JwtAuthModule,
  type JwtAuthModuleAsyncOptions,
  type JwtAuthModuleForRootOptions,
  type JwtAuthModuleOptions,
} from '../../lib/index.js';
import { SECRET, startApp, useApp, UsersModule } from '../support/apps.js';
import type { TestUser } from '../support/users.js';

// Type-level tests: `npm run typecheck` compiles this file, so each `@ts-expect-error` below
// fails the check once the line it marks compiles (and each line without one must compile).

describe('Types of the options', () => {
  it('give the app user type to the callbacks with forRoot<TUser>', () => {
    JwtAuthModule.forRoot<TestUser>({
      secretKey: SECRET,
      payloadHandler: (user, defaults) => ({ ...defaults, name: user.username }),
      responsePayloadHandler: (token, user) => ({ token, id: user.id }),
      getUserSecretKey: (user) => `${SECRET}:${user.password}`,
      hooks: {
        onLoginSucceeded: ({ user }) => user.isActive,
        onTokenRefreshed: ({ user }) => user.username.length,
        onTokenRevoked: (event) => (event.scope === 'user' ? event.user.id : event.claims.jti),
        onLoginFailed: ({ username, reason }) => `${username}: ${reason}`,
      },
    });
    JwtAuthModule.forRoot<TestUser>({
      secretKey: SECRET,
      // @ts-expect-error TestUser has no `nickname`
      payloadHandler: (user, defaults) => ({ ...defaults, nick: user.nickname }),
    });
  });

  it('give it with forRootAsync<TUser>, to what the factory returns', () => {
    JwtAuthModule.forRootAsync<TestUser>({
      useFactory: () => ({
        secretKey: SECRET,
        hooks: { onLoginSucceeded: ({ user }) => user.username.toUpperCase() },
      }),
      globalGuard: true,
    });
    const options: JwtAuthModuleAsyncOptions<TestUser> = {
      // @ts-expect-error TestUser has no `lastLogin`
      useFactory: () => ({ secretKey: SECRET, hooks: { onLoginSucceeded: ({ user }) => user.lastLogin } }),
    };
    expect(options.useFactory).toBeDefined();
  });

  it('keep forRoot without a type argument as before: the user is an object', () => {
    JwtAuthModule.forRoot({
      secretKey: SECRET,
      hooks: {
        onLoginSucceeded: ({ user }) => Object.keys(user),
        // @ts-expect-error without a type argument the user is an `object`
        onTokenRefreshed: ({ user }) => user.username,
      },
    });
    // The option types of earlier versions still name the same shapes.
    const forRoot: JwtAuthModuleForRootOptions = { secretKey: SECRET, routePrefix: 'auth' };
    const typeofForRoot: typeof JwtAuthModuleForRootOptions = forRoot;
    const typed: JwtAuthModuleOptions<TestUser> = { secretKey: SECRET };
    const loose: JwtAuthModuleOptions = typed;
    expect([typeofForRoot, loose]).toHaveLength(2);
  });

  it('check duration strings: numbers and the units the parser reads', () => {
    const durations: Duration[] = [300, '300', '5m', '5 min', '1 hour', '12h', '7d', '2 weeks', '1.5h', '30s'];
    // @ts-expect-error a misspelt unit
    const misspelt: Duration = '5 minuts';
    // @ts-expect-error not a duration at all
    const words: Duration = 'soon';
    // A string read at run time is passed `as Duration`, and checked at start-up.
    const fromEnv: Duration = (process.env.NO_SUCH_VARIABLE ?? '5m') as Duration;
    expect([...durations, misspelt, words, fromEnv]).toHaveLength(13);
  });

  it('accept undefined for every option, as `process.env` gives (exactOptionalPropertyTypes)', () => {
    const env: Record<string, string | undefined> = {};
    const options: JwtAuthModuleOptions = { secretKey: env.JWT_SECRET_KEY, audience: env.JWT_AUDIENCE };
    expect(options).toEqual({ secretKey: undefined, audience: undefined });
  });
});

describe('forRoot<TUser> at run time', () => {
  describe('the hooks receive the looked-up user', () => {
    const logins: string[] = [];
    const t = useApp('express', () =>
      JwtAuthModule.forRoot<TestUser>({
        secretKey: SECRET,
        imports: [UsersModule],
        hooks: { onLoginSucceeded: ({ user }) => logins.push(user.username) },
      }),
    );

    it('on login', async () => {
      const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      expect(response.status).toBe(200);
      expect(logins).toEqual(['admin']);
    });
  });

  describe('options given as undefined take their defaults', () => {
    const t = useApp('express', () =>
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        imports: [UsersModule],
        expirationDelta: undefined,
        algorithm: undefined,
        loginThrottle: undefined,
        hooks: undefined,
      }),
    );

    it('and the module issues tokens', async () => {
      const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      expect(response.status).toBe(200);
    });
  });

  it('a missing secret (an unset environment variable) stops the start, saying so', async () => {
    const env: Record<string, string | undefined> = {};
    const started = startApp(
      'express',
      JwtAuthModule.forRoot({ secretKey: env.JWT_SECRET_KEY, imports: [UsersModule] }),
    );
    await expect(started).rejects.toThrow(
      'nest-rest-jwt: option "secretKey" is required for HS256 and is missing (got undefined): ' +
        'if it is read from the environment, is that variable set?',
    );
  });
});
