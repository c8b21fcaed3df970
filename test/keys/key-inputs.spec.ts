import { afterAll, describe, expect, it } from '@jest/globals';
import { createSecretKey, generateKeyPairSync, type JsonWebKey, KeyObject } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import type { JwtAlgorithm } from '../../lib/common/jwt.js';
import type { KeyInput } from '../../lib/keys/key-inputs.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { JwtAuthConfigError } from '../../lib/common/errors.js';

const PAIRS = {
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  EdDSA: generateKeyPairSync('ed25519'),
};
type Algorithm = keyof typeof PAIRS;
const rsa = PAIRS.RS256;
const ec = PAIRS.ES256;
const ed = PAIRS.EdDSA;

const dir = mkdtempSync(join(tmpdir(), 'nest-rest-jwt-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pem = (key: KeyObject) =>
  key.export(key.type === 'private' ? { type: 'pkcs8', format: 'pem' } : { type: 'spki', format: 'pem' }).toString();
const jwk = (key: KeyObject): JsonWebKey => key.export({ format: 'jwk' });
function pemFile(name: string, key: KeyObject): string {
  const path = join(dir, name);
  writeFileSync(path, pem(key));
  return path;
}

/** Private keys as DER bytes, to compare two KeyObjects by content. */
const privateBytes = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'der' });
const publicBytes = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });

/** Options wrong on purpose, typed loosely as a JavaScript caller could pass them. */
const bad = (options: Record<string, unknown>): JwtAuthModuleOptions => options as JwtAuthModuleOptions;

function configError(options: JwtAuthModuleOptions): JwtAuthConfigError {
  try {
    resolveSettings(options);
  } catch (error) {
    expect(error).toBeInstanceOf(JwtAuthConfigError);
    return error as JwtAuthConfigError;
  }
  throw new Error('resolveSettings accepted the options');
}

describe.each(Object.keys(PAIRS).map((alg) => [alg as Algorithm]))('Key inputs for %s', (alg) => {
  const { privateKey, publicKey } = PAIRS[alg];
  const forms: [string, () => KeyInput, () => KeyInput][] = [
    ['PEM text', () => pem(privateKey), () => pem(publicKey)],
    ['a PEM file path', () => pemFile(`${alg}-private.pem`, privateKey), () => pemFile(`${alg}-public.pem`, publicKey)],
    ['a JWK object', () => jwk(privateKey), () => jwk(publicKey)],
    ['a KeyObject', () => privateKey, () => publicKey],
    ['a PEM Buffer', () => Buffer.from(pem(privateKey)), () => Buffer.from(pem(publicKey))],
  ];

  it.each(forms)('%s builds the same keys (private and public given)', (_label, priv, pub) => {
    const settings = resolveSettings({ algorithm: alg, privateKey: priv(), publicKey: pub() });
    expect(settings.signingKey).toBeInstanceOf(KeyObject);
    expect(settings.signingKey!.type).toBe('private');
    expect(settings.verifyingKey!.type).toBe('public');
    expect(privateBytes(settings.signingKey!).equals(privateBytes(privateKey))).toBe(true);
    expect(publicBytes(settings.verifyingKey!).equals(publicBytes(publicKey))).toBe(true);
  });

  it.each(forms)('%s alone: the public key is derived from the private one', (_label, priv) => {
    const settings = resolveSettings({ algorithm: alg, privateKey: priv() });
    expect(publicBytes(settings.verifyingKey!).equals(publicBytes(publicKey))).toBe(true);
  });
});

describe('Key inputs: a PEM file is read once, at start-up', () => {
  it('the settings keep the key after the file is deleted', () => {
    const path = pemFile('read-once.pem', ec.privateKey);
    const settings = resolveSettings({ algorithm: 'ES256', privateKey: path });
    rmSync(path);
    expect(privateBytes(settings.signingKey!).equals(privateBytes(ec.privateKey))).toBe(true);
  });
});

describe('Key inputs: errors name the option', () => {
  it('a missing file: privateKey, with the path', () => {
    const path = join(dir, 'no-such-key.pem');
    const error = configError({ algorithm: 'RS256', privateKey: path });
    expect(error.message).toContain('option "privateKey"');
    expect(error.message).toContain(path);
    expect(error.message).toContain('ENOENT');
  });

  it('a missing public key file: publicKey, with the path', () => {
    const path = join(dir, 'missing-public.pem');
    const error = configError({ algorithm: 'EdDSA', privateKey: ed.privateKey, publicKey: path });
    expect(error.message).toContain('option "publicKey"');
    expect(error.message).toContain(path);
  });

  it('a directory instead of a file: privateKey, with the path', () => {
    const error = configError({ algorithm: 'RS256', privateKey: dir });
    expect(error.message).toContain('option "privateKey"');
    expect(error.message).toContain(dir);
  });

  it('a file that holds no key: privateKey, with the path', () => {
    const path = join(dir, 'garbage.pem');
    writeFileSync(path, 'this is not a key\n');
    const error = configError({ algorithm: 'RS256', privateKey: path });
    expect(error.message).toContain('option "privateKey" is not a readable private key');
    expect(error.message).toContain(path);
  });

  it('an unreadable file: privateKey (skipped when running as root, who reads anything)', () => {
    const path = pemFile('unreadable.pem', rsa.privateKey);
    chmodSync(path, 0o000);
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    if (root) {
      expect(resolveSettings({ algorithm: 'RS256', privateKey: path }).signingKey!.type).toBe('private');
    } else {
      expect(configError({ algorithm: 'RS256', privateKey: path }).message).toContain('EACCES');
    }
  });

  it('a multi-line string that is neither PEM nor a path is not echoed', () => {
    const mangled = `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nsecret-looking-body`;
    const error = configError({ algorithm: 'RS256', privateKey: mangled });
    expect(error.message).toContain('option "privateKey"');
    expect(error.message).not.toContain('secret-looking-body');
  });

  it('an unreadable JWK: privateKey', () => {
    const error = configError({ algorithm: 'RS256', privateKey: { kty: 'RSA', n: 'not-a-modulus' } });
    expect(error.message).toContain('option "privateKey" is not a readable private key');
  });

  it('a public JWK given as privateKey: privateKey', () => {
    expect(configError({ algorithm: 'ES256', privateKey: jwk(ec.publicKey) }).message).toContain('option "privateKey"');
  });

  it('an unreadable public JWK: publicKey', () => {
    const error = configError({ algorithm: 'EdDSA', privateKey: ed.privateKey, publicKey: { kty: 'OKP', crv: 'X' } });
    expect(error.message).toContain('option "publicKey"');
  });

  it('an object that is not a JWK: privateKey', () => {
    expect(configError(bad({ algorithm: 'RS256', privateKey: { n: 'x' } })).message).toContain('option "privateKey"');
  });

  it.each([
    ['an Ed25519 private key with ES256', { algorithm: 'ES256', privateKey: ed.privateKey }, 'privateKey'],
    ['an Ed25519 private key with RS256', { algorithm: 'RS256', privateKey: pem(ed.privateKey) }, 'privateKey'],
    ['an Ed25519 private key with PS256', { algorithm: 'PS256', privateKey: jwk(ed.privateKey) }, 'privateKey'],
    ['an EC private key with EdDSA', { algorithm: 'EdDSA', privateKey: ec.privateKey }, 'privateKey'],
    ['an RSA private key with EdDSA', { algorithm: 'EdDSA', privateKey: pem(rsa.privateKey) }, 'privateKey'],
    [
      'an Ed448 private key with EdDSA',
      { algorithm: 'EdDSA', privateKey: generateKeyPairSync('ed448').privateKey },
      'privateKey',
    ],
    [
      'an Ed25519 private key with an EC public key',
      { algorithm: 'EdDSA', privateKey: ed.privateKey, publicKey: ec.publicKey },
      'publicKey',
    ],
    [
      'a secretKey with EdDSA',
      { algorithm: 'EdDSA', secretKey: 'x'.repeat(64), privateKey: ed.privateKey },
      'secretKey',
    ],
    ['EdDSA without privateKey', { algorithm: 'EdDSA' }, 'privateKey'],
    ['an Ed25519 key with HS256', { secretKey: 'x'.repeat(64), privateKey: ed.privateKey }, 'algorithm'],
  ] as [string, JwtAuthModuleOptions, string][])('%s names the option', (_label, options, option) => {
    const error = configError(options);
    expect(error.message).toContain(`option "${option}"`);
  });

  it('the key type is named when the family refuses it', () => {
    expect(configError({ algorithm: 'ES256', privateKey: ed.privateKey }).message).toContain(
      'is a ed25519 key, which ES256 cannot use',
    );
    expect(configError({ algorithm: 'EdDSA', privateKey: ec.privateKey }).message).toContain(
      'is a ec key, which EdDSA cannot use',
    );
  });
});

describe('Key inputs: secretKey as a JWK of kty "oct"', () => {
  const secret = Buffer.from('a-jwk-secret-that-is-long-enough-for-hs256!');

  it('builds the same secret as the raw bytes', () => {
    const settings = resolveSettings({ secretKey: { kty: 'oct', k: secret.toString('base64url') } });
    expect(settings.signingKey!.type).toBe('secret');
    expect(settings.signingKey!.export().equals(secret)).toBe(true);
    expect(settings.signingKey!.export().equals(createSecretKey(secret).export())).toBe(true);
  });

  it('is held to the same minimum length', () => {
    const short = configError({
      algorithm: 'HS256',
      secretKey: { kty: 'oct', k: Buffer.alloc(31).toString('base64url') },
    });
    expect(short.message).toContain('option "secretKey" is 31 bytes long');
  });

  it('a JWK of another kty is refused: secretKey', () => {
    expect(configError({ secretKey: jwk(rsa.publicKey) }).message).toContain('option "secretKey"');
  });

  it('a string secretKey is the secret itself, never a path', () => {
    const path = pemFile('secret-path.pem', rsa.privateKey);
    expect(path.length).toBeGreaterThanOrEqual(32);
    const settings = resolveSettings({ secretKey: path });
    expect(settings.signingKey!.export().toString()).toBe(path);
  });
});

/** Every algorithm family resolves its keys from a file path too. */
describe.each([
  ['RS256', rsa.privateKey],
  ['PS256', rsa.privateKey],
  ['ES256', ec.privateKey],
  ['EdDSA', ed.privateKey],
] as [JwtAlgorithm, KeyObject][])('Key inputs: %s from a file path', (alg, key) => {
  it('resolves', () => {
    const settings = resolveSettings({ algorithm: alg, privateKey: pemFile(`family-${alg}.pem`, key) });
    expect(settings.algorithm).toBe(alg);
    expect(privateBytes(settings.signingKey!).equals(privateBytes(key))).toBe(true);
  });
});

describe('Key inputs: a mangled key is not echoed into the error', () => {
  it.each([
    ['base64 (PEM body without its armour)', 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/abc+def'],
    ['base64 with slashes only', 'MIGHAgEAMBMGByqGSM49/AgEGCCqGSM49AwEHBG0wawIBAQQg'],
    ['base64url', 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg-abc_def'],
  ])('%s: the message names the option but not the value', (_name, value) => {
    const error = configError({ algorithm: 'ES256', privateKey: value });
    expect(error.message).toContain('option "privateKey"');
    expect(error.message).not.toContain(value);
  });
});
