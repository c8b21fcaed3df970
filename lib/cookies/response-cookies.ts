import { randomBytes } from 'node:crypto';
import { serialize, type SerializeOptions } from 'cookie';
import { nowSeconds } from '../common/clock.js';
import { appendSetCookie, type HttpResponseLike } from '../transport/http-adapter.js';
import type { AuthCookieSettings, CsrfSettings } from './cookie-settings.js';
import { requestCookies } from './request-cookies.js';

/** A response of either adapter (Express's `res`, Fastify's `reply`). */
export type CookieResponse = HttpResponseLike;
/** A request of either adapter, of which the cookies are read. */
export type CookieRequest = Parameters<typeof requestCookies>[0];
type Reply = CookieResponse;

/** What the cookies are made from: cookie mode's settings and the token lifetime. */
export interface CookieModeSettings {
  authCookie?: AuthCookieSettings;
  csrf?: CsrfSettings;
  expirationDelta: number;
}

/**
 * Cookie mode: the token cookie (HttpOnly, so no script reads it) and, with the CSRF defence,
 * the readable CSRF cookie the page repeats in a header. Both live as long as the token. The
 * CSRF value is kept across refreshes so that a page's other tabs keep working.
 */
export function setTokenCookies(
  settings: CookieModeSettings,
  request: CookieRequest,
  reply: Reply,
  token: string,
): void {
  const cookie = settings.authCookie;
  if (cookie === undefined) return;
  const attributes = attributesOf(cookie, cookie.maxAge ?? remainingLifetime(token, settings.expirationDelta));
  appendSetCookie(reply, serialize(cookie.name, token, { ...attributes, httpOnly: true }));
  if (settings.csrf !== undefined) setCsrfCookie(settings.csrf, attributes, request, reply);
}

/** The readable CSRF cookie, its value kept when the request already has a well-formed one. */
export function setCsrfCookie(
  csrf: CsrfSettings,
  attributes: SerializeOptions,
  request: CookieRequest,
  reply: Reply,
): void {
  const current = requestCookies(request)[csrf.cookieName];
  const value = current !== undefined && /^[A-Za-z0-9_-]{43}$/.test(current) ? current : newCsrfValue();
  appendSetCookie(reply, serialize(csrf.cookieName, value, attributes));
}

/** Logout: both cookies expire now (same path and domain, or the browser keeps them). */
export function clearTokenCookies(settings: CookieModeSettings, reply: Reply): void {
  const cookie = settings.authCookie;
  if (cookie === undefined) return;
  const attributes = attributesOf(cookie, 0);
  appendSetCookie(reply, serialize(cookie.name, '', { ...attributes, httpOnly: true }));
  if (settings.csrf !== undefined) appendSetCookie(reply, serialize(settings.csrf.cookieName, '', attributes));
}

/** Both cookies share the token cookie's attributes; only the token cookie is HttpOnly. */
function attributesOf(cookie: AuthCookieSettings, maxAge: number): SerializeOptions {
  return { secure: cookie.secure, sameSite: cookie.sameSite, path: cookie.path, domain: cookie.domain, maxAge };
}

/** 32 random bytes, base64url. */
function newCsrfValue(): string {
  return randomBytes(32).toString('base64url');
}

/** Seconds until the token's `exp` (its payload is ours, just signed). */
function remainingLifetime(token: string, fallback: number): number {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const exp = (payload as { exp?: unknown } | null)?.exp;
    if (typeof exp === 'number' && Number.isFinite(exp)) return Math.max(0, Math.floor(exp) - nowSeconds());
  } catch {
    // Not JSON: the configured lifetime.
  }
  return fallback;
}
