import { DjangoPasswordHasher } from '../../lib/passwords/index.js';

/**
 * The sample's password hashes, made and checked by nest-rest-jwt/django-passwords: Django's
 * scrypt format, `scrypt$<N>$<salt>$<r>$<p>$<hash>`, so a Django project could read this users
 * table too. The parameters travel with each hash, so raising them later keeps old hashes
 * verifiable. OWASP's scrypt setting with 32 MiB of memory (Password Storage Cheat Sheet),
 * stronger than Django's default (N = 2^14, p = 5). Hashing runs in libuv's thread pool.
 */
export const passwordHasher = new DjangoPasswordHasher({ algorithm: 'scrypt', scrypt: { N: 2 ** 15, r: 8, p: 3 } });
