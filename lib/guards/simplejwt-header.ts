import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { isOneOf } from './authorization-header.js';
import { authorizationOf, type CredentialsRequest } from './credentials.js';

/** What an Authorization header says to simplejwt's JWTAuthentication (get_raw_token). */
export type SimpleJwtHeader =
  { kind: 'absent' } | { kind: 'bad'; scheme: string } | { kind: 'token'; scheme: string; token: string };

/**
 * JWTAuthentication.get_header and get_raw_token: split on whitespace; no parts, or a first part
 * that is not one of `authHeaderTypes` (compared case-sensitively, as simplejwt compares bytes):
 * absent, for another authenticator to take; not exactly two parts: `bad_authorization_header`.
 */
export function readSimpleJwtHeader(request: CredentialsRequest, types: readonly string[]): SimpleJwtHeader {
  const value = authorizationOf(request);
  const text = Array.isArray(value) ? value.join(', ') : value;
  if (typeof text !== 'string') return { kind: 'absent' };
  const parts = text.split(/\s+/).filter((part) => part !== '');
  if (parts.length === 0 || !types.includes(parts[0])) return { kind: 'absent' };
  if (parts.length !== 2) return { kind: 'bad', scheme: parts[0] };
  return { kind: 'token', scheme: parts[0], token: parts[1] };
}

/**
 * With `tokenProtocol: 'both'`, whether djangorestframework-jwt's authentication takes a header
 * simplejwt could also read: its scheme is one of `authHeaderPrefix`, and the token is not one of
 * simplejwt's (which always carry a type claim). Otherwise simplejwt answers it.
 */
export function drfJwtTakes(header: SimpleJwtHeader, settings: JwtAuthSettings, tokenTypeClaim: string): boolean {
  if (header.kind === 'absent' || !isOneOf(header.scheme, settings.authHeaderPrefixes)) return false;
  return header.kind === 'bad' || !hasClaim(header.token, tokenTypeClaim);
}

/** Whether the (unverified) payload of a token has a claim: only to pick the protocol, never to trust it. */
function hasClaim(token: string, claim: string): boolean {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && Object.hasOwn(payload, claim);
  } catch {
    return false;
  }
}
