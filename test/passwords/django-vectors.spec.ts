import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { DjangoPasswordHasher } from '../../lib/passwords/django-password-hasher.js';
import {
  DJANGO_PBKDF2_ITERATIONS,
  DJANGO_SCRYPT_PARAMS,
  type DjangoHasherOptions,
} from '../../lib/passwords/django-hasher-options.js';
import { hashPassword, verifyPassword } from '../../lib/passwords/password-hashing.js';

/**
 * Test vectors made at test time by an independent implementation: Python's hashlib (OpenSSL),
 * formatted field for field as Django's hashers do. Our verifyPassword must accept them, and
 * our hashPassword with the same salt must write the very same string.
 */

type VectorCase = { name: string; password: string; salt: string } & (
  | { algorithm: 'pbkdf2_sha256' | 'pbkdf2_sha1'; iterations: number }
  | { algorithm: 'scrypt'; N: number; r: number; p: number }
);

/** Django's `PBKDF2PasswordHasher.encode` and `ScryptPasswordHasher.encode`, in Python. */
const PYTHON_DJANGO_ENCODERS = `
import base64, hashlib, json, sys

def b64(raw):
    return base64.b64encode(raw).decode("ascii").strip()

out = []
for case in json.loads(sys.stdin.read()):
    password, salt = case["password"].encode(), case["salt"].encode()
    if case["algorithm"] == "scrypt":
        n, r, p = case["N"], case["r"], case["p"]
        raw = hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=0, dklen=64)
        out.append("%s$%d$%s$%d$%d$%s" % ("scrypt", n, case["salt"], r, p, b64(raw)))
    else:
        digest = {"pbkdf2_sha256": "sha256", "pbkdf2_sha1": "sha1"}[case["algorithm"]]
        raw = hashlib.pbkdf2_hmac(digest, password, salt, case["iterations"])
        out.append("%s$%d$%s$%s" % (case["algorithm"], case["iterations"], case["salt"], b64(raw)))
print(json.dumps(out))
`;

const DJANGO_SALT = 'aB3dE5gH7jK9mN1pQ3sT5v'; // 22 characters of [A-Za-z0-9], as Django makes them

const CASES: VectorCase[] = [
  {
    name: 'pbkdf2_sha256, 1 iteration',
    algorithm: 'pbkdf2_sha256',
    password: 'abc123',
    salt: 'seasalt',
    iterations: 1,
  },
  {
    name: 'pbkdf2_sha256, a Django salt',
    algorithm: 'pbkdf2_sha256',
    password: 'correct horse battery staple',
    salt: DJANGO_SALT,
    iterations: 1000,
  },
  {
    name: 'pbkdf2_sha256, non-ASCII password and salt (UTF-8)',
    algorithm: 'pbkdf2_sha256',
    password: 'pässwörd 🔑 ñ',
    salt: 'sél€',
    iterations: 2500,
  },
  {
    name: 'pbkdf2_sha256, empty password',
    algorithm: 'pbkdf2_sha256',
    password: '',
    salt: DJANGO_SALT,
    iterations: 10,
  },
  {
    name: 'pbkdf2_sha1, 1000 iterations',
    algorithm: 'pbkdf2_sha1',
    password: 'abc123',
    salt: 'seasalt',
    iterations: 1000,
  },
  {
    name: 'pbkdf2_sha1, a Django salt',
    algorithm: 'pbkdf2_sha1',
    password: 'Tr0ub4dor&3',
    salt: DJANGO_SALT,
    iterations: 20000,
  },
  { name: 'scrypt, N=1024 r=8 p=1', algorithm: 'scrypt', password: 'abc123', salt: 'seasalt', N: 1024, r: 8, p: 1 },
  {
    name: "scrypt, Django 6.0's parameters",
    algorithm: 'scrypt',
    password: 'correct horse battery staple',
    salt: DJANGO_SALT,
    ...DJANGO_SCRYPT_PARAMS,
  },
  {
    name: 'scrypt, r=4 p=2, non-ASCII',
    algorithm: 'scrypt',
    password: 'pässwörd 🔑',
    salt: 'sél',
    N: 4096,
    r: 4,
    p: 2,
  },
];

/** Django 6.0's default: pbkdf2_sha256 at 1,200,000 iterations. */
const DEFAULT_CASE: VectorCase = {
  name: 'default',
  algorithm: 'pbkdf2_sha256',
  password: 'abc123',
  salt: DJANGO_SALT,
  iterations: DJANGO_PBKDF2_ITERATIONS,
};

/** Runs python3 once for every case; fails (never skips) when python3 cannot be run. */
function pythonVectors(cases: VectorCase[]): string[] {
  // ASCII-only JSON on stdin, whatever the locale of the machine.
  const input = JSON.stringify(cases).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const result = spawnSync('python3', ['-c', PYTHON_DJANGO_ENCODERS], { input, encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    throw new Error(
      `These tests need python3 (hashlib) to make independent Django hashes, and it could not be run: ${result.error.message}`,
    );
  }
  if (result.status !== 0) throw new Error(`python3 failed (exit ${result.status}): ${result.stderr}`);
  const vectors: unknown = JSON.parse(result.stdout);
  if (!Array.isArray(vectors) || vectors.length !== cases.length) throw new Error(`python3 printed ${result.stdout}`);
  return vectors as string[];
}

function optionsFor(vector: VectorCase): DjangoHasherOptions {
  return vector.algorithm === 'scrypt'
    ? { algorithm: 'scrypt', scrypt: { N: vector.N, r: vector.r, p: vector.p } }
    : { algorithm: vector.algorithm, iterations: vector.iterations };
}

describe('Django hashes made by Python hashlib (independent implementation)', () => {
  const made = new Map<string, string>();

  beforeAll(() => {
    const all = [...CASES, DEFAULT_CASE];
    pythonVectors(all).forEach((vector, index) => made.set(all[index].name, vector));
  });

  const vectorOf = (name: string): string => {
    const vector = made.get(name);
    if (vector === undefined) throw new Error(`no vector for ${name}`);
    return vector;
  };

  it('python3 made one well-formed hash per case', () => {
    expect(vectorOf(CASES[0].name)).toMatch(/^pbkdf2_sha256\$1\$seasalt\$[A-Za-z0-9+/]{43}=$/);
    expect(vectorOf(CASES[4].name)).toMatch(/^pbkdf2_sha1\$1000\$seasalt\$[A-Za-z0-9+/]{27}=$/);
    expect(vectorOf(CASES[6].name)).toMatch(/^scrypt\$1024\$seasalt\$8\$1\$[A-Za-z0-9+/]{86}==$/);
  });

  it.each(CASES.map((vector) => [vector.name, vector] as const))('%s: verified', async (_name, vector) => {
    const result = await verifyPassword(vector.password, vectorOf(vector.name), optionsFor(vector));
    // A salt shorter than Django's 22 characters asks for a rehash, as Django's must_update_salt.
    expect(result).toEqual({ valid: true, needsUpgrade: vector.salt.length < 22 });
  });

  it.each(CASES.map((vector) => [vector.name, vector] as const))(
    '%s: a wrong password is refused',
    async (_name, vector) => {
      const stored = vectorOf(vector.name);
      const options = optionsFor(vector);
      await expect(verifyPassword(`${vector.password}x`, stored, options)).resolves.toEqual({
        valid: false,
        needsUpgrade: false,
      });
      // Compared exactly as sent: a trailing space is another password.
      await expect(verifyPassword(`${vector.password} `, stored, options)).resolves.toMatchObject({ valid: false });
    },
  );

  it.each(CASES.map((vector) => [vector.name, vector] as const))(
    '%s: hashPassword with the same salt writes the same string',
    async (_name, vector) => {
      await expect(hashPassword(vector.password, { ...optionsFor(vector), salt: vector.salt })).resolves.toBe(
        vectorOf(vector.name),
      );
    },
  );

  it("Django 6.0's default (pbkdf2_sha256, 1,200,000 iterations) with no options at all", async () => {
    const stored = vectorOf(DEFAULT_CASE.name);
    expect(stored.startsWith('pbkdf2_sha256$1200000$aB3dE5gH7jK9mN1pQ3sT5v$')).toBe(true);
    await expect(verifyPassword('abc123', stored)).resolves.toEqual({ valid: true, needsUpgrade: false });
    await expect(hashPassword('abc123', { salt: DJANGO_SALT })).resolves.toBe(stored);
    await expect(new DjangoPasswordHasher().verify('abc124', stored)).resolves.toEqual({
      valid: false,
      needsUpgrade: false,
    });
  });
});
