import { describe, expect, it } from '@jest/globals';
import { createSecretKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import type { JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { JwtAuthConfigError } from '../../lib/common/errors.js';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecP256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ecP384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const ecP521 = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
const rsaPrivatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Options that are wrong on purpose, as a JavaScript caller could pass them. */
const bad = (options: Record<string, unknown>): JwtAuthModuleOptions => options as JwtAuthModuleOptions;

/** The JwtAuthConfigError resolveSettings throws for these options. */
function configError(options: JwtAuthModuleOptions | undefined): JwtAuthConfigError {
  try {
    resolveSettings(options);
  } catch (error) {
    expect(error).toBeInstanceOf(JwtAuthConfigError);
    return error as JwtAuthConfigError;
  }
  throw new Error('expected a JwtAuthConfigError, but the options were accepted');
}

describe('resolveSettings: defaults', () => {
  const settings = resolveSettings({ secretKey: SECRET });

  it('applies the reference defaults', () => {
    expect(settings).toMatchObject({
      algorithm: 'HS256',
      verifyExpiration: true,
      requireExpiration: true,
      leeway: 0,
      expirationDelta: 300,
      refreshExpirationDelta: 7 * 24 * 3600,
      allowRefresh: false,
      authHeaderPrefix: 'JWT',
      includeIssuedAt: true,
      includeTokenId: true,
      errorFormat: 'nest',
      strategyName: 'jwt',
      userCacheTtl: 0,
      stateless: false,
    });
  });

  it('has no audience, issuer or handlers by default', () => {
    expect([settings.audience, settings.issuer, settings.payloadHandler, settings.responsePayloadHandler]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads the username from payload.username by default', () => {
    expect(settings.getUsernameFromPayload({ username: 'admin' })).toBe('admin');
  });

  it('builds the HMAC secret into one secret KeyObject, used to sign and verify', () => {
    expect(settings.signingKey).toBeInstanceOf(KeyObject);
    expect(settings.signingKey!.type).toBe('secret');
    expect(settings.signingKey!.symmetricKeySize).toBe(Buffer.byteLength(SECRET));
    expect(settings.verifyingKey).toBe(settings.signingKey);
    expect(settings.signingKey!.export().toString()).toBe(SECRET);
  });
});

describe('resolveSettings: values', () => {
  it('rotationGracePeriod: 10 s by default, 0 turns it off, at most a minute; a store without replaceToken only without it', () => {
    expect(resolveSettings({ secretKey: SECRET }).rotationGracePeriod).toBe(10);
    expect(resolveSettings({ secretKey: SECRET, rotationGracePeriod: '1m' }).rotationGracePeriod).toBe(60);
    expect(resolveSettings({ secretKey: SECRET, rotationGracePeriod: 0 }).rotationGracePeriod).toBe(0);
    const plainStore = {
      lookup: () => ({ familyRevoked: false }),
      markToken: async () => true,
      revokeSubject: async () => undefined,
      revokeFamily: async () => undefined,
    };
    for (const options of [{ rotateOnRefresh: true, rotationGracePeriod: 0 }, { rotateOnRefresh: false }, {}]) {
      expect(() => resolveSettings({ secretKey: SECRET, revocationStore: plainStore, ...options })).not.toThrow();
    }
  });

  it('converts durations to seconds ("5m", "1d", "30s")', () => {
    const settings = resolveSettings({
      secretKey: SECRET,
      expirationDelta: '5m',
      refreshExpirationDelta: '1d',
      leeway: '30s',
    });
    expect([settings.expirationDelta, settings.refreshExpirationDelta, settings.leeway]).toEqual([300, 86400, 30]);
  });

  it('reads a numeric string as seconds, never milliseconds (leeway "300" is 300 s)', () => {
    expect(resolveSettings({ secretKey: SECRET, leeway: '300' }).leeway).toBe(300);
  });

  it('keeps explicit flags and strings', () => {
    const settings = resolveSettings({
      secretKey: SECRET,
      verifyExpiration: false,
      requireExpiration: false,
      allowRefresh: true,
      includeIssuedAt: false,
      includeTokenId: false,
      audience: 'api',
      issuer: 'me',
      authHeaderPrefix: 'Bearer',
      errorFormat: 'drf',
      strategyName: 'custom',
    });
    expect(settings).toMatchObject({
      verifyExpiration: false,
      requireExpiration: false,
      allowRefresh: true,
      includeIssuedAt: false,
      includeTokenId: false,
      audience: 'api',
      issuer: 'me',
      authHeaderPrefix: 'Bearer',
      errorFormat: 'drf',
      strategyName: 'custom',
    });
  });

  it('counts the secret in bytes, not characters (16 × "é" is 32 bytes: enough for HS256)', () => {
    expect(resolveSettings({ secretKey: 'é'.repeat(16) }).signingKey!.symmetricKeySize).toBe(32);
    expect(configError({ secretKey: 'é'.repeat(15) }).message).toContain('option "secretKey"');
  });

  it('accepts a Buffer secret and a secret KeyObject', () => {
    expect(resolveSettings({ secretKey: Buffer.alloc(32, 1) }).signingKey!.symmetricKeySize).toBe(32);
    const key = createSecretKey(Buffer.alloc(64, 2));
    expect(resolveSettings({ secretKey: key, algorithm: 'HS512' }).signingKey).toBe(key);
  });

  it('accepts exactly the minimum secret lengths: 32 (HS256), 48 (HS384), 64 (HS512) bytes', () => {
    expect(resolveSettings({ secretKey: 'x'.repeat(32), algorithm: 'HS256' }).algorithm).toBe('HS256');
    expect(resolveSettings({ secretKey: 'x'.repeat(48), algorithm: 'HS384' }).algorithm).toBe('HS384');
    expect(resolveSettings({ secretKey: 'x'.repeat(64), algorithm: 'HS512' }).algorithm).toBe('HS512');
  });

  it('RS256 from PEM: a private KeyObject to sign, its public KeyObject derived to verify', () => {
    const settings = resolveSettings({ algorithm: 'RS256', privateKey: rsaPrivatePem });
    expect(settings.signingKey).toBeInstanceOf(KeyObject);
    expect(settings.verifyingKey).toBeInstanceOf(KeyObject);
    expect([settings.signingKey!.type, settings.verifyingKey!.type]).toEqual(['private', 'public']);
    expect(settings.verifyingKey!.export({ type: 'spki', format: 'pem' })).toBe(rsaPublicPem);
  });

  it('RS256 with an explicit PEM public key builds it into a KeyObject', () => {
    const settings = resolveSettings({ algorithm: 'RS256', privateKey: rsaPrivatePem, publicKey: rsaPublicPem });
    expect(settings.verifyingKey).toBeInstanceOf(KeyObject);
    expect(settings.verifyingKey!.type).toBe('public');
  });

  it('PS256 accepts an RSA key', () => {
    expect(resolveSettings({ algorithm: 'PS256', privateKey: rsa.privateKey }).signingKey!.asymmetricKeyType).toBe(
      'rsa',
    );
  });

  it('ES256, ES384 and ES512 accept keys on their curves (P-256, P-384, P-521)', () => {
    expect(resolveSettings({ algorithm: 'ES256', privateKey: ecP256.privateKey }).verifyingKey!.type).toBe('public');
    expect(resolveSettings({ algorithm: 'ES384', privateKey: ecP384.privateKey }).verifyingKey!.type).toBe('public');
    expect(resolveSettings({ algorithm: 'ES512', privateKey: ecP521.privateKey }).verifyingKey!.type).toBe('public');
  });

  it('binds handlers and uses a custom getUsernameFromPayload', () => {
    const settings = resolveSettings({ secretKey: SECRET, getUsernameFromPayload: (payload) => payload.email });
    expect(settings.getUsernameFromPayload({ username: 'a', email: 'b@example.com' })).toBe('b@example.com');
  });
});

describe('resolveSettings: each validation error names its option', () => {
  const CASES: [string, JwtAuthModuleOptions | undefined, string][] = [
    ['options undefined', undefined, 'options'],
    ['secretKey missing', bad({}), 'secretKey'],
    ['secretKey null', bad({ secretKey: null }), 'secretKey'],
    ['secretKey empty', { secretKey: '' }, 'secretKey'],
    ['secretKey a number', bad({ secretKey: 12345 }), 'secretKey'],
    ['a 31-byte secret for HS256', { secretKey: 'x'.repeat(31) }, 'secretKey'],
    ['a 47-byte secret for HS384', { secretKey: 'x'.repeat(47), algorithm: 'HS384' }, 'secretKey'],
    ['a 63-byte secret for HS512', { secretKey: 'x'.repeat(63), algorithm: 'HS512' }, 'secretKey'],
    ['a private KeyObject as secretKey', { secretKey: rsa.privateKey }, 'secretKey'],
    ['an unknown algorithm', bad({ secretKey: SECRET, algorithm: 'HS1024' }), 'algorithm'],
    ['algorithm "none"', bad({ secretKey: SECRET, algorithm: 'none' }), 'algorithm'],
    ['algorithm in lower case ("hs256")', bad({ secretKey: SECRET, algorithm: 'hs256' }), 'algorithm'],
    ['an HS algorithm with privateKey', { secretKey: SECRET, privateKey: rsaPrivatePem }, 'algorithm'],
    ['a negative expirationDelta', { secretKey: SECRET, expirationDelta: -1 }, 'expirationDelta'],
    ['expirationDelta "abc"', bad({ secretKey: SECRET, expirationDelta: 'abc' }), 'expirationDelta'],
    ['expirationDelta 0', { secretKey: SECRET, expirationDelta: 0 }, 'expirationDelta'],
    ['expirationDelta Infinity', { secretKey: SECRET, expirationDelta: Infinity }, 'expirationDelta'],
    ['expirationDelta NaN', { secretKey: SECRET, expirationDelta: NaN }, 'expirationDelta'],
    ['a negative leeway', { secretKey: SECRET, leeway: -1 }, 'leeway'],
    ['leeway "soon"', bad({ secretKey: SECRET, leeway: 'soon' }), 'leeway'],
    [
      'a negative refreshExpirationDelta',
      { secretKey: SECRET, refreshExpirationDelta: '-1d' },
      'refreshExpirationDelta',
    ],
    ['allowRefresh "true" (a string)', bad({ secretKey: SECRET, allowRefresh: 'true' }), 'allowRefresh'],
    ['verifyExpiration 1', bad({ secretKey: SECRET, verifyExpiration: 1 }), 'verifyExpiration'],
    ['requireExpiration null', bad({ secretKey: SECRET, requireExpiration: null }), 'requireExpiration'],
    ['includeIssuedAt "no"', bad({ secretKey: SECRET, includeIssuedAt: 'no' }), 'includeIssuedAt'],
    ['includeTokenId 0', bad({ secretKey: SECRET, includeTokenId: 0 }), 'includeTokenId'],
    ['errorFormat "xml"', bad({ secretKey: SECRET, errorFormat: 'xml' }), 'errorFormat'],
    ['authHeaderPrefix ""', { secretKey: SECRET, authHeaderPrefix: '' }, 'authHeaderPrefix'],
    ['authHeaderPrefix with a space', { secretKey: SECRET, authHeaderPrefix: 'My JWT' }, 'authHeaderPrefix'],
    ['strategyName ""', { secretKey: SECRET, strategyName: '' }, 'strategyName'],
    ['a negative userCacheTtl', { secretKey: SECRET, userCacheTtl: -5 }, 'userCacheTtl'],
    ['userCacheTtl "often"', bad({ secretKey: SECRET, userCacheTtl: 'often' }), 'userCacheTtl'],
    ['stateless "yes"', bad({ secretKey: SECRET, stateless: 'yes' }), 'stateless'],
    ['audience ""', { secretKey: SECRET, audience: '' }, 'audience'],
    ['issuer a number', bad({ secretKey: SECRET, issuer: 42 }), 'issuer'],
    ['payloadHandler not a function', bad({ secretKey: SECRET, payloadHandler: 'x' }), 'payloadHandler'],
    [
      'responsePayloadHandler not a function',
      bad({ secretKey: SECRET, responsePayloadHandler: {} }),
      'responsePayloadHandler',
    ],
    [
      'getUsernameFromPayload not a function',
      bad({ secretKey: SECRET, getUsernameFromPayload: 1 }),
      'getUsernameFromPayload',
    ],
    ['RS256 with a secretKey', { algorithm: 'RS256', secretKey: SECRET, privateKey: rsaPrivatePem }, 'secretKey'],
    ['RS256 without privateKey', { algorithm: 'RS256' }, 'privateKey'],
    ['RS256 with an unreadable privateKey', { algorithm: 'RS256', privateKey: 'not a pem' }, 'privateKey'],
    ['RS256 with a public KeyObject as privateKey', { algorithm: 'RS256', privateKey: rsa.publicKey }, 'privateKey'],
    [
      'RS256 with a private KeyObject as publicKey',
      { algorithm: 'RS256', privateKey: rsa.privateKey, publicKey: rsa.privateKey },
      'publicKey',
    ],
    ['RS256 with an EC key', { algorithm: 'RS256', privateKey: ecP256.privateKey }, 'privateKey'],
    ['ES256 with an RSA key', { algorithm: 'ES256', privateKey: rsa.privateKey }, 'privateKey'],
    ['ES256 with a P-384 key', { algorithm: 'ES256', privateKey: ecP384.privateKey }, 'privateKey'],
    ['ES384 with a P-256 key', { algorithm: 'ES384', privateKey: ecP256.privateKey }, 'privateKey'],
    [
      'ES256 with an RSA publicKey',
      { algorithm: 'ES256', privateKey: ecP256.privateKey, publicKey: rsa.publicKey },
      'publicKey',
    ],
    ['privateKey a number', bad({ algorithm: 'RS256', privateKey: 42 }), 'privateKey'],
    ['rotationGracePeriod "soon"', bad({ secretKey: SECRET, rotationGracePeriod: 'soon' }), 'rotationGracePeriod'],
    ['a negative rotationGracePeriod', { secretKey: SECRET, rotationGracePeriod: -1 }, 'rotationGracePeriod'],
    ['rotationGracePeriod over a minute', { secretKey: SECRET, rotationGracePeriod: '61s' }, 'rotationGracePeriod'],
    [
      'rotationGracePeriod with a store that has no replaceToken',
      {
        secretKey: SECRET,
        rotateOnRefresh: true,
        revocationStore: {
          lookup: () => ({ familyRevoked: false }),
          markToken: async () => true,
          revokeSubject: async () => undefined,
          revokeFamily: async () => undefined,
        },
      },
      'rotationGracePeriod',
    ],
  ];

  it.each(CASES)('%s → JwtAuthConfigError naming "%s"', (_label, options, option) => {
    const error = configError(options);
    expect(error.message).toContain(`option "${option}"`);
    expect(error.name).toBe('JwtAuthConfigError');
  });

  it('the message starts with the package name', () => {
    expect(configError({ secretKey: 'short' }).message).toMatch(/^nest-rest-jwt: option "secretKey" /);
  });

  it('the short-secret message gives the length found and the length needed', () => {
    expect(configError({ secretKey: 'x'.repeat(31) }).message).toContain('31 bytes');
    expect(configError({ secretKey: 'x'.repeat(31) }).message).toContain('32');
  });
});
