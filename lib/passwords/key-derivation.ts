import { pbkdf2, scrypt } from 'node:crypto';
import type { DjangoHashParams, Pbkdf2Algorithm, ScryptParams } from './django-hasher-options.js';

/**
 * The hash field of a Django hash (standard base64), computed off the event loop: crypto.pbkdf2
 * and crypto.scrypt run in libuv's thread pool, so other requests are served meanwhile (the
 * Sync forms would stop the whole server for the duration of each login).
 */
export async function deriveHashField(params: DjangoHashParams, password: string, salt: string): Promise<string> {
  const key =
    params.algorithm === 'scrypt'
      ? await scryptKey(password, salt, params)
      : await pbkdf2Key(password, salt, params.iterations, params.algorithm);
  return key.toString('base64');
}

const PBKDF2_DIGESTS: Record<Pbkdf2Algorithm, { digest: string; length: number }> = {
  // Django keeps the digest's own length (dklen=None): 32 bytes for SHA-256, 20 for SHA-1.
  pbkdf2_sha256: { digest: 'sha256', length: 32 },
  pbkdf2_sha1: { digest: 'sha1', length: 20 },
};

/** Django's scrypt key length (`dklen=64`). */
const SCRYPT_KEY_LENGTH = 64;

/** Password and salt are UTF-8 strings, as Django's `password.encode()` / `salt.encode()`. */
export function pbkdf2Key(
  password: string,
  salt: string,
  iterations: number,
  algorithm: Pbkdf2Algorithm,
): Promise<Buffer> {
  const { digest, length } = PBKDF2_DIGESTS[algorithm];
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, length, digest, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function scryptKey(password: string, salt: string, { N, r, p }: ScryptParams): Promise<Buffer> {
  // OpenSSL needs 128 * r * (N + p + 2) bytes; the parameters were bounded before this point.
  const maxmem = 128 * r * (N + p + 2);
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT_KEY_LENGTH, { N, r, p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}
