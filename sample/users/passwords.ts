import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes as self-describing strings: `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`.
 * The parameters travel with each hash, so raising them later keeps old hashes verifiable.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt setting with 32 MiB of memory (Password Storage Cheat Sheet). */
export const DEFAULT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 3 };

const ALGORITHM = 'scrypt';
const SALT_BYTES = 16;
const HASH_BYTES = 64;

/** Bounds for stored parameters, so a corrupt row cannot ask for gigabytes of memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** The async form runs in libuv's thread pool: scryptSync would block every other request. */
function derive(password: string, salt: Buffer, length: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  // Node refuses to use more than `maxmem` bytes; scrypt needs about 128 * N * r.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, params);
  return [ALGORITHM, params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Whether `password` matches `encoded`. A malformed or foreign hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.hash.length, parsed.params);
  // Same length by construction; timingSafeEqual does not leak where the bytes differ.
  return timingSafeEqual(actual, parsed.hash);
}

function parseHash(encoded: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== ALGORITHM) return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,8}$/.test(part) ? Number(part) : NaN));
  const powerOfTwo = N >= 2 && N <= MAX_N && (N & (N - 1)) === 0;
  if (!powerOfTwo || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return undefined;
  const salt = Buffer.from(parts[4], 'base64');
  const hash = Buffer.from(parts[5], 'base64');
  if (salt.length === 0 || hash.length < 16) return undefined;
  return { params: { N, r, p }, salt, hash };
}
