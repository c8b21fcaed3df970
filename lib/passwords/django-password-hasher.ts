import type { DjangoHasherOptions, ResolvedDjangoHasherOptions } from './django-hasher-options.js';
import { resolveHasherOptions } from './django-hasher-options.js';
import { hashPassword, type PasswordVerification, verifyAgainstDummyHash, verifyPassword } from './password-hashing.js';

/**
 * Django-compatible password hashing with one set of options, checked once: a bad option
 * throws here, at start-up, rather than at the first login. For dependency injection:
 * `providers: [DjangoPasswordHasher]` (Django 6.0's defaults) or
 * `{ provide: DjangoPasswordHasher, useValue: new DjangoPasswordHasher({ algorithm: 'scrypt' }) }`.
 */
export class DjangoPasswordHasher {
  readonly options: Readonly<ResolvedDjangoHasherOptions>;

  constructor(options: DjangoHasherOptions = {}) {
    const resolved = resolveHasherOptions(options);
    this.options = Object.freeze({ ...resolved, scrypt: Object.freeze({ ...resolved.scrypt }) });
  }

  /** A new hash of `password` (random salt unless one is given). */
  hash(password: string, salt?: string): Promise<string> {
    return hashPassword(password, { ...this.options, salt });
  }

  /** `{ valid, needsUpgrade }` for a stored hash; never throws for a stored value. */
  verify(password: string, encoded: string): Promise<PasswordVerification> {
    return verifyPassword(password, encoded, this.options);
  }

  /** One verification against a dummy hash at this hasher's cost (for unknown usernames). */
  verifyDummy(password: string): Promise<void> {
    return verifyAgainstDummyHash(password, this.options);
  }
}
