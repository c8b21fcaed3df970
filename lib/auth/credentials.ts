import { requestCookies } from '../cookies/request-cookies.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { parseAuthorizationHeader } from './authorization-header.js';

export type CredentialsRequest = {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  raw?: { rawHeaders: string[] };
};

/** Where a request's token is, if it sent one. */
export type Credentials =
  { kind: 'absent' } | { kind: 'invalid'; message: string } | { kind: 'token'; token: string; fromCookie: boolean };

const ABSENT: Credentials = { kind: 'absent' };

/**
 * Upstream's `get_jwt_value`: the Authorization header, and only when it carries no token of
 * ours (absent, or another scheme) the token cookie, in cookie mode.
 */
export function readCredentials(request: CredentialsRequest, settings: JwtAuthSettings): Credentials {
  const header = parseAuthorizationHeader(authorizationOf(request), settings.authHeaderPrefix);
  if (header.kind === 'token') return { kind: 'token', token: header.token, fromCookie: false };
  if (header.kind === 'invalid' || settings.authCookie === undefined) return header;
  const token = requestCookies(request)[settings.authCookie.name];
  return token === undefined || token === '' ? ABSENT : { kind: 'token', token, fromCookie: true };
}

/**
 * The Authorization value. Node keeps only the first of repeated Authorization headers; they
 * are joined here instead, as Node joins other repeated headers (`a, b`), so that a second
 * credential is refused rather than silently ignored.
 */
function authorizationOf(request: CredentialsRequest): string | string[] | undefined {
  const value = request.headers.authorization;
  if (value === undefined) return value;
  const rawHeaders = request.rawHeaders ?? request.raw?.rawHeaders ?? [];
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === 13 && rawHeaders[i].toLowerCase() === 'authorization') values.push(rawHeaders[i + 1]);
  }
  return values.length > 1 ? values.join(', ') : value;
}
