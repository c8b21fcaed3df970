import { describe, expect, it } from '@jest/globals';
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { TokenRejectedError, type TokenRejection } from '../../lib/common/errors.js';
import { TokenVerifier } from '../../lib/tokens/token-verifier.js';

const NOW = 1_700_000_000;
const rsaOld = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaNew = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const SECRET = 'a-retired-hmac-secret-that-is-long-enough!';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = { username: 'admin', exp: NOW + 60 };

function rs256(key: KeyObject, header: Record<string, unknown>): string {
  const input = `${b64({ alg: 'RS256', typ: 'JWT', ...header })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function hs256(header: Record<string, unknown>): string {
  const input = `${b64({ alg: 'HS256', typ: 'JWT', ...header })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/** The new key signs as "k2"; the retired RS256 key "k1" and an HS256 secret "h1" still verify. */
const rotated = new TokenVerifier(
  resolveSettings({
    algorithm: 'RS256',
    privateKey: rsaNew.privateKey,
    keyId: 'k2',
    verifyKeys: [
      { kid: 'k1', key: rsaOld.publicKey },
      { kid: 'h1', key: SECRET, algorithm: 'HS256' },
    ],
  }),
);

function reasonOf(verifier: TokenVerifier, token: string): TokenRejection | 'accepted' {
  try {
    verifier.verify(token, NOW);
    return 'accepted';
  } catch (error) {
    if (error instanceof TokenRejectedError) return error.reason;
    throw error;
  }
}

describe('TokenVerifier with key ids (rotation)', () => {
  it.each<[string, string, TokenRejection | 'accepted']>([
    ['the signing key, named', rs256(rsaNew.privateKey, { kid: 'k2' }), 'accepted'],
    ['the signing key, no kid (tokens from before key ids)', rs256(rsaNew.privateKey, {}), 'accepted'],
    ['a retired key, named', rs256(rsaOld.privateKey, { kid: 'k1' }), 'accepted'],
    ['an HMAC verify key, named with its own algorithm', hs256({ kid: 'h1' }), 'accepted'],
    ['a retired key, no kid (only the signing key is tried)', rs256(rsaOld.privateKey, {}), 'decode'],
    ['a retired key under the new key id', rs256(rsaOld.privateKey, { kid: 'k2' }), 'decode'],
    ['an unknown kid', rs256(rsaNew.privateKey, { kid: 'k9' }), 'invalid'],
    ['a kid that is a path', rs256(rsaNew.privateKey, { kid: '../../../../dev/null' }), 'invalid'],
    ['a kid that is an object', rs256(rsaNew.privateKey, { kid: { $ne: null } }), 'invalid'],
    ['a kid that is a number', rs256(rsaNew.privateKey, { kid: 2 }), 'invalid'],
    ['HS256 naming an RSA key id (no key confusion)', hs256({ kid: 'k1' }), 'invalid'],
    ['RS256 naming the HMAC key id', rs256(rsaNew.privateKey, { kid: 'h1' }), 'invalid'],
  ])('%s: %s', (_name, token, expected) => {
    expect(reasonOf(rotated, token)).toBe(expected);
  });

  it('an app that uses no key ids ignores kid, as PyJWT does', () => {
    const plain = new TokenVerifier(resolveSettings({ algorithm: 'RS256', privateKey: rsaNew.privateKey }));
    expect(reasonOf(plain, rs256(rsaNew.privateKey, { kid: 'anything' }))).toBe('accepted');
    expect(reasonOf(plain, rs256(rsaOld.privateKey, { kid: 'anything' }))).toBe('decode');
  });
});

describe('resolveSettings: keyId and verifyKeys name the option at fault', () => {
  const base: JwtAuthModuleOptions = { algorithm: 'RS256', privateKey: rsaNew.privateKey };
  const bad = (options: Record<string, unknown>) => ({ ...base, ...options }) as unknown as JwtAuthModuleOptions;
  it.each<[string, JwtAuthModuleOptions, string]>([
    ['keyId ""', bad({ keyId: '' }), 'keyId'],
    ['keyId a number', bad({ keyId: 7 }), 'keyId'],
    ['verifyKeys not an array', bad({ verifyKeys: { kid: 'a' } }), 'verifyKeys'],
    ['a verify key without kid', bad({ verifyKeys: [{ key: rsaOld.publicKey }] }), 'verifyKeys[0].kid'],
    ['a kid used twice', bad({ keyId: 'k1', verifyKeys: [{ kid: 'k1', key: rsaOld.publicKey }] }), 'verifyKeys[0].kid'],
    [
      'an unknown algorithm',
      bad({ verifyKeys: [{ kid: 'a', key: SECRET, algorithm: 'HS1' }] }),
      'verifyKeys[0].algorithm',
    ],
    ['a short HMAC secret', bad({ verifyKeys: [{ kid: 'a', key: 'short', algorithm: 'HS256' }] }), 'verifyKeys[0].key'],
    ['an EC key for RS256', bad({ verifyKeys: [{ kid: 'a', key: ec.publicKey }] }), 'verifyKeys[0].key'],
    ['a private KeyObject', bad({ verifyKeys: [{ kid: 'a', key: rsaOld.privateKey }] }), 'verifyKeys[0].key'],
  ])('%s: names %s', (_name, options, option) => {
    let error: unknown;
    try {
      resolveSettings(options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JwtAuthConfigError);
    expect((error as Error).message).toContain(`option "${option}"`);
  });

  it('keeps the signing key under keyId and each verify key with its algorithm', () => {
    const settings = resolveSettings({
      ...base,
      keyId: 'k2',
      verifyKeys: [{ kid: 'h1', key: SECRET, algorithm: 'HS256' }],
    });
    expect([...settings.keys.entries()].map(([kid, { algorithm, key }]) => [kid, algorithm, key.type])).toEqual([
      ['k2', 'RS256', 'public'],
      ['h1', 'HS256', 'secret'],
    ]);
  });
});
