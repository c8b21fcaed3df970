import {
  type DjangoHashParams,
  isAllowedIterations,
  isAllowedScrypt,
  type Pbkdf2Algorithm,
} from './django-hasher-options.js';

/**
 * A stored Django hash, read: `pbkdf2_sha256$<iterations>$<salt>$<hash>` (also `pbkdf2_sha1`)
 * and `scrypt$<N>$<salt>$<r>$<p>$<hash>`, the hash in standard base64 with padding.
 */
export type DecodedDjangoHash = DjangoHashParams & { salt: string; hash: string };

/** Decimal as Django writes it (`%d`): no sign, no leading zero, no exponent, no spaces. */
const DECIMAL = /^[1-9][0-9]{0,9}$/;

const PBKDF2_ALGORITHMS: readonly string[] = ['pbkdf2_sha256', 'pbkdf2_sha1'] satisfies Pbkdf2Algorithm[];

function decimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : NaN;
}

/**
 * The parts of a stored hash, or undefined when it is not one this library reads or asks for
 * more than PASSWORD_HASH_LIMITS allow. Never throws.
 */
export function decodeDjangoHash(encoded: unknown): DecodedDjangoHash | undefined {
  if (typeof encoded !== 'string') return undefined;
  const parts = encoded.split('$');
  const algorithm = parts[0];
  if (PBKDF2_ALGORITHMS.includes(algorithm) && parts.length === 4) {
    const [, iterationsText, salt, hash] = parts;
    const iterations = decimal(iterationsText);
    if (!isAllowedIterations(iterations) || salt === '' || hash === '') return undefined;
    return { algorithm: algorithm as Pbkdf2Algorithm, iterations, salt, hash };
  }
  if (algorithm === 'scrypt' && parts.length === 6) {
    const [, nText, salt, rText, pText, hash] = parts;
    const params = { N: decimal(nText), r: decimal(rText), p: decimal(pText) };
    if (!isAllowedScrypt(params) || salt === '' || hash === '') return undefined;
    return { algorithm: 'scrypt', ...params, salt, hash };
  }
  return undefined;
}

/** The stored form, field for field as Django's `encode()` writes it. */
export function encodeDjangoHash(decoded: DecodedDjangoHash): string {
  if (decoded.algorithm === 'scrypt') {
    const { N, salt, r, p, hash } = decoded;
    return `scrypt$${N}$${salt}$${r}$${p}$${hash}`;
  }
  return `${decoded.algorithm}$${decoded.iterations}$${decoded.salt}$${decoded.hash}`;
}
