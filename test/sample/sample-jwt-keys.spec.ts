import { afterAll, describe, expect, it } from '@jest/globals';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { type EnvReader, SampleConfigError } from '../../sample/env.js';
import { jwtSettingsFromEnv } from '../../sample/jwt-settings.js';

function envOf(values: Record<string, string>): EnvReader {
  return (name) => values[name];
}

/** The error a call throws (fails the test when it does not throw). */
function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const SPKI_PEM = { type: 'spki', format: 'pem' } as const;
const PKCS8_PEM = { type: 'pkcs8', format: 'pem' } as const;
const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: SPKI_PEM,
  privateKeyEncoding: PKCS8_PEM,
});
const ec = generateKeyPairSync('ec', {
  namedCurve: 'prime256v1',
  publicKeyEncoding: SPKI_PEM,
  privateKeyEncoding: PKCS8_PEM,
});
const SECRET = 'a-secret-of-at-least-thirty-two-bytes-for-hs256';

const tempDir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-sample-keys-'));
const privateFile = join(tempDir, 'private.pem');
const publicFile = join(tempDir, 'public.pem');
const notPemFile = join(tempDir, 'notes.txt');
writeFileSync(privateFile, rsa.privateKey);
writeFileSync(publicFile, rsa.publicKey);
writeFileSync(notPemFile, 'not a key\n');
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe('sample: JWT_PRIVATE_KEY and JWT_PUBLIC_KEY', () => {
  it.each(['RS256', 'PS384', 'ES256'])('passes the PEM text of JWT_PRIVATE_KEY with %s, and no secret', (algorithm) => {
    const { options, generatedSecret } = jwtSettingsFromEnv(
      envOf({ JWT_ALGORITHM: algorithm, JWT_PRIVATE_KEY: algorithm === 'ES256' ? ec.privateKey : rsa.privateKey }),
    );
    expect(generatedSecret).toBe(false);
    expect(options.algorithm).toBe(algorithm);
    expect(options.privateKey).toBe(algorithm === 'ES256' ? ec.privateKey : rsa.privateKey);
    expect(options.secretKey).toBeUndefined();
    expect('publicKey' in options).toBe(false);
    // The library takes it, deriving the public key.
    expect(() => resolveSettings(options)).not.toThrow();
  });

  it('passes JWT_PUBLIC_KEY too when given', () => {
    const { options } = jwtSettingsFromEnv(
      envOf({ JWT_ALGORITHM: 'rs256', JWT_PRIVATE_KEY: rsa.privateKey, JWT_PUBLIC_KEY: rsa.publicKey }),
    );
    expect(options).toMatchObject({ algorithm: 'RS256', privateKey: rsa.privateKey, publicKey: rsa.publicKey });
    expect(() => resolveSettings(options)).not.toThrow();
  });

  it('turns literal \\n sequences (as in a one-line variable) into newlines', () => {
    const oneLine = ec.privateKey.trimEnd().replace(/\n/g, '\\n');
    expect(oneLine).not.toContain('\n');
    const publicCrLf = ec.publicKey.replace(/\n/g, '\\r\\n');
    const { options } = jwtSettingsFromEnv(
      envOf({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: oneLine, JWT_PUBLIC_KEY: publicCrLf }),
    );
    expect(options.privateKey).toBe(ec.privateKey.trimEnd());
    expect(options.publicKey).toBe(ec.publicKey);
    expect(createPrivateKey(options.privateKey as string).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('reads the keys from files when the variables name them (absolute or relative, padded)', () => {
    const { options } = jwtSettingsFromEnv(
      envOf({
        JWT_ALGORITHM: 'RS256',
        JWT_PRIVATE_KEY: privateFile,
        JWT_PUBLIC_KEY: ` ${relative(process.cwd(), publicFile)}\n`,
      }),
    );
    expect(options.privateKey).toBe(rsa.privateKey);
    expect(options.publicKey).toBe(rsa.publicKey);
    expect(createPublicKey(options.publicKey as string).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it.each([
    ['JWT_PRIVATE_KEY', { JWT_ALGORITHM: 'RS256' }, /^JWT_PRIVATE_KEY is required for JWT_ALGORITHM=RS256/],
    [
      'JWT_PRIVATE_KEY',
      { JWT_ALGORITHM: 'ES512', JWT_PRIVATE_KEY: '' },
      /^JWT_PRIVATE_KEY is required for JWT_ALGORITHM=ES512/,
    ],
    [
      'JWT_SECRET_KEY',
      { JWT_ALGORITHM: 'RS256', JWT_SECRET_KEY: SECRET, JWT_PRIVATE_KEY: rsa.privateKey },
      /^JWT_SECRET_KEY is set, but JWT_ALGORITHM=RS256 signs with JWT_PRIVATE_KEY/,
    ],
    [
      'JWT_PRIVATE_KEY',
      { JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: join(tempDir, 'missing.pem') },
      /^JWT_PRIVATE_KEY must be PEM text or the path of a PEM file, but there is no file .*missing\.pem$/,
    ],
    [
      'JWT_PUBLIC_KEY',
      { JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: privateFile, JWT_PUBLIC_KEY: tempDir },
      /^JWT_PUBLIC_KEY must be PEM text or the path of a PEM file, but there is no file /,
    ],
    [
      'JWT_PRIVATE_KEY',
      { JWT_ALGORITHM: 'PS256', JWT_PRIVATE_KEY: notPemFile },
      /^JWT_PRIVATE_KEY names .*notes\.txt, which holds no PEM key/,
    ],
    [
      'JWT_PRIVATE_KEY',
      { JWT_SECRET_KEY: SECRET, JWT_PRIVATE_KEY: rsa.privateKey },
      /^JWT_PRIVATE_KEY is set, but JWT_ALGORITHM=HS256 signs with JWT_SECRET_KEY/,
    ],
    [
      'JWT_PUBLIC_KEY',
      { JWT_ALGORITHM: 'HS512', JWT_PUBLIC_KEY: rsa.publicKey },
      /^JWT_PUBLIC_KEY is set, but JWT_ALGORITHM=HS512 signs with JWT_SECRET_KEY/,
    ],
  ])('refuses a bad combination, naming %s (%#)', (name, values, message) => {
    const error = errorOf(() => jwtSettingsFromEnv(envOf(values)));
    expect(error).toBeInstanceOf(SampleConfigError);
    expect(error.message).toContain(name);
    expect(error.message).toMatch(message);
  });

  it('still refuses algorithms the library does not know', () => {
    const error = errorOf(() => jwtSettingsFromEnv(envOf({ JWT_ALGORITHM: 'none', JWT_PRIVATE_KEY: rsa.privateKey })));
    expect(error).toBeInstanceOf(SampleConfigError);
    expect(error.message).toMatch(/^JWT_ALGORITHM must be one of HS256, .*ES512/);
  });
});
