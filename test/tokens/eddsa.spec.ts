import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { generateKeyPairSync, type KeyObject, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { type JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import { SUPPORTED_ALGORITHMS } from '../../lib/common/jwt.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { UserLookupService } from '../../lib/users/user-lookup.service.js';
import { signJws } from '../../lib/keys/jws-signer.js';
import type { JwtAuthService } from '../../lib/flows/jwt-auth.service.js';
import { TokenRejectedError, type TokenRejection } from '../../lib/common/errors.js';
import { TokenVerifier } from '../../lib/tokens/token-verifier.js';
import { wireJwtAuthService } from '../support/wire-service.js';

const signEdDsa = (payload: Record<string, unknown>, key: KeyObject, keyId?: string) =>
  signJws(payload, 'EdDSA', key, keyId);

const ed = generateKeyPairSync('ed25519');
const otherEd = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const HMAC_SECRET = 'eddsa-unit-test-hmac-secret-'.padEnd(64, 'x');

/** A fixed clock: every verify below is given `now` explicitly. */
const NOW = 1_700_000_000;
const live = (claims: Record<string, unknown> = {}) => ({ username: 'admin', exp: NOW + 60, ...claims });

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const headerOf = (token: string): unknown => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
const claimsOf = (token: string): unknown => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const signatureBytes = (token: string) => Buffer.from(token.split('.')[2], 'base64url');
const withSignature = (token: string, signature: Buffer) =>
  `${token.split('.').slice(0, 2).join('.')}.${signature.toString('base64url')}`;

/** An EdDSA token made with node:crypto alone, independently of the library. */
function signedWith(key: KeyObject, payload: unknown, header: unknown = { alg: 'EdDSA', typ: 'JWT' }): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${cryptoSign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** The reason of the TokenRejectedError `action` throws (anything else thrown fails the test). */
function reasonOf(action: () => unknown): TokenRejection | 'no error' {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRejectedError);
    return (error as TokenRejectedError).reason;
  }
  return 'no error';
}

const EDDSA: JwtAuthModuleOptions = { algorithm: 'EdDSA', privateKey: ed.privateKey };
const verifierFor = (options: JwtAuthModuleOptions) => new TokenVerifier(resolveSettings(options));

class Users extends UserLookupService<{ username: string }> {
  async findByUsername(username: string): Promise<{ username: string } | undefined> {
    return username === 'admin' ? { username } : undefined;
  }

  async verifyPassword(): Promise<boolean> {
    return true;
  }
}

/** JwtAuthService wired by hand, as the module wires it. */
function serviceFor(options: JwtAuthModuleOptions): JwtAuthService<{ username: string }> {
  const settings = resolveSettings(options);
  return wireJwtAuthService(settings, new Users());
}

describe('EdDSA: supported algorithm', () => {
  it('is in SUPPORTED_ALGORITHMS', () => {
    expect(SUPPORTED_ALGORITHMS).toContain('EdDSA');
  });

  it('resolves an Ed25519 private key, deriving the public key', () => {
    const settings = resolveSettings(EDDSA);
    expect(settings.signingKey!.asymmetricKeyType).toBe('ed25519');
    expect(settings.verifyingKey!.type).toBe('public');
    expect(settings.verifyingKey!.asymmetricKeyType).toBe('ed25519');
  });
});

describe('signEdDsa', () => {
  const token = signEdDsa(live(), ed.privateKey);

  it('writes the header {"alg":"EdDSA","typ":"JWT"} byte for byte', () => {
    expect(Buffer.from(token.split('.')[0], 'base64url').toString()).toBe('{"alg":"EdDSA","typ":"JWT"}');
  });

  it('writes the payload as base64url JSON, unchanged', () => {
    expect(Buffer.from(token.split('.')[1], 'base64url').toString()).toBe(JSON.stringify(live()));
  });

  it('makes a 64-byte Ed25519 signature that node:crypto verifies with the public key', () => {
    const [head, body] = token.split('.');
    expect(signatureBytes(token)).toHaveLength(64);
    expect(cryptoVerify(null, Buffer.from(`${head}.${body}`), ed.publicKey, signatureBytes(token))).toBe(true);
    expect(cryptoVerify(null, Buffer.from(`${head}.${body}`), otherEd.publicKey, signatureBytes(token))).toBe(false);
  });

  it('uses only base64url characters, unpadded', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('refuses a payload that is not an object', () => {
    expect(() => signEdDsa(null as unknown as Record<string, unknown>, ed.privateKey)).toThrow(TypeError);
  });
});

describe('TokenVerifier: EdDSA', () => {
  const verifier = verifierFor(EDDSA);

  it('sign → verify round trip (signEdDsa)', () => {
    expect(verifier.verify(signEdDsa(live(), ed.privateKey), NOW)).toEqual(live());
  });

  it('accepts a token signed with node:crypto alone', () => {
    expect(verifier.verify(signedWith(ed.privateKey, live({ n: 1 })), NOW)).toEqual(live({ n: 1 }));
  });

  it('accepts tokens when only the public key is configured for verification (PEM)', () => {
    const pemPublic = ed.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const v = verifierFor({ ...EDDSA, publicKey: pemPublic });
    expect(v.verify(signEdDsa(live({ n: 2 }), ed.privateKey), NOW)).toEqual(live({ n: 2 }));
  });

  it('one flipped byte in the signature (first, middle or last) is refused: decode', () => {
    const token = signEdDsa(live({ n: 3 }), ed.privateKey);
    const signature = signatureBytes(token);
    for (const index of [0, 32, 63]) {
      const tampered = Buffer.from(signature);
      tampered[index] ^= 0x01;
      expect(reasonOf(() => verifier.verify(withSignature(token, tampered), NOW))).toBe('decode');
    }
  });

  it('another payload under the same signature is refused: decode', () => {
    const [head, , signature] = signEdDsa(live(), ed.privateKey).split('.');
    expect(reasonOf(() => verifier.verify(`${head}.${segment(live({ username: 'root' }))}.${signature}`, NOW))).toBe(
      'decode',
    );
  });

  it('a token signed with another Ed25519 key is refused: decode', () => {
    expect(reasonOf(() => verifier.verify(signEdDsa(live(), otherEd.privateKey), NOW))).toBe('decode');
  });

  it.each([0, 1, 63, 65, 128])('a signature of %i bytes is refused without throwing', (length) => {
    const token = signEdDsa(live(), ed.privateKey);
    expect(reasonOf(() => verifier.verify(withSignature(token, Buffer.alloc(length, 1)), NOW))).toBe('decode');
  });

  it('a token with another alg in its header, even if Ed25519-signed, is refused: invalid', () => {
    for (const alg of ['none', 'HS256', 'ES256', 'Ed25519', 'eddsa']) {
      expect(reasonOf(() => verifier.verify(signedWith(ed.privateKey, live(), { alg, typ: 'JWT' }), NOW))).toBe(
        'invalid',
      );
    }
  });

  it('an HS256 token signed with the Ed25519 public key bytes as secret is refused (key confusion)', () => {
    const hs = new JwtService({ secret: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const forged = hs.sign(live(), { algorithm: 'HS256' });
    expect(reasonOf(() => verifier.verify(forged, NOW))).toBe('invalid');
  });

  it('claims are still checked: an expired EdDSA token is refused', () => {
    expect(reasonOf(() => verifier.verify(signEdDsa(live({ exp: NOW - 10 }), ed.privateKey), NOW))).toBe('expired');
  });
});

describe.each([
  ['HS256', { secretKey: HMAC_SECRET }],
  ['RS256', { algorithm: 'RS256', privateKey: rsa.privateKey }],
] as [string, JwtAuthModuleOptions][])('An EdDSA token shown to an %s app', (_alg, options) => {
  it('is refused: alg not allowed (invalid)', () => {
    expect(reasonOf(() => verifierFor(options).verify(signEdDsa(live(), ed.privateKey), NOW))).toBe('invalid');
  });
});

describe('JwtAuthService.sign with EdDSA', () => {
  const service = serviceFor(EDDSA);

  it('signs EdDSA itself: header alg EdDSA, verified by the service and by node:crypto', () => {
    const token = service.sign(live());
    expect(headerOf(token)).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    const [head, body] = token.split('.');
    expect(cryptoVerify(null, Buffer.from(`${head}.${body}`), ed.publicKey, signatureBytes(token))).toBe(true);
  });

  it('sign → verifyPayload round trip with a live token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { username: 'admin', exp: now + 60 };
    expect(await service.verifyPayload(service.sign(claims))).toEqual(claims);
  });

  it('keeps iat semantics: no iat in the payload, none in the token; an iat is kept as given', () => {
    expect(claimsOf(service.sign(live()))).not.toHaveProperty('iat');
    expect(claimsOf(service.sign(live({ iat: NOW - 5 })))).toEqual(live({ iat: NOW - 5 }));
  });

  it('issueToken gives an EdDSA token whose claims are the default payload', async () => {
    const token = service.issueToken({ username: 'admin' });
    expect(headerOf(token)).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    const { user, payload } = await service.verifyToken(token);
    expect(user).toEqual({ username: 'admin' });
    expect(payload).toMatchObject({ username: 'admin' });
    expect(typeof payload.iat).toBe('number');
    expect(typeof payload.jti).toBe('string');
  });

  it('other algorithms still sign through jsonwebtoken (RS256 header, no EdDSA)', () => {
    const rs = serviceFor({ algorithm: 'RS256', privateKey: rsa.privateKey });
    const token = rs.sign(live());
    expect(headerOf(token)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(claimsOf(token)).toEqual(live());
  });
});
