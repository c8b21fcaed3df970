/**
 * The Django password hash formats this library reads and writes, their defaults (Django 6.0's)
 * and the bounds a stored hash must respect before any work is done for it.
 */
export const DJANGO_HASH_ALGORITHMS = ['pbkdf2_sha256', 'pbkdf2_sha1', 'scrypt'] as const;
export type DjangoHashAlgorithm = (typeof DJANGO_HASH_ALGORITHMS)[number];
export type Pbkdf2Algorithm = Exclude<DjangoHashAlgorithm, 'scrypt'>;

/** scrypt's cost parameters, named as Node names them (Django: work_factor, block_size, parallelism). */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export interface DjangoHasherOptions {
  /** The format of new hashes, and the one a stored hash must have not to need an upgrade. */
  algorithm?: DjangoHashAlgorithm;
  /** PBKDF2 iterations of new hashes (both pbkdf2 formats). */
  iterations?: number;
  /** scrypt parameters of new hashes; missing ones take Django's defaults. */
  scrypt?: Partial<ScryptParams>;
}

export interface ResolvedDjangoHasherOptions {
  algorithm: DjangoHashAlgorithm;
  iterations: number;
  scrypt: ScryptParams;
}

/** What a hash is made with: the algorithm and its cost parameters. */
export type DjangoHashParams =
  { algorithm: Pbkdf2Algorithm; iterations: number } | ({ algorithm: 'scrypt' } & ScryptParams);

/** `PBKDF2PasswordHasher.iterations` in Django 6.0. */
export const DJANGO_PBKDF2_ITERATIONS = 1_200_000;

/** `ScryptPasswordHasher` in Django 6.0 (parallelism went from 1 to 5 in Django 5.1). */
export const DJANGO_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 14, r: 8, p: 5 });

/**
 * The most a hash may ask for, stored or new: a crafted or corrupt stored hash cannot make one
 * login hash for minutes or allocate gigabytes. About 2 s of CPU for the largest counts here.
 */
export const PASSWORD_HASH_LIMITS = Object.freeze({
  maxIterations: 10_000_000,
  maxScryptN: 2 ** 20,
  maxScryptR: 32,
  maxScryptP: 32,
  /** 128 * N * r bytes: scrypt's working memory (Django's default uses 16 MiB). */
  maxScryptMemory: 128 * 1024 * 1024,
  /** N * r * p: scrypt's running time (Django's default: 655,360). */
  maxScryptCost: 2 ** 22,
});

export function isAllowedIterations(iterations: number): boolean {
  return Number.isSafeInteger(iterations) && iterations >= 1 && iterations <= PASSWORD_HASH_LIMITS.maxIterations;
}

export function isAllowedScrypt({ N, r, p }: ScryptParams): boolean {
  const limits = PASSWORD_HASH_LIMITS;
  if (![N, r, p].every(Number.isSafeInteger)) return false;
  const powerOfTwo = N >= 2 && N <= limits.maxScryptN && (N & (N - 1)) === 0;
  return (
    powerOfTwo &&
    r >= 1 &&
    r <= limits.maxScryptR &&
    p >= 1 &&
    p <= limits.maxScryptP &&
    // scrypt itself requires N < 2^(16 r); OpenSSL refuses the rest.
    Math.log2(N) < 16 * r &&
    128 * N * r <= limits.maxScryptMemory &&
    N * r * p <= limits.maxScryptCost
  );
}

/** Django's defaults filled in, every value checked. A bad option throws (a programming error). */
export function resolveHasherOptions(options: DjangoHasherOptions = {}): ResolvedDjangoHasherOptions {
  const algorithm = options.algorithm ?? 'pbkdf2_sha256';
  if (!DJANGO_HASH_ALGORITHMS.includes(algorithm)) {
    throw new RangeError(`password hasher: algorithm must be one of ${DJANGO_HASH_ALGORITHMS.join(', ')}`);
  }
  const iterations = options.iterations ?? DJANGO_PBKDF2_ITERATIONS;
  if (!isAllowedIterations(iterations)) {
    throw new RangeError(
      `password hasher: iterations must be an integer from 1 to ${PASSWORD_HASH_LIMITS.maxIterations} (got ${String(iterations)})`,
    );
  }
  const scrypt: ScryptParams = { ...DJANGO_SCRYPT_PARAMS, ...options.scrypt };
  if (!isAllowedScrypt(scrypt)) {
    throw new RangeError(
      `password hasher: scrypt parameters out of bounds (N a power of two up to 2^20, r and p from 1 to 32, ` +
        `128*N*r at most 128 MiB, N*r*p at most 2^22; got N=${scrypt.N}, r=${scrypt.r}, p=${scrypt.p})`,
    );
  }
  return { algorithm, iterations, scrypt };
}

/** The parameters new hashes get under these options. */
export function configuredParams(options: ResolvedDjangoHasherOptions): DjangoHashParams {
  return options.algorithm === 'scrypt'
    ? { algorithm: 'scrypt', ...options.scrypt }
    : { algorithm: options.algorithm, iterations: options.iterations };
}
