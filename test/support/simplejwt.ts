import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { type INestApplication, Injectable, Module } from '@nestjs/common';
import request, { type Response } from 'supertest';
import type { App } from 'supertest/types.js';
import {
  JwtAuthModule,
  type JwtAuthModuleExtras,
  type JwtAuthModuleOptions,
  UserLookupService,
} from '../../lib/index.js';
import { type AdapterName, ProtectedController, SECRET, startApp, type TestApp } from './apps.js';
import { signHs } from './tokens.js';
import { InMemoryUsers, type TestUser } from './users.js';

/** Helpers for the e2e tests of simplejwt's protocol (test/simplejwt). */

export const OBTAIN = '/api/token/';
export const REFRESH = '/api/token/refresh/';
export const VERIFY = '/api/token/verify/';
export const BLACKLIST = '/api/token/blacklist/';
export const SIMPLE_JWT_PATHS = [OBTAIN, REFRESH, VERIFY, BLACKLIST] as const;

export const NO_ACTIVE_ACCOUNT = 'No active account found with the given credentials';
export const CHALLENGE = 'Bearer realm="api"';

/** The in-memory users, found by id too (simplejwt's lookup), with their last logins recorded. */
@Injectable()
export class SimpleJwtUsers extends InMemoryUsers {
  readonly lastLogins: string[] = [];

  override async findById(id: string): Promise<TestUser | undefined> {
    return [...this.users.values()].find((user) => String(user.id) === id);
  }

  override async updateLastLogin(user: TestUser): Promise<void> {
    this.lastLogins.push(user.username);
  }

  /** Deletes a user (by username). */
  remove(username: string): void {
    this.users.delete(username);
  }
}

@Module({
  providers: [
    SimpleJwtUsers,
    { provide: InMemoryUsers, useExisting: SimpleJwtUsers },
    { provide: UserLookupService, useExisting: SimpleJwtUsers },
  ],
  exports: [UserLookupService, InMemoryUsers, SimpleJwtUsers],
})
export class SimpleJwtUsersModule {}

export type SimpleJwtModuleOptions = JwtAuthModuleOptions<TestUser> & JwtAuthModuleExtras;

/** JwtAuthModule.forRoot speaking simplejwt (by default only it), the test secret, no login limits. */
export function simpleJwtModule(options: SimpleJwtModuleOptions = {}) {
  return JwtAuthModule.forRoot({
    secretKey: SECRET,
    imports: [SimpleJwtUsersModule],
    loginThrottle: false,
    tokenProtocol: 'simplejwt',
    ...(options as JwtAuthModuleOptions & JwtAuthModuleExtras),
  });
}

export interface LiveSimpleJwtApp {
  readonly app: INestApplication;
  readonly server: App;
  readonly users: SimpleJwtUsers;
}

/** One app for the describe block; the users are reset after each test. */
export function useSimpleJwtApp(adapter: AdapterName, options: SimpleJwtModuleOptions = {}): LiveSimpleJwtApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await startApp(adapter, simpleJwtModule(options), [ProtectedController]);
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  afterEach(() => {
    current?.users.reset();
    (current?.app.get(SimpleJwtUsers).lastLogins ?? []).length = 0;
  });
  const started = () => {
    if (!current) throw new Error('the test app is not running');
    return current;
  };
  return {
    get app() {
      return started().app;
    },
    get server() {
      return started().server;
    },
    get users() {
      return started().app.get(SimpleJwtUsers);
    },
  };
}

/** Logs in at simplejwt's obtain endpoint (admin / abc123 by default): the pair. */
export async function obtainPair(server: App, username = 'admin', password = 'abc123') {
  const response = await request(server).post(OBTAIN).send({ username, password });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return response.body as { refresh: string; access: string };
}

/** GET /protected-url with `Authorization: <scheme> <token>`. */
export function getProtected(server: App, token: string, scheme = 'Bearer'): Promise<Response> {
  return request(server).get('/protected-url').set('Authorization', `${scheme} ${token}`);
}

/** simplejwt's claims for a user id, as simplejwt 5.5 writes them; `extra` added or overriding. */
export function simpleClaims(type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  return { token_type: type, exp: iat + 300, iat, jti: 'a'.repeat(32), user_id: '1', ...extra };
}

/** A token signed with the test secret (independently of the library). */
export function simpleToken(type: string, extra: Record<string, unknown> = {}): string {
  return signHs(simpleClaims(type, extra));
}

/** simplejwt's InvalidToken body of the guard, for one accepted class. */
export function notValidForAnyType(message: string, tokenClass = 'AccessToken', tokenType = 'access') {
  return {
    detail: 'Given token not valid for any token type',
    code: 'token_not_valid',
    messages: [{ token_class: tokenClass, token_type: tokenType, message }],
  };
}
