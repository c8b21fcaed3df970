import { jest } from '@jest/globals';
import { describe, expect, it } from '@jest/globals';
import { createHmac, generateKeyPairSync, KeyObject, sign as cryptoSign } from 'node:crypto';
import passport from 'passport';
import type { JwtAuthModuleOptions, JwtPayload } from '../settings/jwt-auth-options.interface.js';
import { resolveSettings } from '../settings/jwt-auth-settings.js';
import type { JwtAuthService } from '../tokens/jwt-auth.service.js';
import { TokenRejectedError } from '../tokens/token-error.js';
import { createJwtStrategy } from './jwt.strategy.js';

/**
 * passport-jwt keeps the key provider it was given in the strategy's `_secretOrKeyProvider`
 * and calls it with (request, rawToken, done) right before handing the key to
 * jsonwebtoken.verify. It has no public accessor, and jest.mock cannot intercept jsonwebtoken
 * in ESM mode, so calling that property directly is the way to see exactly which key the guard
 * passes to jsonwebtoken (a KeyObject, not a string: see the toolchain notes on speed).
 */
type KeyProvider = (request: object, rawToken: unknown, done: (error: unknown, key?: unknown) => void) => void;
interface StrategyInternals {
  name: string;
  _secretOrKeyProvider: KeyProvider;
  _verifOpts: Record<string, unknown>;
  validate(payload: JwtPayload): Promise<object>;
}

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A valid token for the algorithm, signed with node:crypto alone. */
function validToken(alg: 'HS256' | 'RS256' | 'ES256'): string {
  const input = `${b64({ alg, typ: 'JWT' })}.${b64({ username: 'admin', exp: Math.floor(Date.now() / 1000) + 60 })}`;
  const data = Buffer.from(input);
  const signature =
    alg === 'HS256'
      ? createHmac('sha256', SECRET).update(data).digest()
      : cryptoSign(
          'sha256',
          data,
          alg === 'ES256' ? { key: ec.privateKey, dsaEncoding: 'ieee-p1363' } : rsa.privateKey,
        );
  return `${input}.${signature.toString('base64url')}`;
}

const stubService = (user: object = { username: 'admin' }) => {
  const userFromPayload = jest.fn(async (_payload: JwtPayload) => user);
  return { service: { userFromPayload } as unknown as JwtAuthService, userFromPayload };
};

function strategyFor(options: JwtAuthModuleOptions, service = stubService().service): StrategyInternals {
  return createJwtStrategy(resolveSettings(options), service) as StrategyInternals;
}

/** What the strategy's key provider answers for this token. */
function provideKey(strategy: StrategyInternals, token: unknown): Promise<{ error: unknown; key: unknown }> {
  return new Promise((resolve) => {
    strategy._secretOrKeyProvider({}, token, (error, key) => resolve({ error, key }));
  });
}

describe.each([
  ['HS256', { secretKey: SECRET }, 'secret'],
  ['RS256', { algorithm: 'RS256', privateKey: rsa.privateKey }, 'public'],
  ['ES256', { algorithm: 'ES256', privateKey: ec.privateKey }, 'public'],
] as ['HS256' | 'RS256' | 'ES256', JwtAuthModuleOptions, string][])(
  'createJwtStrategy (%s): the key passport-jwt hands jsonwebtoken',
  (alg, options, keyType) => {
    it('is a KeyObject for a valid token', async () => {
      const { error, key } = await provideKey(strategyFor(options), validToken(alg));
      expect(error).toBeNull();
      expect(key).toBeInstanceOf(KeyObject);
      expect((key as KeyObject).type).toBe(keyType);
    });

    it('is the very KeyObject built at start-up (not rebuilt per request)', async () => {
      const settings = resolveSettings(options);
      const strategy = createJwtStrategy(settings, stubService().service) as StrategyInternals;
      const first = await provideKey(strategy, validToken(alg));
      const second = await provideKey(strategy, validToken(alg));
      expect(first.key).toBe(settings.verifyingKey);
      expect(second.key).toBe(settings.verifyingKey);
    });
  },
);

describe('createJwtStrategy: checks before the signature', () => {
  it('a malformed token: the provider refuses with reason "decode" and no key', async () => {
    const { error, key } = await provideKey(strategyFor({ secretKey: SECRET }), 'not-a-token');
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect((error as TokenRejectedError).reason).toBe('decode');
    expect(key).toBeUndefined();
  });

  it('a token of another algorithm: the provider refuses with reason "invalid"', async () => {
    const { error } = await provideKey(strategyFor({ secretKey: SECRET }), validToken('RS256'));
    expect((error as TokenRejectedError).reason).toBe('invalid');
  });
});

describe('createJwtStrategy: registration and verify options', () => {
  it('registers with Passport under the configured strategy name', () => {
    const strategy = strategyFor({ secretKey: SECRET, strategyName: 'unit-jwt' });
    const registry = passport as unknown as { _strategy(name: string): unknown };
    expect(registry._strategy('unit-jwt')).toBe(strategy);
  });

  it('passes one algorithm, audience, issuer, expiration and leeway to jsonwebtoken', () => {
    const strategy = strategyFor({
      secretKey: SECRET,
      audience: 'api',
      issuer: 'me',
      verifyExpiration: false,
      leeway: 15,
    });
    expect(strategy._verifOpts).toMatchObject({
      algorithms: ['HS256'],
      audience: 'api',
      issuer: 'me',
      ignoreExpiration: true,
      clockTolerance: 15,
    });
  });
});

describe('createJwtStrategy: validate(payload)', () => {
  it('hands a payload that passes the claim checks to JwtAuthService.userFromPayload', async () => {
    const { service, userFromPayload } = stubService({ username: 'admin', id: 1 });
    const payload = { username: 'admin', exp: Math.floor(Date.now() / 1000) + 60 };
    await expect(strategyFor({ secretKey: SECRET }, service).validate(payload)).resolves.toEqual({
      username: 'admin',
      id: 1,
    });
    expect(userFromPayload).toHaveBeenCalledWith(payload);
  });

  it('refuses a payload without exp (reason "invalid") before any user lookup', async () => {
    const { service, userFromPayload } = stubService();
    await expect(strategyFor({ secretKey: SECRET }, service).validate({ username: 'admin' })).rejects.toMatchObject({
      reason: 'invalid',
    });
    expect(userFromPayload).not.toHaveBeenCalled();
  });
});
