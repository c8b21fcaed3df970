import { beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { IsInt, IsOptional, Matches } from 'class-validator';
import request from 'supertest';
import { JwtAuthModule, type LoginFailedEvent, UserLookupService } from '../../lib/index.js';
import { allowLogin, type LoginAttempt, LoginDto, type LoginVerdict, refuseLogin } from '../../lib/login/index.js';
import { ADAPTERS, SECRET, useApp } from '../support/apps.js';
import {
  ENDPOINT_ERROR_FORMATS,
  type EndpointErrorFormat,
  expectError,
  expectNoStackTrace,
  INVALID_CREDENTIALS,
  nonField,
  OBTAIN,
  postForm,
  postJson,
  postMultipart,
  REQUIRED,
  tokenOf,
} from '../support/endpoints.js';
import { InMemoryUsers, type TestUser } from '../support/users.js';

/** An app's login body: a one-time code and an optional tenant, beside email and password. */
class OtpLoginDto extends LoginDto {
  @Matches(/^\d{6}$/, { message: 'Enter the 6-digit code.' })
  otp!: string;

  @IsOptional()
  @IsInt({ message: 'A tenant is a number.' })
  tenant?: number;
}

/** Users found by email for logins; tokens still name them by username. */
@Injectable()
class EmailUsers extends InMemoryUsers {
  readonly loginLookups: [string, string][] = [];

  override async findForLogin(value: string, field: string): Promise<TestUser | undefined> {
    this.loginLookups.push([field, value]);
    return [...this.users.values()].find((user) => user[field as keyof TestUser] === value);
  }
}

@Module({
  providers: [EmailUsers, { provide: UserLookupService, useExisting: EmailUsers }],
  exports: [UserLookupService, EmailUsers],
})
class EmailUsersModule {}

/** The second factor: "123456" is admin's code; tenant 13 is closed. */
type CheckBehaviour = 'verdict' | 'no-verdict' | 'throws';
const checks: LoginAttempt[] = [];
const failures: LoginFailedEvent[] = [];
let behaviour: CheckBehaviour = 'verdict';

function checkLogin(attempt: LoginAttempt): LoginVerdict {
  checks.push(attempt);
  if (behaviour === 'throws') throw new Error('the code store is down');
  if (behaviour === 'no-verdict') return undefined as unknown as LoginVerdict;
  const body = attempt.body as OtpLoginDto;
  if (body.tenant === 13) return refuseLogin('This tenant is closed.');
  return body.otp === '123456' ? allowLogin() : refuseLogin({ otp: ['Wrong code.'] });
}

const ADMIN = { email: 'admin@example.com', password: 'abc123', otp: '123456' };

describe.each(ADAPTERS)('login by email with an app DTO and hooks.checkLogin (%s)', (adapter) => {
  describe.each(ENDPOINT_ERROR_FORMATS)('errorFormat %s', (format: EndpointErrorFormat) => {
    const app = useApp(adapter, () =>
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        imports: [EmailUsersModule],
        loginThrottle: false,
        errorFormat: format,
        usernameField: 'email',
        loginDto: OtpLoginDto,
        hooks: { checkLogin, onLoginFailed: (event) => void failures.push(event) },
      }),
    );
    beforeEach(() => {
      checks.length = 0;
      failures.length = 0;
      behaviour = 'verdict';
    });

    it('logs in by email (JSON) and the token authenticates the user it names by username', async () => {
      const token = tokenOf(await postJson(app.server, OBTAIN, { ...ADMIN, email: '  admin@example.com ' }));
      const me = await request(app.server).get('/protected-url').set('Authorization', `JWT ${token}`);
      expect({ status: me.status, body: me.body as unknown }).toEqual({ status: 200, body: { username: 'admin' } });
      expect(app.app.get(EmailUsers).loginLookups).toContainEqual(['email', 'admin@example.com']);
    });

    it('logs in by email from a form and from multipart', async () => {
      tokenOf(await postForm(app.server, OBTAIN, 'email=admin%40example.com&password=abc123&otp=123456'));
      tokenOf(
        await postMultipart(app.server, OBTAIN, [
          ['email', 'admin@example.com'],
          ['password', 'abc123'],
          ['otp', '123456'],
        ]),
      );
    });

    it('reports the app fields first, then email and password, in the usual 400 shape', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', tenant: 'x' });
      expectError(response, format, 400, {
        otp: ['Enter the 6-digit code.'],
        tenant: ['A tenant is a number.'],
        email: [REQUIRED],
        password: [REQUIRED],
      });
      if (format === 'drf') {
        expect(Object.keys(response.body as object)).toEqual(['otp', 'tenant', 'email', 'password']);
      }
      expect(checks).toHaveLength(0);
    });

    it('"username" is not read when the username field is "email"', async () => {
      const response = await postJson(app.server, OBTAIN, { username: 'admin', password: 'abc123', otp: '123456' });
      expectError(response, format, 400, { email: [REQUIRED] });
    });

    it('a wrong password is refused before the check runs', async () => {
      const response = await postJson(app.server, OBTAIN, { ...ADMIN, password: 'wrong' });
      expectError(response, format, 400, nonField(INVALID_CREDENTIALS));
      expect(checks).toHaveLength(0);
    });

    it('the check gets the user, the email and the validated instance of the app DTO', async () => {
      tokenOf(await postJson(app.server, OBTAIN, { ...ADMIN, tenant: 4 }));
      expect(checks).toHaveLength(1);
      const [attempt] = checks;
      expect(attempt.user).toMatchObject({ username: 'admin' });
      expect(attempt.username).toBe('admin@example.com');
      expect(attempt.body).toBeInstanceOf(OtpLoginDto);
      expect({ ...attempt.body }).toEqual({ email: 'admin@example.com', password: 'abc123', otp: '123456', tenant: 4 });
      expect(Object.keys(attempt)).not.toContain('request');
      expect(attempt.request).toMatchObject({ method: 'POST' });
    });

    it('a refusal with a field error answers 400 {otp: [...]} and issues no token', async () => {
      const response = await postJson(app.server, OBTAIN, { ...ADMIN, otp: '654321' });
      expectError(response, format, 400, { otp: ['Wrong code.'] });
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(failures).toEqual([
        expect.objectContaining({ username: 'admin@example.com', reason: 'refused_by_check' }),
      ]);
    });

    it('a refusal with a message answers 400 {non_field_errors: [...]}', async () => {
      const response = await postJson(app.server, OBTAIN, { ...ADMIN, tenant: 13 });
      expectError(response, format, 400, nonField('This tenant is closed.'));
    });

    it.each(['no-verdict', 'throws'] as const)(
      'a check that answers no verdict (%s) fails the login: 500, no token',
      async (how) => {
        behaviour = how;
        const response = await postJson(app.server, OBTAIN, ADMIN);
        expect(response.status).toBe(500);
        expect(response.body).not.toHaveProperty('token');
        expectNoStackTrace(response);
      },
    );
  });
});
