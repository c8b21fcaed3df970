import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import request, { type Response } from 'supertest';
import {
  JwtAuthModule,
  type JwtAuthModuleOptions,
  JwtAuthService,
  Public,
  TokenRejectedError,
} from '../../lib/index.js';
import { InactiveUserError } from '../../lib/login/index.js';
import type { CookieRequest, CookieResponse } from '../../lib/cookies/response-cookies.js';
import { ADAPTERS, ProtectedController, startApp, SECRET, type TestApp, UsersModule } from '../support/apps.js';
import { InMemoryUsers } from '../support/users.js';

/** An app's own login (a magic link, say): it found the user, the module logs them in. */
@Controller('magic')
class MagicLinkController {
  constructor(
    @Inject(JwtAuthService) private readonly tokens: JwtAuthService,
    @Inject(InMemoryUsers) private readonly users: InMemoryUsers,
  ) {}

  @Post(':username')
  @Public()
  @HttpCode(200)
  logIn(
    @Param('username') username: string,
    @Req() request: CookieRequest,
    @Res({ passthrough: true }) response: CookieResponse,
  ): { token: string } {
    const user = this.users.users.get(username);
    if (user === undefined) throw new Error('no such user in this test');
    return { token: this.tokens.logIn(user, response, request) };
  }
}

function setCookies(response: Response): Map<string, string> {
  const raw = response.headers['set-cookie'] as unknown as string[] | undefined;
  return new Map((raw ?? []).map((line) => [line.slice(0, line.indexOf('=')), line]));
}

const valueOf = (line: string | undefined) =>
  (line ?? '').slice((line ?? '').indexOf('=') + 1, (line ?? '').indexOf(';'));

function useLoginApp(adapter: (typeof ADAPTERS)[number], options: Partial<JwtAuthModuleOptions>) {
  let app: TestApp | undefined;
  beforeAll(async () => {
    const module = JwtAuthModule.forRoot({
      secretKey: SECRET,
      loginThrottle: false,
      errorFormat: 'drf',
      imports: [UsersModule],
      ...options,
    });
    app = await startApp(adapter, module, [ProtectedController, MagicLinkController]);
  });
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error('not started');
    return app;
  };
}

describe.each(ADAPTERS)('app-side login: JwtAuthService.logIn (%s)', (adapter) => {
  describe('cookie mode', () => {
    const app = useLoginApp(adapter, { authCookie: { name: 'jwt', secure: false } });

    it('sets the token and CSRF cookies as the login endpoint does, and the cookie authenticates', async () => {
      const response = await request(app().server).post('/magic/admin');
      expect(response.status).toBe(200);
      const cookies = setCookies(response);
      expect([...cookies.keys()].sort()).toEqual(['csrftoken', 'jwt']);
      expect(cookies.get('jwt')).toMatch(/HttpOnly/);
      expect(cookies.get('csrftoken')).not.toMatch(/HttpOnly/);
      expect(valueOf(cookies.get('jwt'))).toBe((response.body as { token: string }).token);
      const me = await request(app().server)
        .get('/protected-url')
        .set('Cookie', `jwt=${valueOf(cookies.get('jwt'))}`);
      expect({ status: me.status, body: me.body as unknown }).toEqual({ status: 200, body: { username: 'admin' } });
    });

    it('keeps the CSRF value the browser already has', async () => {
      const csrf = 'a'.repeat(43);
      const response = await request(app().server).post('/magic/admin').set('Cookie', `csrftoken=${csrf}`);
      expect(valueOf(setCookies(response).get('csrftoken'))).toBe(csrf);
    });

    it('refuses an inactive user: no token, no cookie', async () => {
      const service = app().app.get(JwtAuthService);
      const inactive = app().users.users.get('inactive')!;
      expect(() =>
        service.logIn(inactive, {
          header: () => {
            throw new Error('no header may be set');
          },
        }),
      ).toThrow(InactiveUserError);
    });
  });

  describe('header mode', () => {
    const app = useLoginApp(adapter, {});

    it('answers the token and sets no cookie', async () => {
      const response = await request(app().server).post('/magic/admin');
      expect(response.status).toBe(200);
      expect(response.headers['set-cookie']).toBeUndefined();
      const me = await request(app().server)
        .get('/protected-url')
        .set('Authorization', `JWT ${(response.body as { token: string }).token}`);
      expect(me.status).toBe(200);
    });
  });
});

describe('JwtAuthService.issueToken refuses an inactive user', () => {
  const app = useLoginApp('express', { stateless: true });

  it('throws InactiveUserError, a TokenRejectedError of reason "user_inactive"', () => {
    const service = app().app.get(JwtAuthService);
    let thrown: unknown;
    try {
      service.issueToken(app().users.users.get('inactive')!);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InactiveUserError);
    expect(thrown).toBeInstanceOf(TokenRejectedError);
    expect(thrown).toMatchObject({
      name: 'InactiveUserError',
      reason: 'user_inactive',
      message: 'User account is disabled.',
    });
  });

  it('still issues one for an active user', () => {
    const service = app().app.get(JwtAuthService);
    expect(service.issueToken(app().users.users.get('admin')!)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
