import { createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { JwtAuthConfigError } from '../common/errors.js';
import type { JwtAlgorithm } from '../common/jwt.js';
import { ES_CURVES, keyTypesOf, MIN_SECRET_BYTES } from './algorithms.js';

/**
 * A key: PEM text, the path of a PEM file (read once at start-up), a Buffer, a JWK object or a
 * KeyObject. `secretKey` takes a string (the secret itself, never a path), a Buffer, a JWK of
 * `kty` "oct" or a secret KeyObject.
 */
export type KeyInput = string | Buffer | KeyObject | JsonWebKey;

/** An HMAC secret as a KeyObject, at least as long as the algorithm's hash. */
export function buildSecret(option: string, secret: KeyInput | undefined | null, algorithm: JwtAlgorithm): KeyObject {
  if (secret === undefined || secret === null || secret === '') {
    // Most often read from the environment (`secretKey: process.env.JWT_SECRET_KEY`): say so.
    const got = secret === '' ? 'an empty string' : String(secret);
    throw new JwtAuthConfigError(
      option,
      `is required for ${algorithm} and is missing (got ${got}): if it is read from the environment, is that variable set?`,
    );
  }
  let key: KeyObject;
  if (secret instanceof KeyObject) {
    if (secret.type !== 'secret') {
      throw new JwtAuthConfigError(option, `must be a secret key for ${algorithm}, not a ${secret.type} key`);
    }
    key = secret;
  } else if (typeof secret === 'string' || Buffer.isBuffer(secret)) {
    key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
  } else if (isJwk(secret) && secret.kty === 'oct' && typeof secret.k === 'string') {
    key = createSecretKey(Buffer.from(secret.k, 'base64url'));
  } else {
    throw new JwtAuthConfigError(option, 'must be a string, a Buffer, a JWK of kty "oct" or a secret KeyObject');
  }
  const minimum = MIN_SECRET_BYTES[algorithm] ?? 0;
  const length = key.symmetricKeySize ?? 0;
  if (length < minimum) {
    throw new JwtAuthConfigError(
      option,
      `is ${length} bytes long; ${algorithm} needs at least ${minimum} random bytes`,
    );
  }
  return key;
}

/** A private or public key from any key input, read once. */
export function buildKey(option: string, input: KeyInput, type: 'private' | 'public'): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type !== type) {
      throw new JwtAuthConfigError(option, `must be a ${type} key, not a ${input.type} key`);
    }
    return input;
  }
  let source: string | Buffer | { key: JsonWebKey; format: 'jwk' };
  let file = '';
  if (isJwk(input)) {
    source = { key: input, format: 'jwk' };
  } else if (Buffer.isBuffer(input) || (typeof input === 'string' && PEM.test(input))) {
    source = input;
  } else if (typeof input === 'string' && input !== '') {
    source = readKeyFile(option, input);
    file = `file ${JSON.stringify(input)}: `;
  } else {
    throw new JwtAuthConfigError(option, 'must be PEM text, the path of a PEM file, a Buffer, a JWK or a KeyObject');
  }
  try {
    return type === 'private' ? createPrivateKey(source) : createPublicKey(source);
  } catch (error) {
    throw new JwtAuthConfigError(option, `is not a readable ${type} key (${file}${(error as Error).message})`);
  }
}

/** An asymmetric key must be of the algorithm's type (and curve): no key confusion. */
export function checkKeyFits(option: string, key: KeyObject, algorithm: JwtAlgorithm): void {
  if (!keyTypesOf(algorithm).includes(key.asymmetricKeyType ?? '')) {
    throw new JwtAuthConfigError(option, `is a ${key.asymmetricKeyType} key, which ${algorithm} cannot use`);
  }
  const curve = ES_CURVES[algorithm];
  if (curve && key.asymmetricKeyDetails?.namedCurve !== curve) {
    throw new JwtAuthConfigError(option, `must be on curve ${curve} for ${algorithm}`);
  }
}

/** PEM text carries its armour; any other string is taken as the path of a PEM file. */
const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

/** A key file, read once at start-up. */
function readKeyFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    // Only what looks like a path is shown: anything else may be a mangled key, kept out of logs.
    // Base64 has "/" but no "-_.~", base64url "-_" but no "/": a string that is neither is shown.
    const pathLike = /[.~]/.test(path) || (/[/\\]/.test(path) && /[-_]/.test(path));
    const looksLikePath = path.length <= 1024 && /^[\w./~:\\-]+$/.test(path) && pathLike;
    const shown = looksLikePath ? `${JSON.stringify(path)}: ` : '';
    throw new JwtAuthConfigError(option, `is neither PEM text nor the path of a readable file (${shown}${code})`);
  }
}

/** A JWK object: a plain object with a string `kty` (never a KeyObject or a Buffer). */
function isJwk(input: unknown): input is JsonWebKey {
  return (
    typeof input === 'object' &&
    input !== null &&
    !(input instanceof KeyObject) &&
    !Buffer.isBuffer(input) &&
    typeof (input as JsonWebKey).kty === 'string'
  );
}
