import { requestCookies } from '../cookies/request-cookies.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { headerValues, type HttpRequestLike } from '../transport/http-adapter.js';
import { parseAuthorizationHeader, schemeMismatch } from './authorization-header.js';

export type CredentialsRequest = Pick<HttpRequestLike, 'headers' | 'rawHeaders' | 'raw'>;

/** Where a request's token is, if it sent one. */
export type Credentials =
  /** `mismatch`: why an Authorization header was not ours (another scheme), for the debug log. */
  | { kind: 'absent'; mismatch?: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'token'; token: string; fromCookie: boolean };

const ABSENT: Credentials = { kind: 'absent' };

/**
 * Upstream's `get_jwt_value`: the Authorization header, and only when it carries no token of
 * ours (absent, or another scheme) the token cookie, in cookie mode.
 */
export function readCredentials(
  request: CredentialsRequest,
  settings: Pick<JwtAuthSettings, 'authHeaderPrefixes' | 'authCookie'>,
): Credentials {
  const value = authorizationOf(request);
  const header = parseAuthorizationHeader(value, settings.authHeaderPrefixes);
  if (header.kind === 'token') return { kind: 'token', token: header.token, fromCookie: false };
  if (header.kind === 'invalid') return header;
  const token = settings.authCookie === undefined ? undefined : requestCookies(request)[settings.authCookie.name];
  if (token !== undefined && token !== '') return { kind: 'token', token, fromCookie: true };
  const mismatch = schemeMismatch(value, settings.authHeaderPrefixes);
  return mismatch === undefined ? ABSENT : { kind: 'absent', mismatch };
}

/**
 * The Authorization value. Node keeps only the first of repeated Authorization headers; they
 * are joined here instead, as Node joins other repeated headers (`a, b`), so that a second
 * credential is refused rather than silently ignored.
 */
export function authorizationOf(request: CredentialsRequest): string | string[] | undefined {
  const value = request.headers.authorization;
  if (value === undefined) return value;
  const values = headerValues(request, 'authorization');
  return values.length > 1 ? values.join(', ') : value;
}
