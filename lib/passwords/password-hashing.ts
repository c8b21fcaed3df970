import { constantTimeEqual } from './constant-time.js';
import { decodeDjangoHash, type DecodedDjangoHash, encodeDjangoHash } from './django-hash-format.js';
import {
  configuredParams,
  type DjangoHashParams,
  type DjangoHasherOptions,
  type ResolvedDjangoHasherOptions,
  resolveHasherOptions,
} from './django-hasher-options.js';
import { deriveHashField, pbkdf2Key } from './key-derivation.js';
import { isUsableSalt, makeSalt, saltIsTooShort } from './salt.js';

export interface PasswordVerification {
  /** The password matches the stored hash. */
  valid: boolean;
  /**
   * The hash is weaker than the options ask for (another algorithm, fewer iterations, smaller
   * scrypt parameters, a short salt): store `hashPassword(password)` now that it is known.
   * Only ever true when `valid` is.
   */
  needsUpgrade: boolean;
}

export interface HashPasswordOptions extends DjangoHasherOptions {
  /** A fixed salt (tests, imports); default: 22 random characters as Django's. No `$`. */
  salt?: string;
}

/** A new object each time: callers may keep or change what they get. */
const invalid = (): PasswordVerification => ({ valid: false, needsUpgrade: false });

/** A Django hash of `password`, by default `pbkdf2_sha256$1200000$<salt>$<hash>` as Django 6.0. */
export async function hashPassword(password: string, options: HashPasswordOptions = {}): Promise<string> {
  const resolved = resolveHasherOptions(options);
  const salt = options.salt ?? makeSalt();
  if (typeof password !== 'string') throw new TypeError('password hasher: the password must be a string');
  if (!isUsableSalt(salt)) throw new RangeError('password hasher: the salt must be a non-empty string without "$"');
  const params = configuredParams(resolved);
  return encodeDjangoHash({ ...params, salt, hash: await deriveHashField(params, password, salt) });
}

/**
 * Whether `password` matches a stored Django hash, and whether that hash should be replaced.
 * `options` describe the hashes the app makes now (default: Django 6.0's pbkdf2_sha256).
 *
 * Never throws for a stored value: one this library does not read (an unusable `!...` password,
 * argon2, bcrypt, garbage) or one beyond PASSWORD_HASH_LIMITS is `valid: false`, after one dummy
 * verification at the configured cost, so such accounts do not stand out by their timing. A
 * PBKDF2 hash with fewer iterations than configured that does not match costs the configured
 * iterations too (Django's `harden_runtime`).
 */
export async function verifyPassword(
  password: string,
  encoded: string,
  options: DjangoHasherOptions = {},
): Promise<PasswordVerification> {
  const resolved = resolveHasherOptions(options);
  const decoded = decodeDjangoHash(encoded);
  if (!decoded) {
    await verifyAgainstDummyHash(password, resolved);
    return invalid();
  }
  try {
    const valid = await matches(password, decoded, encoded);
    if (!valid) {
      await hardenRuntime(password, decoded, resolved);
      return invalid();
    }
    return { valid, needsUpgrade: needsUpgrade(decoded, resolved) };
  } catch {
    return invalid();
  }
}

/**
 * One verification of `password` against a fixed hash that nothing matches, made with the
 * configured algorithm and cost; the result is discarded. For logins with an unknown username,
 * so that they cost what a wrong password costs. Never throws.
 */
export async function verifyAgainstDummyHash(password: string, options: DjangoHasherOptions = {}): Promise<void> {
  const dummy = dummyHash(configuredParams(resolveHasherOptions(options)));
  try {
    await matches(password, dummy, encodeDjangoHash(dummy));
  } catch {
    // A password that is not a string: nothing to hide.
  }
}

/** Whether the stored hash is weaker than what these options make (`must_update` in Django). */
function needsUpgrade(decoded: DecodedDjangoHash, options: ResolvedDjangoHasherOptions): boolean {
  if (decoded.algorithm !== options.algorithm || saltIsTooShort(decoded.salt)) return true;
  if (decoded.algorithm === 'scrypt') {
    const wanted = options.scrypt;
    return decoded.N < wanted.N || decoded.r < wanted.r || decoded.p < wanted.p;
  }
  return decoded.iterations < options.iterations;
}

/** Django's comparison: the whole stored string against the one the password gives. */
async function matches(password: string, decoded: DecodedDjangoHash, encoded: string): Promise<boolean> {
  const hash = await deriveHashField(decoded, password, decoded.salt);
  return constantTimeEqual(encodeDjangoHash({ ...decoded, hash }), encoded);
}

/** The iterations a weaker PBKDF2 hash lacks, run and discarded (Django's `harden_runtime`). */
async function hardenRuntime(
  password: string,
  decoded: DecodedDjangoHash,
  options: ResolvedDjangoHasherOptions,
): Promise<void> {
  if (decoded.algorithm === 'scrypt' || decoded.algorithm !== options.algorithm) return;
  const missing = options.iterations - decoded.iterations;
  if (missing > 0) await pbkdf2Key(password, decoded.salt, missing, decoded.algorithm);
}

/** 22 characters, as Django's salts, so the dummy costs what a real hash costs. */
const DUMMY_SALT = 'nestRestJwtDummySalt00';

/** A well-formed hash with these parameters whose hash field is all zero bytes. */
function dummyHash(params: DjangoHashParams): DecodedDjangoHash {
  const length = params.algorithm === 'scrypt' ? 64 : params.algorithm === 'pbkdf2_sha1' ? 20 : 32;
  return { ...params, salt: DUMMY_SALT, hash: Buffer.alloc(length).toString('base64') };
}
