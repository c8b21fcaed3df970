import { timingSafeEqual } from 'node:crypto';
import { CSRF_MESSAGES } from '../common/messages.js';
import { forbidden, type Refusal } from '../common/refusal.js';
import type { CsrfSettings } from '../cookies/cookie-settings.js';
import { requestCookies } from '../cookies/request-cookies.js';
import { type HttpRequestLike, methodOf } from '../transport/http-adapter.js';

/** Methods that must not change anything, so a forged one does no harm (RFC 9110, 9.2.1). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Double submit: an unsafe request authenticated by the token cookie must repeat the CSRF
 * cookie's value in the CSRF header, which a page on another origin cannot read nor set.
 * Returns the 403 refusal, or undefined.
 */
export function csrfRefusal(request: HttpRequestLike, csrf: CsrfSettings): Refusal | undefined {
  const failure = csrfFailure(request, csrf);
  return failure === undefined ? undefined : forbidden(failure);
}

function csrfFailure(request: HttpRequestLike, csrf: CsrfSettings): string | undefined {
  if (SAFE_METHODS.has((methodOf(request) ?? 'GET').toUpperCase())) return undefined;
  const expected = requestCookies(request)[csrf.cookieName];
  if (expected === undefined || expected === '') return CSRF_MESSAGES.noCookie;
  const sent = request.headers[csrf.headerName];
  if (typeof sent !== 'string' || sent === '') return CSRF_MESSAGES.missing;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? undefined : CSRF_MESSAGES.incorrect;
}
