import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, type KeyObject, sign as cryptoSign } from 'node:crypto';
import { ADAPTERS } from '../support/apps.js';
import {
  type AsymmetricAlg,
  asymmetricToken,
  expectAcceptedEverywhere,
  expectRefusedEverywhere,
  type Family,
  hmacToken,
  type RecordingServer,
  startRecordingServer,
  useSecurityApp,
  validClaims,
  withSignature,
} from '../support/attacks.js';
import { ERROR_FORMATS } from '../support/refusals.js';

/**
 * Attack suite, part 2: apps configured with RS256 and ES256 (real key pairs, given as PEM).
 * Key confusion (the server's public key used as an HMAC secret, in every encoding an attacker
 * could find it in), keys and key URLs carried by the token, forged ECDSA signatures.
 */

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const attackerRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attackerEc = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });

const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const spkiPem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

/** The encodings of a public key an attacker may find published, as HMAC key bytes. */
function publicKeyMaterials(publicKey: KeyObject): [string, string | Buffer][] {
  const pem = spkiPem(publicKey);
  const materials: [string, string | Buffer][] = [
    ['PEM (SPKI) with its trailing newline', pem],
    ['PEM (SPKI) without the trailing newline', pem.trimEnd()],
    ['DER (SPKI) bytes', publicKey.export({ type: 'spki', format: 'der' })],
    ['JWK JSON text', JSON.stringify(publicKey.export({ format: 'jwk' }))],
  ];
  if (publicKey.asymmetricKeyType === 'rsa') {
    materials.push(
      ['PKCS#1 PEM', publicKey.export({ type: 'pkcs1', format: 'pem' }).toString()],
      ['PKCS#1 DER bytes', publicKey.export({ type: 'pkcs1', format: 'der' })],
    );
  }
  return materials;
}

/** The base64 body of a key's PEM, a text that must never show in a response. */
const keyText = (pem: string) => pem.split('\n')[1];

/** P-256's group order n: (r, s) = (n, n) is the other form of the "psychic signature". */
const P256_ORDER = Buffer.from('FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551', 'hex');

/** The same base64url text with the last character's unused bits changed (same bytes decoded). */
function withOtherPaddingBits(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(segment[segment.length - 1]);
  const unusedBits = (segment.length * 6) % 8;
  return segment.slice(0, -1) + alphabet[last ^ ((1 << unusedBits) - 1)];
}

interface Configuration {
  alg: 'RS256' | 'ES256';
  keys: { privateKey: KeyObject; publicKey: KeyObject };
  attacker: { privateKey: KeyObject; publicKey: KeyObject };
}

const CONFIGURATIONS: Configuration[] = [
  { alg: 'RS256', keys: rsa, attacker: attackerRsa },
  { alg: 'ES256', keys: ec, attacker: attackerEc },
];

describe.each(ADAPTERS)('attacks on an asymmetric configuration (%s)', (adapter) => {
  describe.each(CONFIGURATIONS)('$alg app', ({ alg, keys, attacker }) => {
    describe.each(ERROR_FORMATS)('errorFormat %s', (format) => {
      const app = useSecurityApp(
        adapter,
        format,
        { algorithm: alg, privateKey: pkcs8(keys.privateKey), publicKey: spkiPem(keys.publicKey) },
        [keyText(pkcs8(keys.privateKey)), keyText(spkiPem(keys.publicKey))],
      );
      const refused = (token: string, family: Family) => expectRefusedEverywhere(app, token, family);
      const header = { alg, typ: 'JWT' };
      const realToken = (claims = validClaims()) => asymmetricToken(header, claims, keys.privateKey, alg);

      describe('the public key used as an HMAC secret (key confusion, CVE-2017-11424, CVE-2022-29217)', () => {
        // The configured algorithm is the only one accepted: an HS256 header is an unknown
        // algorithm (PyJWT: InvalidAlgorithmError), whatever the key.
        it.each(publicKeyMaterials(keys.publicKey))('%s as the HS256 secret, header alg HS256', async (_label, key) => {
          await refused(hmacToken({ alg: 'HS256', typ: 'JWT' }, validClaims(), key), 'invalid');
        });

        // The header names the right algorithm, so the signature is checked, and fails.
        it.each(publicKeyMaterials(keys.publicKey))(
          `%s as an HMAC-SHA256 secret, header alg ${alg}`,
          async (_label, key) => {
            await refused(hmacToken(header, validClaims(), key, 'sha256'), 'decode');
          },
        );
      });

      describe('other algorithms and other keys', () => {
        it('alg "none" without a signature', async () => {
          const [head, body] = hmacToken({ alg: 'none', typ: 'JWT' }, validClaims()).split('.');
          await refused(`${head}.${body}.`, 'invalid');
        });

        const sameKeyOtherAlg: AsymmetricAlg = alg === 'RS256' ? 'PS256' : 'ES384';
        const otherAlgKey = alg === 'RS256' ? keys.privateKey : ec384.privateKey;
        it(`${sameKeyOtherAlg} signed with ${alg === 'RS256' ? 'the real private key' : 'a P-384 key'}`, async () => {
          await refused(
            asymmetricToken({ alg: sameKeyOtherAlg, typ: 'JWT' }, validClaims(), otherAlgKey, sameKeyOtherAlg),
            'invalid',
          );
        });

        const longerHash: AsymmetricAlg = alg === 'RS256' ? 'RS512' : 'ES512';
        if (alg === 'RS256') {
          it('RS512 signed with the real private key', async () => {
            await refused(
              asymmetricToken({ alg: 'RS512', typ: 'JWT' }, validClaims(), keys.privateKey, longerHash),
              'invalid',
            );
          });
        }

        it(`${alg} signed with the attacker's own key`, async () => {
          await refused(asymmetricToken(header, validClaims(), attacker.privateKey, alg), 'decode');
        });

        it(`${alg} with an empty signature`, async () => {
          await refused(withSignature(realToken(), ''), 'decode');
        });

        it(`${alg} with the signature truncated by one byte`, async () => {
          const token = realToken();
          const bytes = Buffer.from(token.split('.')[2], 'base64url');
          await refused(withSignature(token, bytes.subarray(0, bytes.length - 1)), 'decode');
        });

        it(`${alg} with one byte of the signature altered`, async () => {
          const token = realToken();
          const bytes = Buffer.from(token.split('.')[2], 'base64url');
          bytes[5] ^= 0x01;
          await refused(withSignature(token, bytes), 'decode');
        });

        it(`${alg} with a signature of zero bytes only`, async () => {
          await refused(withSignature(realToken(), Buffer.alloc(alg === 'RS256' ? 256 : 64)), 'decode');
        });
      });

      if (alg === 'ES256') {
        describe('forged ECDSA signatures', () => {
          it('psychic signature: r = s = 0 (64 zero bytes, CVE-2022-21449)', async () => {
            await refused(withSignature(realToken(), Buffer.alloc(64)), 'decode');
          });

          it('psychic signature: r = s = n (the curve order)', async () => {
            await refused(withSignature(realToken(), Buffer.concat([P256_ORDER, P256_ORDER])), 'decode');
          });

          it('a valid signature in DER encoding instead of JOSE r||s', async () => {
            const token = realToken();
            const [head, body] = token.split('.');
            const der = cryptoSign('sha256', Buffer.from(`${head}.${body}`), keys.privateKey);
            await refused(withSignature(token, der), 'decode');
          });
        });
      }

      describe('keys and key URLs carried by the token: ignored, never fetched', () => {
        let recorder: RecordingServer;
        const attackerJwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker', use: 'sig', alg };
        beforeAll(async () => {
          recorder = await startRecordingServer(JSON.stringify({ keys: [attackerJwk] }));
        });
        afterAll(async () => {
          await recorder.close();
        });

        it("jwk header carrying the attacker's public key, signed with its private key (CVE-2018-0114)", async () => {
          await refused(
            asymmetricToken({ ...header, jwk: attackerJwk }, validClaims(), attacker.privateKey, alg),
            'decode',
          );
        });

        it("jku header pointing at the attacker's JWKS (a local server), signed with its key", async () => {
          const hostile = { ...header, kid: 'attacker', jku: recorder.url('jwks.json') };
          await refused(asymmetricToken(hostile, validClaims(), attacker.privateKey, alg), 'decode');
        });

        it("x5u header pointing at a local server, signed with the attacker's key", async () => {
          const hostile = { ...header, x5u: recorder.url('cert.pem') };
          await refused(asymmetricToken(hostile, validClaims(), attacker.privateKey, alg), 'decode');
        });

        it('the jku/x5u server received no request (it does answer: checked from the test)', async () => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect(recorder.received).toEqual([]);
          const control = await fetch(recorder.url('control'));
          expect(((await control.json()) as { keys: unknown[] }).keys).toHaveLength(1);
          expect(recorder.received).toEqual(['GET /control']);
          recorder.received.length = 0;
        });
      });

      describe('signature malleability', () => {
        // Base64url text whose last character differs only in bits the decoding drops names the
        // same signature bytes. The issue asks for every altered signature to be refused.
        it(`${alg} signature re-encoded with other unused bits in its last character`, async () => {
          const token = realToken();
          await refused(withSignature(token, withOtherPaddingBits(token.split('.')[2])), 'decode');
        });
      });

      it('a valid token still works after the hostile ones', async () => {
        await expectAcceptedEverywhere(app, realToken());
      });
    });
  });
});
