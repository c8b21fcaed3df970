import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import {
  JwtAuthModule,
  type JwtAuthModuleOptions,
  MemoryRevocationStore,
  type RevocationStore,
} from '../../lib/index.js';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { LoginDto } from '../../lib/login/index.js';
import { ADAPTERS, SECRET, startApp, useApp, UsersModule } from '../support/apps.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecP256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ecP384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const rsaPrivatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Options that are wrong on purpose: typed loosely here only, as a JavaScript caller could pass them. */
const bad = (options: Record<string, unknown>): JwtAuthModuleOptions => options as JwtAuthModuleOptions;

const INVALID_CONFIGURATIONS: [string, JwtAuthModuleOptions, string][] = [
  ['secretKey missing', bad({}), 'secretKey'],
  ['secretKey empty', bad({ secretKey: '' }), 'secretKey'],
  ['a 31-byte secret for HS256', { secretKey: 'x'.repeat(31) }, 'secretKey'],
  ['a 47-byte secret for HS384', { secretKey: 'x'.repeat(47), algorithm: 'HS384' }, 'secretKey'],
  ['a 63-byte secret for HS512', { secretKey: 'x'.repeat(63), algorithm: 'HS512' }, 'secretKey'],
  ['a 32-byte secret for HS384', { secretKey: 'x'.repeat(32), algorithm: 'HS384' }, 'secretKey'],
  ['an unknown algorithm ("HS257")', bad({ secretKey: SECRET, algorithm: 'HS257' }), 'algorithm'],
  ['algorithm "none"', bad({ secretKey: SECRET, algorithm: 'none' }), 'algorithm'],
  ['a negative expirationDelta', { secretKey: SECRET, expirationDelta: -1 }, 'expirationDelta'],
  ['a negative expirationDelta string ("-5m")', { secretKey: SECRET, expirationDelta: '-5m' }, 'expirationDelta'],
  ['expirationDelta "abc"', bad({ secretKey: SECRET, expirationDelta: 'abc' }), 'expirationDelta'],
  ['expirationDelta 0', { secretKey: SECRET, expirationDelta: 0 }, 'expirationDelta'],
  ['a negative leeway', { secretKey: SECRET, leeway: -10 }, 'leeway'],
  ['a negative refreshExpirationDelta', { secretKey: SECRET, refreshExpirationDelta: -1 }, 'refreshExpirationDelta'],
  [
    'refreshExpirationDelta "7 fortnights"',
    bad({ secretKey: SECRET, refreshExpirationDelta: '7 fortnights' }),
    'refreshExpirationDelta',
  ],
  ['a non-boolean allowRefresh ("yes")', bad({ secretKey: SECRET, allowRefresh: 'yes' }), 'allowRefresh'],
  ['a non-boolean verifyExpiration (0)', bad({ secretKey: SECRET, verifyExpiration: 0 }), 'verifyExpiration'],
  ['errorFormat "xml"', bad({ secretKey: SECRET, errorFormat: 'xml' }), 'errorFormat'],
  ['authHeaderPrefix with a space', { secretKey: SECRET, authHeaderPrefix: 'JWT Bearer' }, 'authHeaderPrefix'],
  ['RS256 with a secretKey', { algorithm: 'RS256', secretKey: SECRET, privateKey: rsaPrivatePem }, 'secretKey'],
  ['RS256 without privateKey', { algorithm: 'RS256' }, 'privateKey'],
  ['RS256 with a privateKey that is not PEM', { algorithm: 'RS256', privateKey: 'not a key' }, 'privateKey'],
  ['ES256 with an RSA private key', { algorithm: 'ES256', privateKey: rsa.privateKey }, 'privateKey'],
  ['ES256 with a P-384 key', { algorithm: 'ES256', privateKey: ecP384.privateKey }, 'privateKey'],
  [
    'ES256 with an EC private key and an RSA public key',
    { algorithm: 'ES256', privateKey: ecP256.privateKey, publicKey: rsa.publicKey },
    'publicKey',
  ],
  ['HS256 with a privateKey', { secretKey: SECRET, privateKey: rsaPrivatePem }, 'algorithm'],
  ['usernameField ""', { secretKey: SECRET, usernameField: '' }, 'usernameField'],
  ['usernameField "e mail"', { secretKey: SECRET, usernameField: 'e mail' }, 'usernameField'],
  ['usernameField "password"', { secretKey: SECRET, usernameField: 'password' }, 'usernameField'],
  ['usernameField 42', bad({ secretKey: SECRET, usernameField: 42 }), 'usernameField'],
  ['a loginDto that does not extend LoginDto', bad({ secretKey: SECRET, loginDto: class Body {} }), 'loginDto'],
  ['a loginDto that is an instance', bad({ secretKey: SECRET, loginDto: new LoginDto() }), 'loginDto'],
];

describe.each(ADAPTERS)('Start-up validation (%s)', (adapter) => {
  it.each(INVALID_CONFIGURATIONS)('refuses to start with %s, naming the option', async (_label, options, option) => {
    const started = startApp(adapter, JwtAuthModule.forRoot({ ...options, imports: [UsersModule] }));
    await expect(started).rejects.toThrow(`option "${option}"`);
    await expect(started).rejects.toBeInstanceOf(JwtAuthConfigError);
  });

  it('closes the revocation store it was given when another option stops the start', async () => {
    let closed = 0;
    const store: RevocationStore = Object.assign(new MemoryRevocationStore(), {
      close: async () => {
        closed += 1;
      },
    });
    const started = startApp(
      adapter,
      JwtAuthModule.forRoot({ secretKey: 'short', revocationStore: store, imports: [UsersModule] }),
    );
    await expect(started).rejects.toThrow('option "secretKey"');
    expect(closed).toBe(1);
  });

  describe.each([
    ['a 32-byte secret for HS256', { secretKey: 'x'.repeat(32) }],
    ['a 48-byte secret for HS384', { secretKey: 'x'.repeat(48), algorithm: 'HS384' }],
    ['a 64-byte secret for HS512', { secretKey: 'x'.repeat(64), algorithm: 'HS512' }],
    ['a 32-byte Buffer secret for HS256', { secretKey: Buffer.alloc(32, 1) }],
    [
      'durations as strings ("5m", "30s", "7d")',
      { secretKey: SECRET, expirationDelta: '5m', leeway: '30s', refreshExpirationDelta: '7d' },
    ],
  ] as [string, JwtAuthModuleOptions][])('starts with %s', (_label, options) => {
    const t = useApp(adapter, () => JwtAuthModule.forRoot({ ...options, imports: [UsersModule] }));

    it('and issues tokens', async () => {
      const response = await request(t.server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
      expect(response.status).toBe(200);
    });
  });
});
