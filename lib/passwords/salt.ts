import { randomInt } from 'node:crypto';

/** Django's `RANDOM_STRING_CHARS`: the characters of its salts. */
export const SALT_CHARACTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Django's salts carry at least 128 bits of entropy. */
const SALT_ENTROPY_BITS = 128;
const BITS_PER_CHARACTER = Math.log2(SALT_CHARACTERS.length);

/** 22 characters: ceil(128 / log2(62)), as Django's `BasePasswordHasher.salt()`. */
export const DJANGO_SALT_LENGTH = Math.ceil(SALT_ENTROPY_BITS / BITS_PER_CHARACTER);

/** A random salt like Django's: each character drawn uniformly from SALT_CHARACTERS (CSPRNG). */
export function makeSalt(length = DJANGO_SALT_LENGTH): string {
  let salt = '';
  for (let i = 0; i < length; i++) salt += SALT_CHARACTERS[randomInt(SALT_CHARACTERS.length)];
  return salt;
}

/** Django's `must_update_salt`: a salt shorter than 128 bits' worth of characters is rehashed. */
export function saltIsTooShort(salt: string): boolean {
  return salt.length * BITS_PER_CHARACTER < SALT_ENTROPY_BITS;
}

/** What Django accepts as a salt: not empty, no `$` (the field separator). */
export function isUsableSalt(salt: unknown): salt is string {
  return typeof salt === 'string' && salt !== '' && !salt.includes('$');
}
