// nest-rest-jwt/django-passwords: Django's stored password hashes, read and written by one class.
// The functions it is made of stay internal (the main entry's default verifyDummyPassword uses one).
export { DjangoPasswordHasher } from './django-password-hasher.js';
export type { PasswordVerification } from './password-hashing.js';
export {
  DJANGO_HASH_ALGORITHMS,
  type DjangoHashAlgorithm,
  type DjangoHasherOptions,
  type ResolvedDjangoHasherOptions,
} from './django-hasher-options.js';
