import { createHmac, type KeyObject, sign } from 'node:crypto';
import type { JwtPayload } from '../settings/jwt-auth-options.interface.js';

/**
 * `header.payload` of a compact JWS, the header written as jsonwebtoken writes its own
 * (`{"alg":...,"typ":"JWT"}`, then `kid`). The payload is serialised as it is, so it decides
 * every claim (`iat` included), as with jsonwebtoken's algorithms.
 */
function signingInput(alg: string, payload: JwtPayload, keyId?: string): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('nest-rest-jwt: a token payload must be a plain object');
  }
  const header = keyId === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: keyId };
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
}

/** Signs an EdDSA (Ed25519) token, which jsonwebtoken 9 cannot. */
export function signEdDsa(payload: JwtPayload, privateKey: KeyObject, keyId?: string): string {
  const input = signingInput('EdDSA', payload, keyId);
  // Ed25519 hashes internally: no digest is named (RFC 8037, section 3.1).
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

/**
 * Signs an HS256/384/512 token with a key that changes per call (a user's own secret):
 * jsonwebtoken only takes such a key as a string, which costs it ~600 us a call.
 */
export function signHmac(
  payload: JwtPayload,
  algorithm: 'HS256' | 'HS384' | 'HS512',
  key: KeyObject,
  keyId?: string,
): string {
  const input = signingInput(algorithm, payload, keyId);
  return `${input}.${createHmac(`sha${algorithm.slice(2)}`, key)
    .update(input)
    .digest('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
