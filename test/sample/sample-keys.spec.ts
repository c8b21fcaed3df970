import { describe, expect, it } from '@jest/globals';
import { constants, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import {
  generateKeyMaterial,
  KEY_ALGORITHMS,
  KeyAlgorithmError,
  keyAlgorithmOf,
  type KeyMaterial,
  SECRET_BYTES,
} from '../../sample/keys.js';

const DATA = Buffer.from('header.payload');

/** The digest and options node:crypto signs with for each JWS algorithm (undefined digest: EdDSA). */
function signingOf(algorithm: string): { digest: string | null; padding?: number; saltLength?: number } {
  if (algorithm === 'EdDSA') return { digest: null };
  const digest = `sha${algorithm.slice(2)}`;
  if (algorithm.startsWith('PS')) {
    return { digest, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(algorithm.slice(2)) / 8 };
  }
  return { digest };
}

function signVerifies(algorithm: string, privateKey: KeyObject, publicKey: KeyObject): boolean {
  const { digest, ...options } = signingOf(algorithm);
  const signature = sign(digest, DATA, { key: privateKey, ...options });
  return verify(digest, DATA, { key: publicKey, ...options }, signature);
}

const EXPECTED_DETAILS: Record<string, { type: string; modulusLength?: number; namedCurve?: string }> = {
  RS256: { type: 'rsa', modulusLength: 2048 },
  RS384: { type: 'rsa', modulusLength: 3072 },
  RS512: { type: 'rsa', modulusLength: 4096 },
  PS256: { type: 'rsa', modulusLength: 2048 },
  PS384: { type: 'rsa', modulusLength: 3072 },
  PS512: { type: 'rsa', modulusLength: 4096 },
  ES256: { type: 'ec', namedCurve: 'prime256v1' },
  ES384: { type: 'ec', namedCurve: 'secp384r1' },
  ES512: { type: 'ec', namedCurve: 'secp521r1' },
  EdDSA: { type: 'ed25519' },
};

const ASYMMETRIC = KEY_ALGORITHMS.filter((algorithm) => !algorithm.startsWith('HS'));
const HMAC = KEY_ALGORITHMS.filter((algorithm) => algorithm.startsWith('HS'));

describe('sample: npm run keys (generateKeyMaterial)', () => {
  it('knows every JWS algorithm the keys command promises', () => {
    expect([...KEY_ALGORITHMS].sort()).toEqual([...Object.keys(EXPECTED_DETAILS), ...HMAC].sort());
  });

  it.each(ASYMMETRIC)('%s: a PEM key pair that signs and verifies', (algorithm) => {
    const material: KeyMaterial = generateKeyMaterial(algorithm);
    expect(material.secret).toBeUndefined();
    expect(material.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(material.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    const privateKey = createPrivateKey(material.privateKey as string);
    const publicKey = createPublicKey(material.publicKey as string);
    const expected = EXPECTED_DETAILS[algorithm];
    expect(publicKey.asymmetricKeyType).toBe(expected.type);
    if (expected.modulusLength !== undefined) {
      expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(expected.modulusLength);
    }
    if (expected.namedCurve !== undefined) {
      expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe(expected.namedCurve);
    }
    // The public key is the private key's own.
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(material.publicKey);
    expect(signVerifies(algorithm, privateKey, publicKey)).toBe(true);
    // A key pair made by another call is a different one.
    const other = createPublicKey(generateKeyMaterial(algorithm).publicKey as string);
    expect(signVerifies(algorithm, privateKey, other)).toBe(false);
  });

  it.each(HMAC)('%s: a random base64url secret of 64 bytes, at least what the algorithm needs', (algorithm) => {
    const material = generateKeyMaterial(algorithm);
    expect(material.privateKey).toBeUndefined();
    expect(material.publicKey).toBeUndefined();
    expect(material.secret).toMatch(/^[A-Za-z0-9_-]+$/);
    const bytes = Buffer.from(material.secret as string, 'base64url');
    expect(bytes.length).toBe(SECRET_BYTES);
    expect(bytes.length).toBeGreaterThanOrEqual(Number(algorithm.slice(2)) / 8);
    expect(generateKeyMaterial(algorithm).secret).not.toBe(material.secret);
  });

  it('accepts the algorithm in any case', () => {
    expect(keyAlgorithmOf('rs256')).toBe('RS256');
    expect(keyAlgorithmOf('EDDSA')).toBe('EdDSA');
    expect(createPublicKey(generateKeyMaterial('es256').publicKey as string).asymmetricKeyDetails?.namedCurve).toBe(
      'prime256v1',
    );
  });

  it.each(['none', 'RS1024', 'HS128', '', 'Ed25519'])('refuses the algorithm %j, listing the known ones', (name) => {
    expect(keyAlgorithmOf(name)).toBeUndefined();
    expect(() => generateKeyMaterial(name)).toThrow(KeyAlgorithmError);
    expect(() => generateKeyMaterial(name)).toThrow(/use one of HS256, .*EdDSA/);
  });
});
