import type { INestApplicationContext } from '@nestjs/common';
import { JwtAuthService } from '../flows/jwt-auth.service.js';
import { JWT_AUTH_CONFIG } from '../jwt-auth.constants.js';
import { DjangoPasswordHasher } from '../passwords/django-password-hasher.js';
import type { DjangoHasherOptions } from '../passwords/django-hasher-options.js';
import type { JwtAuthConfig } from '../settings/jwt-auth-config.js';
import type { JwtAuthModuleOptions } from '../settings/jwt-auth-options.interface.js';

/** What the helpers need of an app or a testing module: `app.get`. */
export type AppWithGet = Pick<INestApplicationContext, 'get'>;

/**
 * The module's options for a test: the login throttle off (a suite that logs in more than ten
 * times a minute as one user would otherwise get 429s), the rest as given, the module-shaping
 * ones (`imports`, `globalGuard`...) included: `JwtAuthModule.forRoot(testingJwtAuthOptions({...}))`,
 * or the factory's result in `forRootAsync`. Anything given wins, a `loginThrottle` of its own included.
 */
export function testingJwtAuthOptions<O extends JwtAuthModuleOptions<object>>(
  options: O,
): O & Required<Pick<JwtAuthModuleOptions, 'loginThrottle'>> {
  return { ...options, loginThrottle: options.loginThrottle ?? false };
}

/**
 * NOT FOR PRODUCTION. Django's pbkdf2_sha256 at one iteration: a hash or a check costs
 * microseconds instead of half a second, so that a suite can create users and log in at will.
 * Hashes made with it are valid Django hashes, trivially brute-forced: never store one outside
 * a test database.
 */
export const TESTING_HASHER_OPTIONS: Readonly<DjangoHasherOptions> = Object.freeze({
  algorithm: 'pbkdf2_sha256',
  iterations: 1,
});

/**
 * NOT FOR PRODUCTION. A DjangoPasswordHasher with `TESTING_HASHER_OPTIONS`: provide it in the
 * test module in place of the app's
 * (`.overrideProvider(DjangoPasswordHasher).useValue(testingPasswordHasher())`).
 */
export function testingPasswordHasher(): DjangoPasswordHasher {
  return new DjangoPasswordHasher(TESTING_HASHER_OPTIONS);
}

/**
 * A token for `user`, as the login endpoint would issue it, without the endpoint (no password,
 * no throttle): `app.get(JwtAuthService).issueToken(user)`. The user must be one the app's
 * UserLookupService finds by its username, or the guard refuses the token.
 */
export function issueTestToken<TUser extends object>(app: AppWithGet, user: TUser): string {
  return app
    .get<typeof JwtAuthService<TUser>, JwtAuthService<TUser>>(JwtAuthService, { strict: false })
    .issueToken(user);
}

/**
 * The `Authorization` value for `user`: `JWT <token>` with the app's first `authHeaderPrefix`.
 * `request(app.getHttpServer()).get('/orders').set('Authorization', authHeader(app, user))`.
 */
export function authHeader<TUser extends object>(app: AppWithGet, user: TUser): string {
  const config = app.get<symbol, JwtAuthConfig>(JWT_AUTH_CONFIG, { strict: false });
  return `${config.authHeaderPrefix} ${issueTestToken(app, user)}`;
}
