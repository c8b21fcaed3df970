import { type KeyObject, sign } from 'node:crypto';
import type { JwtPayload } from '../settings/jwt-auth-options.interface.js';

/** The header of every EdDSA token, as jsonwebtoken writes its own: `{"alg":"EdDSA","typ":"JWT"}`. */
const EDDSA_HEADER = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })).toString('base64url');

/**
 * Signs an EdDSA (Ed25519) compact JWS, which jsonwebtoken 9 cannot: the payload is serialised
 * as it is, so it decides every claim (`iat` included), as with the other algorithms.
 */
export function signEdDsa(payload: JwtPayload, privateKey: KeyObject, keyId?: string): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('nest-rest-jwt: a token payload must be a plain object');
  }
  const header =
    keyId === undefined
      ? EDDSA_HEADER
      : Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: keyId })).toString('base64url');
  const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  // Ed25519 hashes internally: no digest is named (RFC 8037, section 3.1).
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}
