import { constants, createHmac, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';
import type { JwtAlgorithm } from '../common/jwt.js';

/** Checks a signature over `header.payload`; built once per key. */
export type SignatureCheck = (signingInput: string, signature: Buffer) => boolean;
/** Signs `header.payload`; built once per key. */
export type Signer = (signingInput: string) => Buffer;

/**
 * One row per algorithm family: the keys it takes and how it signs and verifies. The verifier,
 * the key checks at start-up and the JWS signer all read this table, so an algorithm is
 * described once.
 */
interface Family {
  /** Key types (`KeyObject.asymmetricKeyType`) the family accepts; `secret` for HMAC. */
  readonly keyTypes: readonly string[];
  readonly sign: (key: KeyObject, hash: string) => Signer;
  readonly verify: (key: KeyObject, hash: string) => SignatureCheck;
}

const ED25519_SIGNATURE_BYTES = 64;

/** RSA signatures must have the modulus's length: no token gets a second, shorter spelling. */
const rsaBytes = (key: KeyObject) => Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };

const FAMILIES: Readonly<Record<'HS' | 'RS' | 'PS' | 'ES' | 'Ed', Family>> = {
  HS: {
    keyTypes: ['secret'],
    sign: (key, hash) => (input) => createHmac(hash, key).update(input).digest(),
    verify: (key, hash) => (input, signature) => {
      const expected = createHmac(hash, key).update(input).digest();
      return expected.length === signature.length && timingSafeEqual(expected, signature);
    },
  },
  RS: {
    keyTypes: ['rsa'],
    sign: (key, hash) => (input) => sign(hash, Buffer.from(input), key),
    verify: (key, hash) => {
      const length = rsaBytes(key);
      return (input, signature) => signature.length === length && verify(hash, Buffer.from(input), key, signature);
    },
  },
  PS: {
    keyTypes: ['rsa', 'rsa-pss'],
    sign: (key, hash) => (input) => sign(hash, Buffer.from(input), { key, ...PSS }),
    verify: (key, hash) => {
      // OpenSSL takes an RSA-PSS signature with its leading zero byte dropped: not here.
      const length = rsaBytes(key);
      return (input, signature) =>
        signature.length === length && verify(hash, Buffer.from(input), { key, ...PSS }, signature);
    },
  },
  ES: {
    keyTypes: ['ec'],
    // JWS signatures are r||s (IEEE P1363), not DER.
    sign: (key, hash) => (input) => sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }),
    verify: (key, hash) => (input, signature) =>
      verify(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature),
  },
  Ed: {
    keyTypes: ['ed25519'],
    // EdDSA (Ed25519) hashes internally: no digest is named (RFC 8037, section 3.1).
    sign: (key) => (input) => sign(null, Buffer.from(input), key),
    verify: (key) => (input, signature) =>
      signature.length === ED25519_SIGNATURE_BYTES && verify(null, Buffer.from(input), key, signature),
  },
};

/** The curve each ES algorithm's key must be on. */
export const ES_CURVES: Readonly<Partial<Record<JwtAlgorithm, string>>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

/** Minimum HMAC secret length in bytes: the hash's output size (RFC 7518, section 3.2). */
export const MIN_SECRET_BYTES: Readonly<Partial<Record<JwtAlgorithm, number>>> = { HS256: 32, HS384: 48, HS512: 64 };

function familyOf(algorithm: JwtAlgorithm): Family {
  return FAMILIES[algorithm.slice(0, 2) as keyof typeof FAMILIES];
}

function hashOf(algorithm: JwtAlgorithm): string {
  return `sha${algorithm.slice(2)}`;
}

export function isHmac(algorithm: JwtAlgorithm): boolean {
  return algorithm.startsWith('HS');
}

/** The key types an algorithm accepts (`secret` for HMAC). */
export function keyTypesOf(algorithm: JwtAlgorithm): readonly string[] {
  return familyOf(algorithm).keyTypes;
}

/** A signature check for one key, used with its own algorithm only. A malformed signature is a bad one. */
export function signatureCheck(algorithm: JwtAlgorithm, key: KeyObject): SignatureCheck {
  const check = familyOf(algorithm).verify(key, hashOf(algorithm));
  return (input, signature) => {
    try {
      return check(input, signature);
    } catch {
      // A signature of the wrong size or encoding for the key: a bad signature, not a server error.
      return false;
    }
  };
}

/** A signer for one key. */
export function signerFor(algorithm: JwtAlgorithm, key: KeyObject): Signer {
  return familyOf(algorithm).sign(key, hashOf(algorithm));
}
