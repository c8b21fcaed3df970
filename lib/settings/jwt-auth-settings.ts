import type { ThrottlerStorage } from '@nestjs/throttler';
import { createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readHooks, type ResolvedHooks } from '../events/jwt-auth-hooks.js';
import { type Duration, parseDuration } from './duration.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import {
  type AnyRequest,
  type AuthCookieOptions,
  type CsrfOptions,
  type ErrorFormat,
  type JwtAlgorithm,
  type JwtAuthModuleOptions,
  type JwtPayload,
  type KeyInput,
  type LoginThrottleOptions,
  SUPPORTED_ALGORITHMS,
} from './jwt-auth-options.interface.js';

/** The options after validation: defaults applied, durations in seconds, keys built once. */
export interface JwtAuthSettings {
  algorithm: JwtAlgorithm;
  /** Built once at start-up: jsonwebtoken re-parses a string key on every call. None with `verifyOnly`. */
  signingKey?: KeyObject;
  verifyingKey?: KeyObject;
  /** Tokens are only verified here (`verifyOnly`): no signing key, no login, no refresh. */
  verifyOnly: boolean;
  /** With `verifyOnly`: the issuer's JWKS and the least seconds between two fetches. */
  remoteJwks?: { url: URL; cooldown: number };
  /** The `kid` new tokens carry, when set. */
  keyId?: string;
  /** Every key a token may name by `kid` (the signing key under keyId, and verifyKeys). */
  keys: ReadonlyMap<string, VerificationKey>;
  verifyExpiration: boolean;
  requireExpiration: boolean;
  leeway: number;
  expirationDelta: number;
  refreshExpirationDelta: number;
  audience?: string;
  issuer?: string;
  allowRefresh: boolean;
  authHeaderPrefix: string;
  includeIssuedAt: boolean;
  includeTokenId: boolean;
  errorFormat: ErrorFormat;
  strategyName: string;
  /** Seconds the guard keeps a looked-up user (0: never). */
  userCacheTtl: number;
  stateless: boolean;
  /** Login attempt limits (`ttl` in seconds); false when turned off. */
  loginThrottle: LoginThrottleSettings | false;
  /** The app's revocation store; undefined: the module keeps a MemoryRevocationStore. */
  revocationStore?: RevocationStore;
  revocationUnavailableStatus: 401 | 503;
  rotateOnRefresh: boolean;
  /** Cookie mode: the token cookie (`maxAge` in seconds) and the CSRF defence, when on. */
  authCookie?: AuthCookieSettings;
  csrf?: Required<CsrfOptions>;
  payloadHandler?: (user: object, defaults: JwtPayload) => JwtPayload;
  responsePayloadHandler?: (token: string, user: object, request: AnyRequest) => object;
  getUsernameFromPayload: (payload: JwtPayload) => unknown;
  /** JWT_GET_USER_SECRET_KEY (HS algorithms only). */
  getUserSecretKey?: (user: object) => string | Buffer | KeyObject;
  /** The `hooks` callbacks, each checked to be a function; `{}` when none. */
  hooks: ResolvedHooks;
}

export interface AuthCookieSettings {
  name: string;
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  path: string;
  domain?: string;
  maxAge?: number;
}

/** `loginThrottle` after validation: defaults applied, `ttl` in whole seconds. */
export interface LoginThrottleSettings {
  limit: number;
  ttl: number;
  perAddressLimit: number | false;
  /** The app's storage; undefined: the module keeps an in-memory ThrottlerStorageService. */
  storage?: ThrottlerStorage;
}

/** Login attempt limits by default: 10 a minute per username, 100 a minute per client address. */
export const LOGIN_THROTTLE_DEFAULTS = { limit: 10, ttl: 60, perAddressLimit: 100 } as const;

/** A key that verifies tokens naming its `kid`, with the one algorithm it may be used with. */
export interface VerificationKey {
  algorithm: JwtAlgorithm;
  key: KeyObject;
}

/** A start-up error in the module's options; the message names the option. */
export class JwtAuthConfigError extends Error {
  constructor(option: string, problem: string) {
    super(`nest-rest-jwt: option "${option}" ${problem}`);
    this.name = 'JwtAuthConfigError';
  }
}

/** Minimum HMAC secret length in bytes: the hash's output size (RFC 7518, section 3.2). */
const MIN_SECRET_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };

/** Which key types and curves each asymmetric family (EdDSA: itself) accepts. */
const KEY_TYPES: Record<string, readonly string[]> = {
  RS: ['rsa'],
  PS: ['rsa', 'rsa-pss'],
  ES: ['ec'],
  EdDSA: ['ed25519'],
};
const ES_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

const DEFAULTS = {
  algorithm: 'HS256',
  expirationDelta: 300,
  refreshExpirationDelta: 7 * 24 * 3600,
  leeway: 0,
  authHeaderPrefix: 'JWT',
  errorFormat: 'nest',
  strategyName: 'jwt',
} as const;

/** Validates the options once, at start-up, and builds the keys. Throws JwtAuthConfigError. */
export function resolveSettings(options: JwtAuthModuleOptions<object> | undefined): JwtAuthSettings {
  if (options === null || typeof options !== 'object') {
    throw new JwtAuthConfigError('options', 'must be an object');
  }
  const algorithm = options.algorithm ?? DEFAULTS.algorithm;
  if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new JwtAuthConfigError(
      'algorithm',
      `must be one of ${SUPPORTED_ALGORITHMS.join(', ')} (got ${JSON.stringify(algorithm)})`,
    );
  }
  const verifyOnly = flag(options, 'verifyOnly', false);
  const { signingKey, verifyingKey } = verifyOnly
    ? noSigningKey(options)
    : algorithm.startsWith('HS')
      ? hmacKeys(options, algorithm)
      : asymmetricKeys(options, algorithm);
  const { keyId, keys } = keyRing(options, algorithm, verifyingKey);
  const remoteJwks = jwksSource(options, verifyOnly);
  if (options.getUserSecretKey !== undefined && (!algorithm.startsWith('HS') || verifyOnly)) {
    throw new JwtAuthConfigError(
      'getUserSecretKey',
      `needs an HS algorithm and a secretKey (algorithm is ${algorithm}${verifyOnly ? ', verifyOnly' : ''})`,
    );
  }
  if (verifyOnly && keys.size === 0 && remoteJwks === undefined) {
    throw new JwtAuthConfigError('verifyOnly', 'needs keys to verify with: jwksUrl, verifyKeys, or both');
  }

  const expirationDelta = duration(options, 'expirationDelta', DEFAULTS.expirationDelta);
  if (expirationDelta === 0) {
    throw new JwtAuthConfigError('expirationDelta', 'must be at least one second');
  }
  const authHeaderPrefix = options.authHeaderPrefix ?? DEFAULTS.authHeaderPrefix;
  if (typeof authHeaderPrefix !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(authHeaderPrefix)) {
    throw new JwtAuthConfigError('authHeaderPrefix', 'must be a single word such as "JWT" or "Bearer"');
  }
  const errorFormat = options.errorFormat ?? DEFAULTS.errorFormat;
  if (errorFormat !== 'nest' && errorFormat !== 'drf') {
    throw new JwtAuthConfigError('errorFormat', `must be "nest" or "drf" (got ${JSON.stringify(errorFormat)})`);
  }
  const strategyName = options.strategyName ?? DEFAULTS.strategyName;
  if (typeof strategyName !== 'string' || strategyName === '') {
    throw new JwtAuthConfigError('strategyName', 'must be a non-empty string');
  }

  return {
    algorithm,
    signingKey,
    verifyingKey,
    keyId,
    keys,
    verifyOnly,
    remoteJwks,
    verifyExpiration: flag(options, 'verifyExpiration', true),
    requireExpiration: flag(options, 'requireExpiration', true),
    leeway: duration(options, 'leeway', DEFAULTS.leeway),
    expirationDelta,
    refreshExpirationDelta: duration(options, 'refreshExpirationDelta', DEFAULTS.refreshExpirationDelta),
    audience: optionalString(options, 'audience'),
    issuer: optionalString(options, 'issuer'),
    allowRefresh: flag(options, 'allowRefresh', false),
    authHeaderPrefix,
    includeIssuedAt: flag(options, 'includeIssuedAt', true),
    includeTokenId: flag(options, 'includeTokenId', true),
    errorFormat,
    strategyName,
    userCacheTtl: duration(options, 'userCacheTtl', 0),
    stateless: flag(options, 'stateless', false),
    loginThrottle: loginThrottle(options.loginThrottle),
    ...lifecycle(options),
    payloadHandler: handler(options, 'payloadHandler'),
    responsePayloadHandler: handler(options, 'responsePayloadHandler'),
    getUsernameFromPayload: handler(options, 'getUsernameFromPayload') ?? ((payload: JwtPayload) => payload.username),
    hooks: hooks(options.hooks),
  };
}

function hooks(raw: unknown): ResolvedHooks {
  const read = readHooks(raw);
  if ('problem' in read) throw new JwtAuthConfigError(read.option, read.problem);
  return read.hooks;
}

/** Revocation, rotation and cookie mode. */
function lifecycle(options: JwtAuthModuleOptions<object>) {
  const store = options.revocationStore;
  if (store !== undefined && (store === null || typeof store !== 'object' || typeof store.lookup !== 'function')) {
    throw new JwtAuthConfigError('revocationStore', 'must implement RevocationStore (lookup, markToken, ...)');
  }
  const status = options.revocationUnavailableStatus ?? 503;
  if (status !== 401 && status !== 503) {
    throw new JwtAuthConfigError('revocationUnavailableStatus', `must be 401 or 503 (got ${JSON.stringify(status)})`);
  }
  const rotateOnRefresh = flag(options, 'rotateOnRefresh', false);
  if (rotateOnRefresh && options.includeTokenId === false) {
    throw new JwtAuthConfigError('rotateOnRefresh', 'needs includeTokenId: a token is revoked by its jti');
  }
  const authCookie = cookieSettings(options.authCookie);
  const csrfOption = options.csrf ?? authCookie !== undefined;
  if (typeof csrfOption !== 'boolean' && (csrfOption === null || typeof csrfOption !== 'object')) {
    throw new JwtAuthConfigError('csrf', 'must be true, false or { cookieName, headerName }');
  }
  let csrf: JwtAuthSettings['csrf'];
  if (authCookie !== undefined && csrfOption !== false) {
    const given: CsrfOptions = csrfOption === true ? {} : csrfOption;
    csrf = {
      cookieName: httpToken('csrf.cookieName', given.cookieName, 'csrftoken', 'a cookie name'),
      // Node lower-cases the header names it receives.
      headerName: httpToken('csrf.headerName', given.headerName, 'X-CSRFToken', 'an HTTP header name').toLowerCase(),
    };
    if (csrf.cookieName === authCookie.name) {
      throw new JwtAuthConfigError('csrf.cookieName', 'must differ from the token cookie name');
    }
  }
  return {
    revocationStore: store,
    revocationUnavailableStatus: status,
    rotateOnRefresh,
    authCookie,
    csrf,
    getUserSecretKey: handler(options, 'getUserSecretKey'),
  };
}

/** RFC 9110's token: what cookie and header names are made of. */
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function httpToken(option: string, value: unknown, fallback: string | undefined, what: string): string {
  const name = value ?? fallback;
  if (typeof name !== 'string' || !HTTP_TOKEN.test(name)) {
    throw new JwtAuthConfigError(
      option,
      `must be ${what} (letters, digits, !#$%&'*+.^_\`|~-), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

function cookieSettings(option: string | AuthCookieOptions | undefined): AuthCookieSettings | undefined {
  if (option === undefined) return undefined;
  const given: AuthCookieOptions = typeof option === 'string' ? { name: option } : option;
  if (given === null || typeof given !== 'object') {
    throw new JwtAuthConfigError(
      'authCookie',
      'must be a cookie name or { name, secure, sameSite, path, domain, maxAge }',
    );
  }
  const sameSite = given.sameSite ?? 'lax';
  if (sameSite !== 'lax' && sameSite !== 'strict' && sameSite !== 'none') {
    throw new JwtAuthConfigError(
      'authCookie.sameSite',
      `must be "lax", "strict" or "none" (got ${JSON.stringify(sameSite)})`,
    );
  }
  const secure = given.secure ?? true;
  if (typeof secure !== 'boolean') throw new JwtAuthConfigError('authCookie.secure', 'must be a boolean');
  if (sameSite === 'none' && !secure) {
    throw new JwtAuthConfigError('authCookie.sameSite', 'is "none", which browsers only accept with secure: true');
  }
  const path = given.path ?? '/';
  if (typeof path !== 'string' || !/^\/[\x21-\x3a\x3c-\x7e]*$/.test(path)) {
    throw new JwtAuthConfigError('authCookie.path', 'must be a path starting with "/" without ";" or spaces');
  }
  const domain = given.domain;
  if (domain !== undefined && (typeof domain !== 'string' || !/^\.?[A-Za-z0-9.-]+$/.test(domain))) {
    throw new JwtAuthConfigError('authCookie.domain', 'must be a host name');
  }
  const maxAge = given.maxAge === undefined ? undefined : duration(given, 'maxAge', 0, 'authCookie.maxAge');
  return {
    name: httpToken('authCookie.name', given.name, undefined, 'a cookie name'),
    secure,
    sameSite,
    path,
    domain,
    maxAge,
  };
}

function hmacKeys(options: JwtAuthModuleOptions<object>, algorithm: string) {
  if (options.privateKey !== undefined || options.publicKey !== undefined) {
    throw new JwtAuthConfigError(
      'algorithm',
      `is ${algorithm}, an HMAC algorithm, but privateKey/publicKey are set: use an RS, PS, ES or EdDSA algorithm, or secretKey`,
    );
  }
  const key = buildSecret('secretKey', options.secretKey, algorithm);
  return { signingKey: key, verifyingKey: key };
}

/** An HMAC secret as a KeyObject, at least as long as the algorithm's hash. */
function buildSecret(option: string, secret: KeyInput | undefined | null, algorithm: string): KeyObject {
  if (secret === undefined || secret === null || secret === '') {
    throw new JwtAuthConfigError(option, `is required for ${algorithm}`);
  }
  let key: KeyObject;
  if (secret instanceof KeyObject) {
    if (secret.type !== 'secret') {
      throw new JwtAuthConfigError(option, `must be a secret key for ${algorithm}, not a ${secret.type} key`);
    }
    key = secret;
  } else if (typeof secret === 'string' || Buffer.isBuffer(secret)) {
    key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
  } else if (isJwk(secret) && secret.kty === 'oct' && typeof secret.k === 'string') {
    key = createSecretKey(Buffer.from(secret.k, 'base64url'));
  } else {
    throw new JwtAuthConfigError(option, 'must be a string, a Buffer, a JWK of kty "oct" or a secret KeyObject');
  }
  const minimum = MIN_SECRET_BYTES[algorithm];
  const length = key.symmetricKeySize ?? 0;
  if (length < minimum) {
    throw new JwtAuthConfigError(
      option,
      `is ${length} bytes long; ${algorithm} needs at least ${minimum} random bytes`,
    );
  }
  return key;
}

function asymmetricKeys(options: JwtAuthModuleOptions<object>, algorithm: string) {
  if (options.secretKey !== undefined) {
    throw new JwtAuthConfigError(
      'secretKey',
      `is set, but algorithm ${algorithm} signs with privateKey/publicKey: remove secretKey or use an HS algorithm`,
    );
  }
  if (options.privateKey === undefined) {
    throw new JwtAuthConfigError('privateKey', `is required for ${algorithm}`);
  }
  const signingKey = buildKey('privateKey', options.privateKey, 'private');
  const verifyingKey =
    options.publicKey === undefined ? createPublicKey(signingKey) : buildKey('publicKey', options.publicKey, 'public');
  checkKeyFits('privateKey', signingKey, algorithm);
  checkKeyFits('publicKey', verifyingKey, algorithm);
  return { signingKey, verifyingKey };
}

/** verifyOnly: no key of one's own may be given (it would suggest tokens are signed here). */
function noSigningKey(options: JwtAuthModuleOptions<object>): { signingKey?: KeyObject; verifyingKey?: KeyObject } {
  for (const name of ['secretKey', 'privateKey', 'publicKey'] as const) {
    if (options[name] !== undefined) {
      throw new JwtAuthConfigError(
        name,
        'is set, but verifyOnly signs nothing: give the keys as verifyKeys or jwksUrl',
      );
    }
  }
  return {};
}

function jwksSource(options: JwtAuthModuleOptions<object>, verifyOnly: boolean): JwtAuthSettings['remoteJwks'] {
  if (options.jwksUrl === undefined) return undefined;
  if (!verifyOnly) throw new JwtAuthConfigError('jwksUrl', 'is for verifyOnly: this app signs its own tokens');
  let url: URL;
  try {
    url = new URL(options.jwksUrl);
  } catch {
    throw new JwtAuthConfigError('jwksUrl', `is not a URL (got ${JSON.stringify(options.jwksUrl)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new JwtAuthConfigError('jwksUrl', 'must be an https (or http) URL');
  }
  return { url, cooldown: duration(options, 'jwksCooldown', 30) };
}

/** An asymmetric key must be of the algorithm's type (and curve): no key confusion. */
function checkKeyFits(option: string, key: KeyObject, algorithm: string): void {
  const types = KEY_TYPES[algorithm === 'EdDSA' ? algorithm : algorithm.slice(0, 2)];
  if (!types.includes(key.asymmetricKeyType ?? '')) {
    throw new JwtAuthConfigError(option, `is a ${key.asymmetricKeyType} key, which ${algorithm} cannot use`);
  }
  const curve = ES_CURVES[algorithm];
  if (curve && key.asymmetricKeyDetails?.namedCurve !== curve) {
    throw new JwtAuthConfigError(option, `must be on curve ${curve} for ${algorithm}`);
  }
}

/**
 * The keys a token may name by `kid`: the signing key under `keyId` (when set) and each of
 * `verifyKeys`, every one with its own algorithm, so that no key is ever tried with another
 * algorithm's verification (no key confusion across a rotation).
 */
function keyRing(
  options: JwtAuthModuleOptions<object>,
  algorithm: JwtAlgorithm,
  verifyingKey: KeyObject | undefined,
): { keyId?: string; keys: ReadonlyMap<string, VerificationKey> } {
  const keyId = options.keyId;
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) {
    throw new JwtAuthConfigError('keyId', 'must be a non-empty string');
  }
  if (keyId !== undefined && verifyingKey === undefined) {
    throw new JwtAuthConfigError('keyId', 'names the signing key, and verifyOnly has none: remove it');
  }
  const keys = new Map<string, VerificationKey>();
  if (keyId !== undefined && verifyingKey !== undefined) keys.set(keyId, { algorithm, key: verifyingKey });
  const extra = options.verifyKeys ?? [];
  if (!Array.isArray(extra)) throw new JwtAuthConfigError('verifyKeys', 'must be an array of { kid, key, algorithm? }');
  extra.forEach((entry, index) => {
    const option = `verifyKeys[${index}]`;
    if (typeof entry?.kid !== 'string' || entry.kid === '') {
      throw new JwtAuthConfigError(`${option}.kid`, 'must be a non-empty string');
    }
    if (keys.has(entry.kid))
      throw new JwtAuthConfigError(`${option}.kid`, `repeats the key id ${JSON.stringify(entry.kid)}`);
    const entryAlgorithm = entry.algorithm ?? algorithm;
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(entryAlgorithm)) {
      throw new JwtAuthConfigError(`${option}.algorithm`, `must be one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
    }
    let key: KeyObject;
    if (entryAlgorithm.startsWith('HS')) {
      key = buildSecret(`${option}.key`, entry.key, entryAlgorithm);
    } else {
      key = buildKey(`${option}.key`, entry.key, 'public');
      checkKeyFits(`${option}.key`, key, entryAlgorithm);
    }
    keys.set(entry.kid, { algorithm: entryAlgorithm, key });
  });
  return { keyId, keys };
}

function buildKey(option: string, input: KeyInput, type: 'private' | 'public'): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type !== type) {
      throw new JwtAuthConfigError(option, `must be a ${type} key, not a ${input.type} key`);
    }
    return input;
  }
  let source: string | Buffer | { key: JsonWebKey; format: 'jwk' };
  let file = '';
  if (isJwk(input)) {
    source = { key: input, format: 'jwk' };
  } else if (Buffer.isBuffer(input) || (typeof input === 'string' && PEM.test(input))) {
    source = input;
  } else if (typeof input === 'string' && input !== '') {
    source = readKeyFile(option, input);
    file = `file ${JSON.stringify(input)}: `;
  } else {
    throw new JwtAuthConfigError(option, 'must be PEM text, the path of a PEM file, a Buffer, a JWK or a KeyObject');
  }
  try {
    return type === 'private' ? createPrivateKey(source) : createPublicKey(source);
  } catch (error) {
    throw new JwtAuthConfigError(option, `is not a readable ${type} key (${file}${(error as Error).message})`);
  }
}

/** PEM text carries its armour; any other string is taken as the path of a PEM file. */
const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

/** A key file, read once at start-up. */
function readKeyFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    // Only what looks like a path is shown: anything else may be a mangled key, kept out of logs.
    // Base64 has "/" but no "-_.~", base64url "-_" but no "/": a string that is neither is shown.
    const pathLike = /[.~]/.test(path) || (/[/\\]/.test(path) && /[-_]/.test(path));
    const looksLikePath = path.length <= 1024 && /^[\w./~:\\-]+$/.test(path) && pathLike;
    const shown = looksLikePath ? `${JSON.stringify(path)}: ` : '';
    throw new JwtAuthConfigError(option, `is neither PEM text nor the path of a readable file (${shown}${code})`);
  }
}

/** A JWK object: a plain object with a string `kty` (never a KeyObject or a Buffer). */
function isJwk(input: unknown): input is JsonWebKey {
  return (
    typeof input === 'object' &&
    input !== null &&
    !(input instanceof KeyObject) &&
    !Buffer.isBuffer(input) &&
    typeof (input as JsonWebKey).kty === 'string'
  );
}

function duration<T extends object>(
  options: T,
  name: keyof T & string,
  fallback: number,
  label: string = name,
): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const seconds = parseDuration(raw as Duration);
  if (seconds === undefined) {
    throw new JwtAuthConfigError(
      label,
      `must be a number of seconds or a string such as "5m" or "7d" (got ${JSON.stringify(raw)})`,
    );
  }
  if (seconds < 0) {
    throw new JwtAuthConfigError(label, `must not be negative (got ${JSON.stringify(raw)})`);
  }
  return seconds;
}

function flag(options: JwtAuthModuleOptions<object>, name: keyof JwtAuthModuleOptions, fallback: boolean): boolean {
  const raw = options[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') {
    throw new JwtAuthConfigError(name, `must be true or false (got ${JSON.stringify(raw)})`);
  }
  return raw;
}

function optionalString(options: JwtAuthModuleOptions<object>, name: 'audience' | 'issuer'): string | undefined {
  const raw = options[name];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || raw === '') {
    throw new JwtAuthConfigError(name, 'must be a non-empty string');
  }
  return raw;
}

function handler<K extends 'payloadHandler' | 'responsePayloadHandler' | 'getUsernameFromPayload' | 'getUserSecretKey'>(
  options: JwtAuthModuleOptions<object>,
  name: K,
): JwtAuthSettings[K] | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'function') {
    throw new JwtAuthConfigError(name, 'must be a function');
  }
  return raw.bind(options) as JwtAuthSettings[K];
}

function loginThrottle(raw: JwtAuthModuleOptions['loginThrottle']): LoginThrottleSettings | false {
  if (raw === false) return false;
  if (raw === undefined || raw === true) return { ...LOGIN_THROTTLE_DEFAULTS };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new JwtAuthConfigError('loginThrottle', `must be false, true or an object (got ${JSON.stringify(raw)})`);
  }
  const options: LoginThrottleOptions = raw;
  const limit = attemptCount('loginThrottle.limit', options.limit, LOGIN_THROTTLE_DEFAULTS.limit);
  const perAddressLimit =
    options.perAddressLimit === false
      ? false
      : attemptCount('loginThrottle.perAddressLimit', options.perAddressLimit, LOGIN_THROTTLE_DEFAULTS.perAddressLimit);
  let ttl: number = LOGIN_THROTTLE_DEFAULTS.ttl;
  if (options.ttl !== undefined) {
    const seconds = parseDuration(options.ttl);
    if (seconds === undefined || seconds < 1) {
      throw new JwtAuthConfigError(
        'loginThrottle.ttl',
        `must be at least one second: a number of seconds or a string such as "1m" (got ${JSON.stringify(options.ttl)})`,
      );
    }
    ttl = seconds;
  }
  const storage: unknown = options.storage;
  if (
    storage !== undefined &&
    (storage === null || typeof storage !== 'object' || typeof (storage as ThrottlerStorage).increment !== 'function')
  ) {
    throw new JwtAuthConfigError(
      'loginThrottle.storage',
      'must be a ThrottlerStorage from @nestjs/throttler (an object with an increment() method)',
    );
  }
  return { limit, ttl, perAddressLimit, storage: storage as ThrottlerStorage | undefined };
}

function attemptCount(name: string, raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 1) {
    throw new JwtAuthConfigError(name, `must be a whole number of attempts, at least 1 (got ${JSON.stringify(raw)})`);
  }
  return raw;
}
