import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { JwtSecretRequestType, JwtService } from '@nestjs/jwt';
import type { JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { jwtModuleOptions } from '../../lib/tokens/jwt-options.js';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

const CONFIGURATIONS: [string, JwtAuthModuleOptions][] = [
  ['HS256', { secretKey: SECRET }],
  ['RS256', { algorithm: 'RS256', privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }],
  ['ES256', { algorithm: 'ES256', privateKey: ec.privateKey }],
];

describe.each(CONFIGURATIONS)('jwtModuleOptions (%s): jsonwebtoken is handed KeyObjects', (alg, options) => {
  const settings = resolveSettings(options);
  const moduleOptions = jwtModuleOptions(settings);

  it('secretOrKeyProvider(SIGN) gives a KeyObject: the signing key', async () => {
    const key = await moduleOptions.secretOrKeyProvider!(JwtSecretRequestType.SIGN, { username: 'admin' });
    expect(key).toBeInstanceOf(KeyObject);
    expect(key).toBe(settings.signingKey);
    expect((key as KeyObject).type).toBe(alg === 'HS256' ? 'secret' : 'private');
  });

  it('secretOrKeyProvider(VERIFY) gives a KeyObject: the verifying key', async () => {
    const key = await moduleOptions.secretOrKeyProvider!(JwtSecretRequestType.VERIFY, 'a.b.c');
    expect(key).toBeInstanceOf(KeyObject);
    expect(key).toBe(settings.verifyingKey);
    expect((key as KeyObject).type).toBe(alg === 'HS256' ? 'secret' : 'public');
  });

  it('never gives a string secret or a Buffer', () => {
    expect(moduleOptions.secret).toBeUndefined();
    expect(moduleOptions.privateKey).toBeUndefined();
    expect(moduleOptions.publicKey).toBeUndefined();
  });

  it(`signs with ${alg}`, () => {
    expect(moduleOptions.signOptions?.algorithm).toBe(alg);
  });

  it('a @nestjs/jwt JwtService built from the options signs and verifies a round trip', () => {
    const service = new JwtService(moduleOptions);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = service.sign({ username: 'admin', exp });
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toMatchObject({ alg });
    expect(service.verify(token)).toEqual({ username: 'admin', exp });
  });

  it('signing adds no "iat" of its own when the payload has none', () => {
    const service = new JwtService(moduleOptions);
    const token = service.sign({ username: 'admin', exp: 2_000_000_000 });
    expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).toEqual({
      username: 'admin',
      exp: 2_000_000_000,
    });
  });
});
