import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SUPPORTED_ALGORITHMS } from '../lib/index.js';

/** The algorithms `npm run keys` makes material for: every one the library signs with. */
export const KEY_ALGORITHMS = SUPPORTED_ALGORITHMS;

export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** A PEM key pair (PKCS#8 private key, SPKI public key) or, for HS algorithms, a base64url secret. */
export interface KeyMaterial {
  privateKey?: string;
  publicKey?: string;
  secret?: string;
}

/** An algorithm `npm run keys` does not know. */
export class KeyAlgorithmError extends Error {
  override name = 'KeyAlgorithmError';
}

/** 64 random bytes: at least what HS512 needs (64), so also enough for HS256 (32) and HS384 (48). */
export const SECRET_BYTES = 64;

const SPKI_PEM = { type: 'spki', format: 'pem' } as const;
const PKCS8_PEM = { type: 'pkcs8', format: 'pem' } as const;

const secret = (): KeyMaterial => ({ secret: randomBytes(SECRET_BYTES).toString('base64url') });
// Plain RSA keys: they sign both RSASSA-PKCS1-v1_5 (RS*) and RSASSA-PSS (PS*).
const rsa = (modulusLength: number) => (): KeyMaterial =>
  generateKeyPairSync('rsa', { modulusLength, publicKeyEncoding: SPKI_PEM, privateKeyEncoding: PKCS8_PEM });
const ec = (namedCurve: string) => (): KeyMaterial =>
  generateKeyPairSync('ec', { namedCurve, publicKeyEncoding: SPKI_PEM, privateKeyEncoding: PKCS8_PEM });

/** How each algorithm's material is made: RSA 2048/3072/4096 bits for *256/*384/*512, one curve per ES*. */
const GENERATORS: Record<KeyAlgorithm, () => KeyMaterial> = {
  HS256: secret,
  HS384: secret,
  HS512: secret,
  RS256: rsa(2048),
  RS384: rsa(3072),
  RS512: rsa(4096),
  PS256: rsa(2048),
  PS384: rsa(3072),
  PS512: rsa(4096),
  ES256: ec('prime256v1'),
  ES384: ec('secp384r1'),
  ES512: ec('secp521r1'),
  EdDSA: () => generateKeyPairSync('ed25519', { publicKeyEncoding: SPKI_PEM, privateKeyEncoding: PKCS8_PEM }),
};

/** The algorithm as spelled in KEY_ALGORITHMS (case-insensitive), or undefined. */
export function keyAlgorithmOf(name: string): KeyAlgorithm | undefined {
  const word = name.trim().toLowerCase();
  return KEY_ALGORITHMS.find((algorithm) => algorithm.toLowerCase() === word);
}

/** New key material for `algorithm`; a KeyAlgorithmError for an algorithm not in KEY_ALGORITHMS. */
export function generateKeyMaterial(algorithm: string): KeyMaterial {
  const known = keyAlgorithmOf(algorithm);
  if (known === undefined) {
    throw new KeyAlgorithmError(
      `unknown algorithm ${JSON.stringify(algorithm)}: use one of ${KEY_ALGORITHMS.join(', ')}`,
    );
  }
  return GENERATORS[known]();
}
