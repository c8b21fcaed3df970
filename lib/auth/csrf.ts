import { timingSafeEqual } from 'node:crypto';
import { requestCookies } from '../cookies/request-cookies.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import type { CredentialsRequest } from './credentials.js';

/** Methods that must not change anything, so a forged one does no harm (RFC 9110, 9.2.1). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Django's reasons, as DRF's SessionAuthentication words them. */
export const CSRF_MESSAGES = {
  noCookie: 'CSRF Failed: CSRF cookie not set.',
  missing: 'CSRF Failed: CSRF token missing.',
  incorrect: 'CSRF Failed: CSRF token incorrect.',
} as const;

/**
 * Double submit: an unsafe request authenticated by the token cookie must repeat the CSRF
 * cookie's value in the CSRF header, which a page on another origin cannot read nor set.
 * Returns why it fails, or undefined.
 */
export function csrfFailure(
  request: CredentialsRequest & { method?: string },
  csrf: NonNullable<JwtAuthSettings['csrf']>,
): string | undefined {
  if (SAFE_METHODS.has((request.method ?? 'GET').toUpperCase())) return undefined;
  const expected = requestCookies(request)[csrf.cookieName];
  if (expected === undefined || expected === '') return CSRF_MESSAGES.noCookie;
  const sent = request.headers[csrf.headerName];
  if (typeof sent !== 'string' || sent === '') return CSRF_MESSAGES.missing;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? undefined : CSRF_MESSAGES.incorrect;
}
