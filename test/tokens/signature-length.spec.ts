import { describe, expect, it } from '@jest/globals';
import { constants, generateKeyPairSync, sign as cryptoSign, type SignKeyObjectInput } from 'node:crypto';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import { TokenRejectedError } from '../../lib/common/errors.js';
import { TokenVerifier } from '../../lib/tokens/token-verifier.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = 1_700_000_000;
const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * OpenSSL accepts an RSA-PSS signature with its leading zero byte dropped, which gave such a
 * token a second, shorter spelling. PSS signatures are randomised: sign until one starts with
 * a zero byte (one in 256 on average).
 */
function psTokenWithLeadingZero(): { input: string; signature: Buffer } {
  const key: SignKeyObjectInput = {
    key: rsa.privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  };
  for (let n = 0; n < 20_000; n++) {
    const input = `${segment({ alg: 'PS256', typ: 'JWT' })}.${segment({ username: 'admin', exp: NOW + 60, n })}`;
    const signature = cryptoSign('sha256', Buffer.from(input), key);
    if (signature[0] === 0) return { input, signature };
  }
  throw new Error('no PSS signature with a leading zero byte in 20000 tries');
}

describe('TokenVerifier: RSA signatures must be exactly as long as the modulus', () => {
  const verifier = new TokenVerifier(resolveSettings({ algorithm: 'PS256', privateKey: rsa.privateKey }));
  const { input, signature } = psTokenWithLeadingZero();

  it('the full-length PS256 signature with a leading zero byte is accepted', () => {
    expect(verifier.verify(`${input}.${signature.toString('base64url')}`, NOW)).toMatchObject({ username: 'admin' });
  });

  it('the same signature without its leading zero byte is refused: decode', () => {
    expect(signature).toHaveLength(256);
    let reason: string | undefined;
    try {
      verifier.verify(`${input}.${signature.subarray(1).toString('base64url')}`, NOW);
    } catch (error) {
      expect(error).toBeInstanceOf(TokenRejectedError);
      reason = (error as TokenRejectedError).reason;
    }
    expect(reason).toBe('decode');
  });
});
