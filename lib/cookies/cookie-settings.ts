import type { Duration } from '../common/duration.js';
import { JwtAuthConfigError } from '../common/errors.js';
import { duration, httpToken, oneOf } from '../common/option-validators.js';

/**
 * The token cookie (JWT_AUTH_COOKIE). The cookie is always HttpOnly; its Max-Age is the
 * token's remaining lifetime unless `maxAge` is given.
 */
export interface AuthCookieOptions {
  name: string;
  /** Default true: the cookie is only sent over HTTPS (browsers treat http://localhost as secure). */
  secure?: boolean;
  /** Default `'lax'`. `'none'` needs `secure`. */
  sameSite?: 'lax' | 'strict' | 'none';
  /** Default `'/'`. */
  path?: string;
  /** Default: none (the cookie goes to this host only). */
  domain?: string;
  /** Default: the token's remaining lifetime. */
  maxAge?: Duration;
}

/**
 * The CSRF defence of cookie mode (double submit): the module sets a readable cookie with a
 * random value, and every unsafe request (POST, PUT, PATCH, DELETE) authenticated by the token
 * cookie must send the same value in a header. Django's names by default.
 */
export interface CsrfOptions {
  /** Default `'csrftoken'`. */
  cookieName?: string;
  /** Default `'X-CSRFToken'`. */
  headerName?: string;
  /**
   * Origins besides the request's own from which a browser may call the endpoints that set or
   * clear the auth cookies (Django's CSRF_TRUSTED_ORIGINS): `'https://app.example.com'`, or
   * `'https://*.example.com'` for the domain and its subdomains. Default none.
   */
  trustedOrigins?: readonly string[];
}

/** `authCookie` after validation (`maxAge` in seconds). */
export interface AuthCookieSettings {
  name: string;
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  path: string;
  domain?: string;
  maxAge?: number;
}

/** `csrf` after validation; `headerName` lower-cased, as Node gives header names. */
export type CsrfSettings = Required<CsrfOptions>;

/** Cookie mode's settings: the token cookie and, unless turned off, the CSRF defence. */
export function resolveCookieSettings(
  authCookieOption: string | AuthCookieOptions | undefined,
  csrfOption: boolean | CsrfOptions | undefined,
): { authCookie?: AuthCookieSettings; csrf?: CsrfSettings } {
  const authCookie = cookieSettings(authCookieOption);
  const csrfGiven = csrfOption ?? authCookie !== undefined;
  if (typeof csrfGiven !== 'boolean' && (csrfGiven === null || typeof csrfGiven !== 'object')) {
    throw new JwtAuthConfigError('csrf', 'must be true, false or { cookieName, headerName }');
  }
  if (authCookie === undefined || csrfGiven === false) return { authCookie };
  const given: CsrfOptions = csrfGiven === true ? {} : csrfGiven;
  const csrf = {
    cookieName: httpToken(given.cookieName, 'csrf.cookieName', 'csrftoken', 'a cookie name'),
    // Node lower-cases the header names it receives.
    headerName: httpToken(given.headerName, 'csrf.headerName', 'X-CSRFToken', 'an HTTP header name').toLowerCase(),
    trustedOrigins: trustedOrigins(given.trustedOrigins),
  };
  if (csrf.cookieName === authCookie.name) {
    throw new JwtAuthConfigError('csrf.cookieName', 'must differ from the token cookie name');
  }
  return { authCookie, csrf };
}

/** `scheme://host[:port]`, the host optionally `*.` for subdomains; no path, no trailing slash. */
const TRUSTED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/((\*\.)?[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$/;

/** Django's CSRF_TRUSTED_ORIGINS, checked as Django's system check does (a scheme first), and more. */
function trustedOrigins(option: unknown): readonly string[] {
  if (option === undefined) return Object.freeze([]);
  if (!Array.isArray(option)) {
    throw new JwtAuthConfigError(
      'csrf.trustedOrigins',
      "must be a list of origins such as ['https://app.example.com']",
    );
  }
  for (const origin of option as unknown[]) {
    if (typeof origin !== 'string' || !TRUSTED_ORIGIN.test(origin)) {
      throw new JwtAuthConfigError(
        'csrf.trustedOrigins',
        `must list origins as scheme://host[:port] (e.g. 'https://app.example.com' or 'https://*.example.com'), without a path (got ${JSON.stringify(origin)})`,
      );
    }
  }
  return Object.freeze([...(option as string[])]);
}

function cookieSettings(option: string | AuthCookieOptions | undefined): AuthCookieSettings | undefined {
  if (option === undefined) return undefined;
  const given: AuthCookieOptions = typeof option === 'string' ? { name: option } : option;
  if (given === null || typeof given !== 'object') {
    throw new JwtAuthConfigError(
      'authCookie',
      'must be a cookie name or { name, secure, sameSite, path, domain, maxAge }',
    );
  }
  const sameSite = oneOf(given.sameSite, 'authCookie.sameSite', ['lax', 'strict', 'none'] as const, 'lax');
  const secure = given.secure ?? true;
  if (typeof secure !== 'boolean') throw new JwtAuthConfigError('authCookie.secure', 'must be a boolean');
  if (sameSite === 'none' && !secure) {
    throw new JwtAuthConfigError('authCookie.sameSite', 'is "none", which browsers only accept with secure: true');
  }
  const path = given.path ?? '/';
  if (typeof path !== 'string' || !/^\/[\x21-\x3a\x3c-\x7e]*$/.test(path)) {
    throw new JwtAuthConfigError('authCookie.path', 'must be a path starting with "/" without ";" or spaces');
  }
  const domain = given.domain;
  if (domain !== undefined && (typeof domain !== 'string' || !/^\.?[A-Za-z0-9.-]+$/.test(domain))) {
    throw new JwtAuthConfigError('authCookie.domain', 'must be a host name');
  }
  const maxAge = given.maxAge === undefined ? undefined : duration(given.maxAge, 'authCookie.maxAge', 0);
  return {
    name: httpToken(given.name, 'authCookie.name', undefined, 'a cookie name'),
    secure,
    sameSite,
    path,
    domain,
    maxAge,
  };
}
