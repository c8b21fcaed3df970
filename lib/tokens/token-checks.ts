import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import type { JwtPayload } from '../settings/jwt-auth-options.interface.js';
import { hasDuplicateKeys } from './duplicate-keys.js';
import { TokenRejectedError, type TokenRejection } from './token-error.js';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The checks PyJWT makes before the signature, in its order: three segments, a header and a
 * payload that are base64url JSON objects (without duplicate keys), and an allowed `alg`. jsonwebtoken makes them in
 * another order (and throws a bare SyntaxError on a non-JSON payload), so we make them first.
 */
export function checkTokenShape(token: unknown, settings: JwtAuthSettings): void {
  if (typeof token !== 'string') throw new TokenRejectedError('decode');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) {
    throw new TokenRejectedError('decode');
  }
  const header = parseJsonSegment(parts[0]);
  const payload = parseJsonSegment(parts[1]);
  if (!isPlainObject(header) || !isPlainObject(payload)) throw new TokenRejectedError('decode');
  if (header.alg !== settings.algorithm) throw new TokenRejectedError('invalid');
  // No JWS extension is understood here, so a token that makes one critical is refused (RFC 7515, 4.1.11).
  if (header.crit !== undefined) throw new TokenRejectedError('invalid');
}

/**
 * The claim checks jsonwebtoken does not make, after the signature is verified:
 * `exp` present and finite (a `1e400` exp would never expire), `aud` refused when no
 * audience is configured, `iat` a number and not in the future.
 */
export function checkClaims(payload: JwtPayload, settings: JwtAuthSettings): void {
  if (payload.exp === undefined) {
    if (settings.requireExpiration) throw new TokenRejectedError('invalid');
  } else if (!isFiniteNumber(payload.exp)) {
    throw new TokenRejectedError('decode');
  }
  if (payload.nbf !== undefined && !isFiniteNumber(payload.nbf)) throw new TokenRejectedError('decode');
  if (payload.iat !== undefined) {
    // A token issued in the future (beyond the leeway) is not yet valid, as PyJWT 2 rules.
    if (!isFiniteNumber(payload.iat) || payload.iat > Date.now() / 1000 + settings.leeway) {
      throw new TokenRejectedError('invalid');
    }
  }
  if (settings.audience === undefined && payload.aud !== undefined) throw new TokenRejectedError('invalid');
}

/** Sorts jsonwebtoken's errors into the reference's three families. */
export function classifyVerifyError(error: unknown): TokenRejection {
  if (error instanceof TokenRejectedError) return error.reason;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TokenExpiredError') return 'expired';
  if (name === 'NotBeforeError') return 'invalid';
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  if (/^(jwt (audience|issuer|id|subject) invalid|invalid algorithm|please specify "none")/.test(message)) {
    return 'invalid';
  }
  return 'decode';
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function parseJsonSegment(segment: string): unknown {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return hasDuplicateKeys(text) ? undefined : value;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
