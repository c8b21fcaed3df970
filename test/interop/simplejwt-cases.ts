/**
 * The requests sent to both Django (simplejwt 5.2.2, Debian's) and nest-rest-jwt (which follows
 * simplejwt 5.5.1), with the answer each must give. A case either has one answer for both, or
 * is a named divergence: each side's own answer and why they differ (README, "Running beside a
 * Django app on simplejwt", lists the same differences).
 */
import {
  type Answer,
  badRequest,
  notValidForAnyType,
  obtainPair,
  obtainSliding,
  ok,
  type RequestSpec,
  send,
  type Side,
  tokenNotValid,
  unauthorized,
} from './simplejwt-exchanges.js';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { claimsOf, mint, nowSeconds, type SharedKey } from './simplejwt-tokens.js';

export const PATHS = {
  obtain: '/api/token/',
  refresh: '/api/token/refresh/',
  verify: '/api/token/verify/',
  blacklist: '/api/token/blacklist/',
  obtainSliding: '/api/token/sliding/',
  refreshSliding: '/api/token/sliding/refresh/',
  protected: '/protected-url',
} as const;

/** The shared users (test/support/users.ts): admin (id 1) and inactive (id 2); no user has id 999. */
const ADMIN = 1;
const INACTIVE = 2;
const NOBODY = 999;

const NO_ACCOUNT = { detail: 'No active account found with the given credentials' };
const REQUIRED = ['This field is required.'];
const BLANK = ['This field may not be blank.'];
const PAIR = { refresh: '<jwt>', access: '<jwt>' };

type Build = (side: Side) => RequestSpec | Promise<RequestSpec>;

export interface SharedCase {
  name: string;
  request: Build;
  /** The answer of simplejwt 5.2.2 and 5.5.1 alike, so of both sides. */
  answer: Answer;
}

export interface Divergence {
  name: string;
  request: Build;
  /** What Django with simplejwt 5.2.2 answers. */
  django: Answer;
  /** What nest-rest-jwt answers (simplejwt 5.5.1's answer, unless `why` says otherwise). */
  nest: Answer;
  why: string;
}

const login =
  (body: Record<string, string>, encoding: RequestSpec['encoding'] = 'json'): Build =>
  () => ({ method: 'POST', path: PATHS.obtain, body, encoding });

const post = (path: string, body: Record<string, string>, encoding: RequestSpec['encoding'] = 'json'): RequestSpec => ({
  method: 'POST',
  path,
  body,
  encoding,
});

const bearer = (token: string, path: string = PATHS.protected): RequestSpec => ({
  method: 'GET',
  path,
  authorization: `Bearer ${token}`,
});

const minted = (side: Side, ...args: Parameters<typeof claimsOf>): string => mint(claimsOf(...args), side.key);

/** A key of the side's algorithm that neither side knows. */
const OTHER_RSA = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const otherKey = (side: Side): SharedKey =>
  side.key.alg === 'HS256'
    ? { alg: 'HS256', secret: 'a-secret-neither-app-knows-0123456789' }
    : { alg: 'RS256', privateKey: OTHER_RSA };

/** A day and a bit: past every default lifetime (access 5 min, refresh and refresh_exp 1 day). */
const LONG_AGO = 90_000;

export const SHARED_CASES: SharedCase[] = [
  // Logins
  { name: 'login, JSON body', request: login({ username: 'admin', password: 'abc123' }), answer: ok(PAIR) },
  { name: 'login, form body', request: login({ username: 'admin', password: 'abc123' }, 'form'), answer: ok(PAIR) },
  {
    name: 'login, multipart body',
    request: login({ username: 'admin', password: 'abc123' }, 'multipart'),
    answer: ok(PAIR),
  },
  {
    name: 'login without the trailing slash',
    request: () => ({ method: 'POST', path: '/api/token', body: { username: 'admin', password: 'abc123' } }),
    answer: ok(PAIR),
  },
  {
    name: 'login, wrong password',
    request: login({ username: 'admin', password: 'nope' }),
    answer: unauthorized(NO_ACCOUNT),
  },
  {
    name: 'login, unknown user',
    request: login({ username: 'nobody', password: 'abc123' }),
    answer: unauthorized(NO_ACCOUNT),
  },
  {
    name: 'login, inactive user',
    request: login({ username: 'inactive', password: 'abc123' }),
    answer: unauthorized(NO_ACCOUNT),
  },
  { name: 'login, no password', request: login({ username: 'admin' }), answer: badRequest({ password: REQUIRED }) },
  { name: 'login, empty body', request: login({}), answer: badRequest({ username: REQUIRED, password: REQUIRED }) },
  {
    name: 'login, blank fields (form)',
    request: login({ username: '', password: '' }, 'form'),
    answer: badRequest({ username: BLANK, password: BLANK }),
  },

  // The protected view (JWTAuthentication + IsAuthenticated)
  {
    name: 'protected, access token of the login',
    request: async (side) => bearer((await obtainPair(side)).access),
    answer: ok({ username: 'admin' }),
  },
  {
    name: 'protected, access token minted with the shared key',
    request: (side) => bearer(minted(side, 'access', ADMIN)),
    answer: ok({ username: 'admin' }),
  },
  {
    name: 'protected, user_id written as a string (as 5.5 writes it)',
    request: (side) => bearer(minted(side, 'access', String(ADMIN))),
    answer: ok({ username: 'admin' }),
  },
  {
    name: 'protected, no Authorization header',
    request: () => ({ method: 'GET', path: PATHS.protected }),
    answer: unauthorized({ detail: 'Authentication credentials were not provided.' }),
  },
  {
    name: 'protected, another scheme (JWT): not a simplejwt header, so no credentials',
    request: (side) => ({
      ...bearer(minted(side, 'access', ADMIN)),
      authorization: `JWT ${minted(side, 'access', ADMIN)}`,
    }),
    answer: unauthorized({ detail: 'Authentication credentials were not provided.' }),
  },
  {
    name: 'protected, "bearer" in lower case: schemes are case-sensitive',
    request: (side) => ({ ...bearer(''), authorization: `bearer ${minted(side, 'access', ADMIN)}` }),
    answer: unauthorized({ detail: 'Authentication credentials were not provided.' }),
  },
  {
    name: 'protected, "Bearer" alone',
    request: () => ({ ...bearer(''), authorization: 'Bearer' }),
    answer: unauthorized({
      detail: 'Authorization header must contain two space-delimited values',
      code: 'bad_authorization_header',
    }),
  },
  {
    name: 'protected, three parts',
    request: (side) => ({ ...bearer(''), authorization: `Bearer ${minted(side, 'access', ADMIN)} extra` }),
    answer: unauthorized({
      detail: 'Authorization header must contain two space-delimited values',
      code: 'bad_authorization_header',
    }),
  },
  {
    name: 'protected, a refresh token as the bearer',
    request: async (side) => bearer((await obtainPair(side)).refresh),
    answer: notValidForAnyType('Token has wrong type'),
  },
  {
    name: 'protected, an access token without jti',
    request: (side) => bearer(minted(side, 'access', ADMIN, 0, { jti: undefined })),
    answer: notValidForAnyType('Token has no id'),
  },
  {
    name: 'protected, an access token without token_type',
    request: (side) => bearer(minted(side, 'access', ADMIN, 0, { token_type: undefined })),
    answer: notValidForAnyType('Token has no type'),
  },
  {
    name: 'protected, user not found',
    request: (side) => bearer(minted(side, 'access', NOBODY)),
    answer: unauthorized({ detail: 'User not found', code: 'user_not_found' }),
  },
  {
    name: 'protected, inactive user',
    request: (side) => bearer(minted(side, 'access', INACTIVE)),
    answer: unauthorized({ detail: 'User is inactive', code: 'user_inactive' }),
  },
  {
    name: 'protected, no user_id claim',
    request: (side) => bearer(minted(side, 'access', ADMIN, 0, { user_id: undefined })),
    answer: tokenNotValid('Token contained no recognizable user identification'),
  },

  // Refresh
  { name: 'refresh, no field', request: () => post(PATHS.refresh, {}), answer: badRequest({ refresh: REQUIRED }) },
  {
    name: 'refresh, the login refresh token (form body)',
    request: async (side) => post(PATHS.refresh, { refresh: (await obtainPair(side)).refresh }, 'form'),
    answer: ok({ access: '<jwt>' }),
  },
  {
    name: 'refresh, a refresh token minted with the shared key',
    request: (side) => post(PATHS.refresh, { refresh: minted(side, 'refresh', ADMIN) }),
    answer: ok({ access: '<jwt>' }),
  },
  {
    name: 'refresh, an access token',
    request: async (side) => post(PATHS.refresh, { refresh: (await obtainPair(side)).access }),
    answer: tokenNotValid('Token has wrong type'),
  },
  {
    name: 'refresh, a refresh token without token_type',
    request: (side) => post(PATHS.refresh, { refresh: minted(side, 'refresh', ADMIN, 0, { token_type: undefined }) }),
    answer: tokenNotValid('Token has no type'),
  },
  {
    name: 'refresh, a blacklisted refresh token',
    request: async (side) => {
      const { refresh } = await obtainPair(side);
      const blacklisted = await send(side, post(PATHS.blacklist, { refresh }));
      if (blacklisted.status !== 200) throw new Error(`${side.label}: blacklist answered ${blacklisted.status}`);
      return post(PATHS.refresh, { refresh });
    },
    answer: tokenNotValid('Token is blacklisted'),
  },

  // Verify
  { name: 'verify, no field', request: () => post(PATHS.verify, {}), answer: badRequest({ token: REQUIRED }) },
  {
    name: 'verify, an access token',
    request: async (side) => post(PATHS.verify, { token: (await obtainPair(side)).access }),
    answer: ok({}),
  },
  {
    name: 'verify, a refresh token (any type is verified)',
    request: async (side) => post(PATHS.verify, { token: (await obtainPair(side)).refresh }, 'form'),
    answer: ok({}),
  },

  // Blacklist
  { name: 'blacklist, no field', request: () => post(PATHS.blacklist, {}), answer: badRequest({ refresh: REQUIRED }) },
  {
    name: 'blacklist, the login refresh token',
    request: async (side) => post(PATHS.blacklist, { refresh: (await obtainPair(side)).refresh }),
    answer: ok({}),
  },
  {
    name: 'blacklist, an access token',
    request: async (side) => post(PATHS.blacklist, { refresh: (await obtainPair(side)).access }),
    answer: tokenNotValid('Token has wrong type'),
  },
];

/**
 * The sliding views, and the protected view accepting sliding tokens (Django:
 * AUTH_TOKEN_CLASSES = SlidingToken; nest-rest-jwt: slidingTokens, whose guard accepts them).
 */
export const SLIDING_CASES: SharedCase[] = [
  {
    name: 'sliding login',
    request: () => post(PATHS.obtainSliding, { username: 'admin', password: 'abc123' }),
    answer: ok({ token: '<jwt>' }),
  },
  {
    name: 'sliding login, wrong password',
    request: () => post(PATHS.obtainSliding, { username: 'admin', password: 'nope' }),
    answer: unauthorized(NO_ACCOUNT),
  },
  {
    name: 'sliding refresh, the login token',
    request: async (side) => post(PATHS.refreshSliding, { token: await obtainSliding(side, PATHS.obtainSliding) }),
    answer: ok({ token: '<jwt>' }),
  },
  {
    name: "sliding refresh, 'refresh_exp' passed",
    request: (side) =>
      post(PATHS.refreshSliding, {
        token: minted(side, 'sliding', ADMIN, 0, { refresh_exp: nowSeconds() - 1 }),
      }),
    answer: tokenNotValid("Token 'refresh_exp' claim has expired"),
  },
  {
    name: 'sliding refresh, an access token',
    request: (side) => post(PATHS.refreshSliding, { token: minted(side, 'access', ADMIN) }),
    answer: tokenNotValid('Token has wrong type'),
  },
  {
    name: 'sliding refresh, no field',
    request: () => post(PATHS.refreshSliding, {}),
    answer: badRequest({ token: REQUIRED }),
  },
  {
    name: 'protected, a sliding token of the sliding login',
    request: async (side) => bearer(await obtainSliding(side, PATHS.obtainSliding)),
    answer: ok({ username: 'admin' }),
  },
  {
    name: 'protected, an access token where sliding tokens are expected',
    request: (side) => bearer(minted(side, 'access', ADMIN)),
    answer: notValidForAnyType('Token has wrong type', 'sliding'),
  },
];

/** Every difference between Django (5.2.2) and nest-rest-jwt (5.5.1 and beyond), named. */
export const DIVERGENCES: Divergence[] = [
  {
    name: 'protected, an expired access token',
    request: (side) => bearer(minted(side, 'access', ADMIN, LONG_AGO)),
    django: notValidForAnyType('Token is invalid or expired'),
    nest: notValidForAnyType('Token is expired'),
    why: '5.2 says "Token is invalid or expired" where 5.5 tells an expired token from an invalid one',
  },
  {
    name: 'protected, a token that is not a JWT',
    request: () => bearer('not-a-token'),
    django: notValidForAnyType('Token is invalid or expired'),
    nest: notValidForAnyType('Token is invalid'),
    why: '5.2 says "Token is invalid or expired" where 5.5 says "Token is invalid"',
  },
  {
    name: 'protected, an access token signed with another key',
    request: (side) => bearer(mint(claimsOf('access', ADMIN), otherKey(side))),
    django: notValidForAnyType('Token is invalid or expired'),
    nest: notValidForAnyType('Token is invalid'),
    why: '5.2 says "Token is invalid or expired" where 5.5 says "Token is invalid"',
  },
  {
    name: 'refresh, an expired refresh token',
    request: (side) => post(PATHS.refresh, { refresh: minted(side, 'refresh', ADMIN, LONG_AGO) }),
    django: tokenNotValid('Token is invalid or expired'),
    nest: tokenNotValid('Token is expired'),
    why: '5.2 says "Token is invalid or expired" where 5.5 says "Token is expired"',
  },
  {
    name: 'verify, a garbled token',
    request: () => post(PATHS.verify, { token: 'a.b.c' }),
    django: tokenNotValid('Token is invalid or expired'),
    nest: tokenNotValid('Token is invalid'),
    why: '5.2 says "Token is invalid or expired" where 5.5 says "Token is invalid"',
  },
  {
    name: 'refresh, a refresh token without jti',
    request: (side) => post(PATHS.refresh, { refresh: minted(side, 'refresh', ADMIN, 0, { jti: undefined }) }),
    django: { status: 500, body: {} },
    nest: tokenNotValid('Token has no id'),
    why: 'simplejwt (5.2 and 5.5) reads the jti for its blacklist check before checking that there is one: a 500',
  },
  {
    name: 'refresh, the refresh token of an inactive user',
    request: (side) => post(PATHS.refresh, { refresh: minted(side, 'refresh', INACTIVE) }),
    django: ok({ access: '<jwt>' }),
    nest: unauthorized({ detail: 'No active account found for the given token.' }),
    why: '5.2 refreshes any valid refresh token; 5.5 refuses an inactive user (DRF\'s AuthenticationFailed, no "code")',
  },
];

/** The differences seen on the sliding views' servers. */
export const SLIDING_DIVERGENCES: Divergence[] = [
  {
    name: 'protected, an expired sliding token',
    request: (side) => bearer(minted(side, 'sliding', ADMIN, LONG_AGO)),
    django: notValidForAnyType('Token is invalid or expired', 'sliding'),
    nest: notValidForAnyType('Token is expired', 'sliding'),
    why: '5.2 says "Token is invalid or expired" where 5.5 says "Token is expired"',
  },
  {
    name: "sliding refresh, 'refresh_exp' passed and the token expired",
    request: (side) => post(PATHS.refreshSliding, { token: minted(side, 'sliding', ADMIN, LONG_AGO) }),
    django: tokenNotValid('Token is invalid or expired'),
    nest: tokenNotValid('Token is expired'),
    why: '5.2 says "Token is invalid or expired" where 5.5 says "Token is expired"',
  },
];

/** simplejwt 5.5's REVOKE_TOKEN_CLAIM value: get_md5_hash_password(user.password), upper-case hex. */
const passwordDigest = (storedPassword: string): string =>
  createHash('md5').update(storedPassword).digest('hex').toUpperCase();

/**
 * With `checkRevokeToken` (5.5's CHECK_REVOKE_TOKEN) on the Nest side: 5.2 has no such setting.
 * The Nest test app stores `admin`'s password as "abc123" (what its getPasswordHash gives).
 */
export const PASSWORD_CASES: SharedCase[] = [
  {
    name: 'protected, a token carrying the digest of the current password',
    request: (side) => bearer(minted(side, 'access', ADMIN, 0, { hash_password: passwordDigest('abc123') })),
    answer: ok({ username: 'admin' }),
  },
];

export const PASSWORD_DIVERGENCES: Divergence[] = [
  {
    name: 'protected, a token issued before a password change',
    request: (side) => bearer(minted(side, 'access', ADMIN, 0, { hash_password: passwordDigest('the old one') })),
    django: ok({ username: 'admin' }),
    nest: unauthorized({ detail: "The user's password has been changed.", code: 'password_changed' }),
    why: '5.2 has no CHECK_REVOKE_TOKEN: a password change leaves older tokens valid',
  },
  {
    name: 'protected, a token without the password digest',
    request: (side) => bearer(minted(side, 'access', ADMIN)),
    django: ok({ username: 'admin' }),
    nest: unauthorized({ detail: "The user's password has been changed.", code: 'password_changed' }),
    why: '5.2 has no CHECK_REVOKE_TOKEN; 5.5 refuses a token without the claim as it refuses a stale one',
  },
];
