/**
 * The vocabulary of the interop cases (simplejwt-cases.ts, simplejwt-divergences.ts): the paths,
 * the shared users, request builders and tokens minted with the side's shared key.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Answer, RequestSpec, Side } from './simplejwt-exchanges.js';
import { claimsOf, mint, type SharedKey } from './simplejwt-tokens.js';

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
export const ADMIN = 1;
export const INACTIVE = 2;
export const NOBODY = 999;

export const NO_ACCOUNT = { detail: 'No active account found with the given credentials' };
export const REQUIRED = ['This field is required.'];
export const BLANK = ['This field may not be blank.'];
export const PAIR = { refresh: '<jwt>', access: '<jwt>' };

export type Build = (side: Side) => RequestSpec | Promise<RequestSpec>;

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

export const login =
  (body: Record<string, string>, encoding: RequestSpec['encoding'] = 'json'): Build =>
  () => ({ method: 'POST', path: PATHS.obtain, body, encoding });

export const post = (
  path: string,
  body: Record<string, string>,
  encoding: RequestSpec['encoding'] = 'json',
): RequestSpec => ({
  method: 'POST',
  path,
  body,
  encoding,
});

export const bearer = (token: string, path: string = PATHS.protected): RequestSpec => ({
  method: 'GET',
  path,
  authorization: `Bearer ${token}`,
});

export const minted = (side: Side, ...args: Parameters<typeof claimsOf>): string => mint(claimsOf(...args), side.key);

/** A key of the side's algorithm that neither side knows. */
export const OTHER_RSA = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
export const otherKey = (side: Side): SharedKey =>
  side.key.alg === 'HS256'
    ? { alg: 'HS256', secret: 'a-secret-neither-app-knows-0123456789' }
    : { alg: 'RS256', privateKey: OTHER_RSA };

/** A day and a bit: past every default lifetime (access 5 min, refresh and refresh_exp 1 day). */
export const LONG_AGO = 90_000;

/** simplejwt 5.5's REVOKE_TOKEN_CLAIM value: get_md5_hash_password(user.password), upper-case hex. */
export const passwordDigest = (storedPassword: string): string =>
  createHash('md5').update(storedPassword).digest('hex').toUpperCase();
