/**
 * The requests sent to both Django (simplejwt 5.2.2, Debian's) and nest-rest-jwt (which follows
 * simplejwt 5.5.1) that must get the same answer from both: what both simplejwt versions answer.
 * The differences are in simplejwt-divergences.ts.
 */
import {
  badRequest,
  notValidForAnyType,
  obtainPair,
  obtainSliding,
  ok,
  rotate,
  send,
  tokenNotValid,
  unauthorized,
} from './simplejwt-exchanges.js';
import {
  ADMIN,
  BLANK,
  bearer,
  INACTIVE,
  login,
  minted,
  NO_ACCOUNT,
  NOBODY,
  PAIR,
  passwordDigest,
  PATHS,
  post,
  REQUIRED,
  type SharedCase,
} from './simplejwt-requests.js';
import { nowSeconds } from './simplejwt-tokens.js';

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

/** With ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION (rotateRefreshTokens, blacklistAfterRotation). */
export const ROTATION_CASES: SharedCase[] = [
  {
    name: 'rotation, a refresh answers a new refresh token too',
    request: async (side) => post(PATHS.refresh, { refresh: (await obtainPair(side)).refresh }),
    answer: ok({ access: '<jwt>', refresh: '<jwt>' }),
  },
  {
    name: 'rotation, the refresh token given is blacklisted',
    request: async (side) => post(PATHS.refresh, { refresh: (await rotate(side)).given }),
    answer: tokenNotValid('Token is blacklisted'),
  },
  {
    name: 'rotation, verify of the rotated refresh token',
    request: async (side) => post(PATHS.verify, { token: (await rotate(side)).given }),
    answer: badRequest({ non_field_errors: ['Token is blacklisted'] }),
  },
  {
    name: 'rotation, the new refresh token refreshes',
    request: async (side) => post(PATHS.refresh, { refresh: (await rotate(side)).next }),
    answer: ok({ access: '<jwt>', refresh: '<jwt>' }),
  },
];
