import { generateKeyMaterial, KEY_ALGORITHMS, keyAlgorithmOf } from './keys.js';

const USAGE = `usage: npm run keys -- <algorithm>   (one of ${KEY_ALGORITHMS.join(', ')})`;

/**
 * `npm run keys -- <algorithm>`: prints a new key pair as PEM (private key, then public key) for
 * RS*, PS*, ES* and EdDSA, or a random secret (64 bytes, base64url) for HS*.
 */
function main(argv: readonly string[]): number {
  const algorithm = argv.length === 1 ? keyAlgorithmOf(argv[0]) : undefined;
  if (algorithm === undefined) {
    if (argv.length === 1) console.error(`error: unknown algorithm ${JSON.stringify(argv[0])}`);
    console.error(USAGE);
    return 1;
  }
  const { privateKey, publicKey, secret } = generateKeyMaterial(algorithm);
  process.stdout.write(secret !== undefined ? `${secret}\n` : `${privateKey ?? ''}${publicKey ?? ''}`);
  return 0;
}

// A reader that stops early (`| head -3`) is no error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = main(process.argv.slice(2));
