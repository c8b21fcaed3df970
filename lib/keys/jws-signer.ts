import type { KeyObject } from 'node:crypto';
import type { JwtAlgorithm, JwtPayload } from '../common/jwt.js';
import { signerFor } from './algorithms.js';

/**
 * Signs a compact JWS where jsonwebtoken (through @nestjs/jwt) cannot, or cannot cheaply:
 * EdDSA, which jsonwebtoken 9 lacks, and HMAC with a key that changes per call (a user's own
 * secret), which jsonwebtoken only takes as a string at ~600 us a call. The header is written
 * as jsonwebtoken writes its own (`{"alg":...,"typ":"JWT"}`, then `kid`); the payload is
 * serialised as it is, so it decides every claim (`iat` included).
 */
export function signJws(payload: JwtPayload, algorithm: JwtAlgorithm, key: KeyObject, keyId?: string): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('nest-rest-jwt: a token payload must be a plain object');
  }
  const header = keyId === undefined ? { alg: algorithm, typ: 'JWT' } : { alg: algorithm, typ: 'JWT', kid: keyId };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${signerFor(algorithm, key)(input).toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
