/**
 * Every difference between Django (simplejwt 5.2.2) and nest-rest-jwt (simplejwt 5.5.1 and
 * beyond), named: each side's own answer to the same request, and why they differ. README
 * ("Running beside a Django app on simplejwt") lists the same differences.
 */
import { notValidForAnyType, ok, tokenNotValid, unauthorized } from './simplejwt-exchanges.js';
import {
  ADMIN,
  bearer,
  type Divergence,
  INACTIVE,
  LONG_AGO,
  minted,
  NOBODY,
  otherKey,
  passwordDigest,
  PATHS,
  post,
} from './simplejwt-requests.js';
import { claimsOf, mint } from './simplejwt-tokens.js';

/** On the servers of the pair views. */
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
  {
    name: 'refresh, the refresh token of a user that does not exist',
    request: (side) => post(PATHS.refresh, { refresh: minted(side, 'refresh', NOBODY) }),
    django: ok({ access: '<jwt>' }),
    nest: unauthorized({ detail: 'No active account found for the given token.' }),
    why: '5.2 refreshes any valid refresh token (5.5 answers 500); nest-rest-jwt refuses it as an inactive user',
  },
  {
    name: 'login, the password with spaces around it',
    request: () => post(PATHS.obtain, { username: 'admin', password: ' abc123 ' }),
    django: ok({ refresh: '<jwt>', access: '<jwt>' }),
    nest: unauthorized({ detail: 'No active account found with the given credentials' }),
    why: "simplejwt's PasswordField trims the password; nest-rest-jwt compares it exactly as sent",
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
