import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwtAuthConfigError } from '../common/errors.js';
import { isSupportedAlgorithm, type JwtAlgorithm, SUPPORTED_ALGORITHMS } from '../common/jwt.js';
import { isHmac } from './algorithms.js';
import { buildKey, buildSecret, checkKeyFits, type KeyInput } from './key-inputs.js';

/** The key options: what signs and verifies tokens (Django: `JWT_SECRET_KEY`, `JWT_PRIVATE_KEY`, `JWT_PUBLIC_KEY`), and rotation. */
export interface KeyOptions {
  /**
   * The HMAC secret that signs and verifies tokens with the HS* algorithms (the default HS256):
   * a string, a Buffer, an `oct` JWK or a secret KeyObject, of at least 32 bytes for HS256, 48
   * for HS384, 64 for HS512. Required for HS*: a missing one stops the app at start-up.
   * Django: `JWT_SECRET_KEY`.
   */
  secretKey?: KeyInput | undefined;
  /**
   * The private key that signs tokens with RS*, PS*, ES* and EdDSA (Ed25519): PEM text, a PEM
   * file's path (read once at start-up), a JWK or a KeyObject. Django: `JWT_PRIVATE_KEY`.
   */
  privateKey?: KeyInput | undefined;
  /** The public key that verifies tokens, in the forms of `privateKey`; derived from `privateKey` when left out. Django: `JWT_PUBLIC_KEY`. */
  publicKey?: KeyInput | undefined;
  /**
   * The `kid` of the signing key: new tokens carry it in their header, and a token that names a
   * `kid` is verified with that key only (see the README, "Rotating keys"). Not in the reference.
   */
  keyId?: string | undefined;
  /**
   * Keys that still verify tokens naming their `kid` (a retired signing key during a rotation,
   * or another issuer's), each with its own algorithm (default: `algorithm`): public keys or
   * HMAC secrets, in any of the key input forms. Not in the reference.
   */
  verifyKeys?: readonly { kid: string; key: KeyInput; algorithm?: JwtAlgorithm }[] | undefined;
}

/** A key that verifies tokens naming its `kid`, with the one algorithm it may be used with. */
export interface VerificationKey {
  algorithm: JwtAlgorithm;
  key: KeyObject;
}

/** The keys of one module, built once at start-up. */
export interface KeyRing {
  /** None with `verifyOnly`. */
  signingKey?: KeyObject;
  verifyingKey?: KeyObject;
  /** The `kid` new tokens carry, when set. */
  keyId?: string;
  /** Every key a token may name by `kid` (the signing key under keyId, and verifyKeys). */
  keys: ReadonlyMap<string, VerificationKey>;
}

/** Builds and checks every key of the options. Throws JwtAuthConfigError naming the option. */
export function buildKeyRing(options: KeyOptions, algorithm: JwtAlgorithm, verifyOnly: boolean): KeyRing {
  const { signingKey, verifyingKey } = verifyOnly
    ? noSigningKey(options)
    : isHmac(algorithm)
      ? hmacKeys(options, algorithm)
      : asymmetricKeys(options, algorithm);
  return { signingKey, verifyingKey, ...namedKeys(options, algorithm, verifyingKey) };
}

function hmacKeys(options: KeyOptions, algorithm: JwtAlgorithm) {
  if (options.privateKey !== undefined || options.publicKey !== undefined) {
    throw new JwtAuthConfigError(
      'algorithm',
      `is ${algorithm}, an HMAC algorithm, but privateKey/publicKey are set: use an RS, PS, ES or EdDSA algorithm, or secretKey`,
    );
  }
  const key = buildSecret('secretKey', options.secretKey, algorithm);
  return { signingKey: key, verifyingKey: key };
}

function asymmetricKeys(options: KeyOptions, algorithm: JwtAlgorithm) {
  if (options.secretKey !== undefined) {
    throw new JwtAuthConfigError(
      'secretKey',
      `is set, but algorithm ${algorithm} signs with privateKey/publicKey: remove secretKey or use an HS algorithm`,
    );
  }
  if (options.privateKey === undefined) {
    throw new JwtAuthConfigError('privateKey', `is required for ${algorithm}`);
  }
  const signingKey = buildKey('privateKey', options.privateKey, 'private');
  const verifyingKey =
    options.publicKey === undefined ? createPublicKey(signingKey) : buildKey('publicKey', options.publicKey, 'public');
  checkKeyFits('privateKey', signingKey, algorithm);
  checkKeyFits('publicKey', verifyingKey, algorithm);
  return { signingKey, verifyingKey };
}

/** verifyOnly: no key of one's own may be given (it would suggest tokens are signed here). */
function noSigningKey(options: KeyOptions): { signingKey?: KeyObject; verifyingKey?: KeyObject } {
  for (const name of ['secretKey', 'privateKey', 'publicKey'] as const) {
    if (options[name] !== undefined) {
      throw new JwtAuthConfigError(
        name,
        'is set, but verifyOnly signs nothing: give the keys as verifyKeys or jwksUrl',
      );
    }
  }
  return {};
}

/**
 * The keys a token may name by `kid`: the signing key under `keyId` (when set) and each of
 * `verifyKeys`, every one with its own algorithm, so that no key is ever tried with another
 * algorithm's verification (no key confusion across a rotation).
 */
function namedKeys(
  options: KeyOptions,
  algorithm: JwtAlgorithm,
  verifyingKey: KeyObject | undefined,
): { keyId?: string; keys: ReadonlyMap<string, VerificationKey> } {
  const keyId = options.keyId;
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) {
    throw new JwtAuthConfigError('keyId', 'must be a non-empty string');
  }
  if (keyId !== undefined && verifyingKey === undefined) {
    throw new JwtAuthConfigError('keyId', 'names the signing key, and verifyOnly has none: remove it');
  }
  const keys = new Map<string, VerificationKey>();
  if (keyId !== undefined && verifyingKey !== undefined) keys.set(keyId, { algorithm, key: verifyingKey });
  const extra = options.verifyKeys ?? [];
  if (!Array.isArray(extra)) throw new JwtAuthConfigError('verifyKeys', 'must be an array of { kid, key, algorithm? }');
  extra.forEach((entry, index) => {
    const option = `verifyKeys[${index}]`;
    if (typeof entry?.kid !== 'string' || entry.kid === '') {
      throw new JwtAuthConfigError(`${option}.kid`, 'must be a non-empty string');
    }
    if (keys.has(entry.kid))
      throw new JwtAuthConfigError(`${option}.kid`, `repeats the key id ${JSON.stringify(entry.kid)}`);
    const entryAlgorithm: unknown = entry.algorithm ?? algorithm;
    if (!isSupportedAlgorithm(entryAlgorithm)) {
      throw new JwtAuthConfigError(`${option}.algorithm`, `must be one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
    }
    let key: KeyObject;
    if (isHmac(entryAlgorithm)) {
      key = buildSecret(`${option}.key`, entry.key, entryAlgorithm);
    } else {
      key = buildKey(`${option}.key`, entry.key, 'public');
      checkKeyFits(`${option}.key`, key, entryAlgorithm);
    }
    keys.set(entry.kid, { algorithm: entryAlgorithm, key });
  });
  return { keyId, keys };
}
