import type { JsonWebKey, KeyObject } from 'node:crypto';
import { JwtAuthConfigError } from '../common/errors.js';
import type { JwtAlgorithm } from '../common/jwt.js';
import type { KeyRing } from './key-ring.js';

/** A JSON Web Key Set (RFC 7517, section 5). */
export interface Jwks {
  keys: (JsonWebKey & { kid?: string; alg: string; use: 'sig' })[];
}

/**
 * The public keys that verify this app's tokens, for other services: the signing key's public
 * half and every asymmetric verify key, with `kid`, `alg` and `use`. HMAC secrets and private
 * parts are never listed (a KeyObject of type "public" exports no private member).
 */
export function buildJwks(ring: KeyRing, algorithm: JwtAlgorithm): Jwks {
  const keys: Jwks['keys'] = [];
  const add = (key: KeyObject | undefined, alg: string, kid?: string) => {
    if (key?.type !== 'public') return;
    keys.push({ ...key.export({ format: 'jwk' }), ...(kid === undefined ? {} : { kid }), alg, use: 'sig' });
  };
  if (ring.keyId === undefined) add(ring.verifyingKey, algorithm);
  for (const [kid, { algorithm: keyAlgorithm, key }] of ring.keys) add(key, keyAlgorithm, kid);
  if (keys.length === 0) {
    throw new JwtAuthConfigError('jwks', 'needs a public key to publish: configure an RS, PS, ES or EdDSA key');
  }
  return { keys };
}
