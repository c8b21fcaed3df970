import type { createRemoteJWKSet } from 'jose';
import { KeyObject, type webcrypto } from 'node:crypto';
import { isFiniteNumber } from '../common/claims.js';
import { nowSeconds } from '../common/clock.js';
import { TokenRejectedError } from '../common/errors.js';
import { isSupportedAlgorithm, type JwtAlgorithm, type JwtPayload } from '../common/jwt.js';
import { isHmac, type SignatureCheck, signatureCheck } from '../keys/algorithms.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { hasDuplicateKeys } from './duplicate-keys.js';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** jose's RemoteJWKSet, and what it resolves to (a CryptoKey on Node). */
type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;
type RemoteKey = Awaited<ReturnType<RemoteKeySet>>;

interface KeyCheck {
  algorithm: JwtAlgorithm;
  check: SignatureCheck;
}

/** Verified tokens kept for their lifetime, so a token seen again costs a Map lookup. */
interface CachedToken {
  payload: Readonly<JwtPayload>;
}

/**
 * Verifies compact JWS tokens in PyJWT's order: shape, header and payload JSON objects, `alg`,
 * signature, then the claims (iat, nbf, exp, iss, aud). Every refusal is a TokenRejectedError
 * whose reason decides the message. Verified tokens are cached until they expire (bounded):
 * a cache hit skips parsing and cryptography, never the time checks, and never what the
 * caller checks after (the user).
 */
export class TokenVerifier {
  /** The key for tokens that name no `kid`: the signing key's, or the only verify key's. */
  private readonly primary?: KeyCheck;
  /** The checks of the keys tokens may name by `kid` (empty when the app uses no key ids). */
  private readonly byKeyId = new Map<string, KeyCheck>();
  /** With `jwksUrl`: the issuer's key set, and the checks built for the keys it gave. */
  private readonly remote?: () => Promise<RemoteKeySet>;
  private readonly remoteChecks = new WeakMap<object, KeyCheck>();
  private readonly cache = new Map<string, CachedToken>();
  private readonly headers = new Map<string, Readonly<Record<string, unknown>>>();

  constructor(
    private readonly settings: JwtAuthSettings,
    private readonly cacheSize = 10_000,
  ) {
    for (const [kid, { algorithm, key }] of settings.keys) {
      this.byKeyId.set(kid, { algorithm, check: signatureCheck(algorithm, key) });
    }
    if (settings.remoteJwks !== undefined) {
      const { url, cooldown } = settings.remoteJwks;
      let keySet: Promise<RemoteKeySet> | undefined;
      // jose is ESM-only: loaded on first use, so that only apps with jwksUrl load it (the
      // CommonJS build's classic-jest users cannot).
      this.remote = () =>
        (keySet ??= import('jose').then(({ createRemoteJWKSet }) =>
          createRemoteJWKSet(url, {
            cooldownDuration: cooldown * 1000,
            cacheMaxAge: 10 * 60 * 1000,
            timeoutDuration: 5000,
          }),
        ));
    }
    const { verifyingKey, algorithm } = settings;
    if (verifyingKey !== undefined) this.primary = { algorithm, check: signatureCheck(algorithm, verifyingKey) };
    else if (this.byKeyId.size === 1 && settings.remoteJwks === undefined) this.primary = [...this.byKeyId.values()][0];
  }

  verify(token: unknown, now = nowSeconds()): Readonly<JwtPayload> {
    if (typeof token !== 'string') throw new TokenRejectedError('decode');
    const cached = this.cache.get(token);
    if (cached) {
      try {
        this.checkTimes(cached.payload, now);
      } catch (error) {
        this.cache.delete(token);
        throw error;
      }
      return cached.payload;
    }
    const payload = this.verifyUncached(token, now);
    this.remember(token, payload);
    return payload;
  }

  /**
   * As verify, and with `jwksUrl` a token naming a `kid` no static key has gets its key from
   * the issuer's JWKS (jose's RemoteJWKSet: cached, refetched at most once per cooldown).
   */
  async verifyAsync(token: unknown, now = nowSeconds()): Promise<Readonly<JwtPayload>> {
    if (this.remote === undefined || typeof token !== 'string' || this.cache.has(token)) return this.verify(token, now);
    const header = this.header(token.split('.', 1)[0]);
    const kid = header?.kid;
    if (header === undefined || typeof kid !== 'string' || this.byKeyId.has(kid)) return this.verify(token, now);
    const alg = header.alg;
    // Only asymmetric algorithms come from a JWKS: never an HMAC check with a published key.
    if (!isSupportedAlgorithm(alg) || isHmac(alg)) throw new TokenRejectedError('invalid');
    // Outside the try: jose failing to load is the server's error, not the token's.
    const keySet = await this.remote();
    let key: RemoteKey;
    try {
      key = await keySet({ alg, kid });
    } catch {
      // No such key (after at most one refetch per cooldown), or the JWKS could not be had.
      throw new TokenRejectedError('invalid');
    }
    let check = this.remoteChecks.get(key);
    if (check === undefined) {
      check = { algorithm: alg, check: signatureCheck(alg, toKeyObject(key)) };
      this.remoteChecks.set(key, check);
    }
    const payload = this.verifyUncached(token, now, check);
    this.remember(token, payload);
    return payload;
  }

  /**
   * JWT_GET_USER_SECRET_KEY: the HMAC key comes from the user the (not yet verified) payload
   * names. Never cached: changing a user's key must refuse their tokens at once.
   */
  async verifyWithKeyOf(
    token: unknown,
    keyOf: (claims: Readonly<JwtPayload>) => Promise<KeyObject>,
    now = nowSeconds(),
  ): Promise<Readonly<JwtPayload>> {
    if (typeof token !== 'string') throw new TokenRejectedError('decode');
    const segment = token.split('.')[1];
    const claims = segment !== undefined && BASE64URL.test(segment) ? parseJsonObject(segment) : undefined;
    if (claims === undefined) throw new TokenRejectedError('decode');
    const { algorithm } = this.settings;
    return this.verifyUncached(token, now, { algorithm, check: signatureCheck(algorithm, await keyOf(claims)) });
  }

  private verifyUncached(token: string, now: number, resolved?: KeyCheck): Readonly<JwtPayload> {
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenRejectedError('decode');
    const header = this.header(parts[0]);
    // The signature segment is not pattern-checked: it must match its canonical spelling below.
    const payload = BASE64URL.test(parts[1]) ? parseJsonObject(parts[1]) : undefined;
    if (header === undefined || payload === undefined) throw new TokenRejectedError('decode');
    const key = resolved ?? this.keyFor(header);
    // Each key is used with its own algorithm only: never an HMAC check with a public key.
    if (header.alg !== key.algorithm) throw new TokenRejectedError('invalid');
    // No JWS extension is understood here, so a token that makes one critical is refused (RFC 7515, 4.1.11).
    if (header.crit !== undefined) throw new TokenRejectedError('invalid');
    const signature = Buffer.from(parts[2], 'base64url');
    // Only the canonical spelling: unused trailing bits would give one token many spellings,
    // which defeats anything keyed on the token's text (block lists, caches).
    if (
      signature.length === 0 ||
      signature.toString('base64url') !== parts[2] ||
      !key.check(`${parts[0]}.${parts[1]}`, signature)
    ) {
      throw new TokenRejectedError('decode');
    }
    if (!this.headers.has(parts[0]) && this.headers.size < 16) this.headers.set(parts[0], Object.freeze(header));
    const claims = payload as JwtPayload;
    if (claims.exp === undefined && this.settings.requireExpiration) throw new TokenRejectedError('invalid');
    this.checkTimes(claims, now);
    this.checkParties(claims);
    return deepFreeze(claims);
  }

  /**
   * The key a token's `kid` names. An app that uses key ids refuses an unknown or malformed
   * `kid` ("invalid"), and a token without one goes to the signing key; an app that uses none
   * ignores `kid`, as PyJWT does. A `kid` is only ever a Map key: never a path, query or URL.
   */
  private keyFor(header: Readonly<Record<string, unknown>>): KeyCheck {
    const named = this.byKeyId.size > 0 || this.settings.verifyOnly;
    const key =
      !named || header.kid === undefined
        ? this.primary
        : typeof header.kid === 'string'
          ? this.byKeyId.get(header.kid)
          : undefined;
    if (key === undefined) throw new TokenRejectedError('invalid');
    return key;
  }

  /** iat, nbf and exp, as PyJWT checks them (expired when `exp < now - leeway`). */
  private checkTimes(payload: JwtPayload, now: number): void {
    const { leeway } = this.settings;
    if (payload.iat !== undefined && (!isFiniteNumber(payload.iat) || payload.iat > now + leeway)) {
      throw new TokenRejectedError('invalid');
    }
    if (payload.nbf !== undefined) {
      if (!isFiniteNumber(payload.nbf)) throw new TokenRejectedError('decode');
      if (payload.nbf > now + leeway) throw new TokenRejectedError('invalid');
    }
    if (payload.exp !== undefined) {
      // A `1e400` exp parses as Infinity and would never expire.
      if (!isFiniteNumber(payload.exp)) throw new TokenRejectedError('decode');
      if (this.settings.verifyExpiration && payload.exp < now - leeway) throw new TokenRejectedError('expired');
    }
  }

  /** iss and aud: required when configured; with no audience configured, `aud` is refused. */
  private checkParties(payload: JwtPayload): void {
    const { issuer, audience } = this.settings;
    if (issuer !== undefined && payload.iss !== issuer) throw new TokenRejectedError('invalid');
    if (audience === undefined) {
      if (payload.aud !== undefined) throw new TokenRejectedError('invalid');
    } else if (Array.isArray(payload.aud)) {
      // PyJWT refuses a list with anything but strings in it, whatever else it holds.
      if (!payload.aud.every((entry) => typeof entry === 'string') || !payload.aud.includes(audience)) {
        throw new TokenRejectedError('invalid');
      }
    } else if (payload.aud !== audience) {
      throw new TokenRejectedError('invalid');
    }
  }

  /**
   * Header segments repeat (one per key and algorithm), so parsed ones are kept: only those of
   * verified tokens, so that forged headers cannot crowd the genuine ones out.
   */
  private header(segment: string): Readonly<Record<string, unknown>> | undefined {
    const known = this.headers.get(segment);
    if (known !== undefined) return known;
    return BASE64URL.test(segment) ? parseJsonObject(segment) : undefined;
  }

  private remember(token: string, payload: Readonly<JwtPayload>): void {
    if (this.cacheSize <= 0) return;
    if (this.cache.size >= this.cacheSize) {
      // The oldest entry goes first (a Map iterates in insertion order).
      this.cache.delete(this.cache.keys().next().value as string);
    }
    this.cache.set(token, { payload });
  }
}

function toKeyObject(key: RemoteKey): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key as unknown as webcrypto.CryptoKey);
}

/** A base64url segment as a JSON object, or undefined (not JSON, not an object, duplicate keys). */
function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || hasDuplicateKeys(text)) return undefined;
  return value as Record<string, unknown>;
}

/** Cached payloads are shared by every request that shows the token: nothing in them may change. */
function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner as object);
  }
  return Object.freeze(value);
}
