import type { KeyObject } from 'node:crypto';
import { JwtAuthConfigError } from '../common/errors.js';
import {
  type AnyRequest,
  type ErrorFormat,
  isSupportedAlgorithm,
  type JwtAlgorithm,
  type JwtPayload,
  SUPPORTED_ALGORITHMS,
} from '../common/jwt.js';
import { callback, duration, flag, HTTP_TOKEN, oneOf, optionalString } from '../common/option-validators.js';
import { type AuthCookieSettings, type CsrfSettings, resolveCookieSettings } from '../cookies/cookie-settings.js';
import { isLoginDtoClass, LoginDto, type LoginDtoClass, loginBodyClass } from '../bodies/login.dto.js';
import { readHooks, type ResolvedHooks } from '../events/jwt-auth-hooks.js';
import { isHmac } from '../keys/algorithms.js';
import { buildKeyRing, type KeyRing } from '../keys/key-ring.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import { type LoginThrottleSettings, resolveLoginThrottle } from '../throttle/login-throttle-settings.js';
import { DEFAULTS } from './defaults.js';
import { type PermissionSettings, resolvePermissionSettings } from './permission-settings.js';
import type { JwtAuthModuleOptions } from './jwt-auth-options.interface.js';
import { checkNames, type OptionsSource } from './option-names.js';
import { resolveConnectionParamsKey, resolveRpcSettings, type RpcCredentialsSettings } from './transport-settings.js';
import type { TokenProtocol } from './simplejwt-options.js';
import { resolveSimpleJwtSettings, type SimpleJwtSettings, speaksSimpleJwt } from './simplejwt-settings.js';

/** The options after validation: defaults applied, durations in seconds, keys built once. */
export interface JwtAuthSettings extends KeyRing {
  algorithm: JwtAlgorithm;
  /** Tokens are only verified here (`verifyOnly`): no signing key, no login, no refresh. */
  verifyOnly: boolean;
  /** With `verifyOnly`: the issuer's JWKS and the least seconds between two fetches. */
  remoteJwks?: { url: URL; cooldown: number };
  verifyExpiration: boolean;
  requireExpiration: boolean;
  leeway: number;
  expirationDelta: number;
  refreshExpirationDelta: number;
  audience?: string;
  issuer?: string;
  allowRefresh: boolean;
  /** The first accepted Authorization scheme: the one the `WWW-Authenticate` challenge names. */
  authHeaderPrefix: string;
  /** Every accepted Authorization scheme (simplejwt's AUTH_HEADER_TYPES), the first first. */
  authHeaderPrefixes: readonly string[];
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
  /** Seconds a refreshed token's successor is answered again, under rotation (0: never). */
  rotationGracePeriod: number;
  /** Cookie mode: the token cookie (`maxAge` in seconds) and the CSRF defence, when on. */
  authCookie?: AuthCookieSettings;
  csrf?: CsrfSettings;
  payloadHandler?: (user: object, defaults: JwtPayload) => JwtPayload;
  responsePayloadHandler?: (token: string, user: object, request: AnyRequest) => object;
  getUsernameFromPayload: (payload: JwtPayload) => unknown;
  /** JWT_GET_USER_SECRET_KEY (HS algorithms only). */
  getUserSecretKey?: (user: object) => string | Buffer | KeyObject;
  /** The `hooks` callbacks, each checked to be a function; `{}` when none. */
  hooks: ResolvedHooks;
  /** Where microservice messages carry their token. */
  rpc: RpcCredentialsSettings;
  /** The graphql-ws connection parameter that carries the token of a subscription. */
  connectionParamsKey: string;
  /** The `permissions` option: default permission classes, claim names. */
  permissions: PermissionSettings;
  /** The login body's username field (Django's USERNAME_FIELD). */
  usernameField: string;
  /** The class the login body is validated with: `loginDto` plus the username field. */
  loginBody: LoginDtoClass;
  /** The module-shaping `tokenProtocol`. */
  tokenProtocol: TokenProtocol;
  /** simplejwt's settings, when the protocol speaks it. */
  simpleJwt?: SimpleJwtSettings;
}

/**
 * Validates the options once, at start-up, and builds the keys. Throws JwtAuthConfigError.
 * `source` (where the options came from) only words the error for a module-shaping option
 * returned by `forRootAsync`'s factory.
 */
export function resolveSettings(
  options: JwtAuthModuleOptions<object> | undefined,
  source: OptionsSource = 'forRoot',
  tokenProtocol: TokenProtocol = 'drf-jwt',
): JwtAuthSettings {
  if (options === null || typeof options !== 'object') {
    throw new JwtAuthConfigError('options', 'must be an object');
  }
  // Names first: a typo is the likeliest cause of whatever else looks wrong.
  checkNames(options, source);
  const algorithm: unknown = options.algorithm ?? DEFAULTS.algorithm;
  if (!isSupportedAlgorithm(algorithm)) {
    throw new JwtAuthConfigError(
      'algorithm',
      `must be one of ${SUPPORTED_ALGORITHMS.join(', ')} (got ${JSON.stringify(algorithm)})`,
    );
  }
  const verifyOnly = flag(options.verifyOnly, 'verifyOnly', DEFAULTS.verifyOnly);
  const keyRing = buildKeyRing(options, algorithm, verifyOnly);
  const remoteJwks = jwksSource(options, verifyOnly);
  if (options.getUserSecretKey !== undefined && (!isHmac(algorithm) || verifyOnly)) {
    throw new JwtAuthConfigError(
      'getUserSecretKey',
      `needs an HS algorithm and a secretKey (algorithm is ${algorithm}${verifyOnly ? ', verifyOnly' : ''})`,
    );
  }
  if (verifyOnly && keyRing.keys.size === 0 && remoteJwks === undefined) {
    throw new JwtAuthConfigError('verifyOnly', 'needs keys to verify with: jwksUrl, verifyKeys, or both');
  }

  const expirationDelta = duration(options.expirationDelta, 'expirationDelta', DEFAULTS.expirationDelta);
  if (expirationDelta === 0) {
    throw new JwtAuthConfigError('expirationDelta', 'must be at least one second');
  }
  const authHeaderPrefixes = headerPrefixes(options.authHeaderPrefix);
  const strategyName = options.strategyName ?? DEFAULTS.strategyName;
  if (typeof strategyName !== 'string' || strategyName === '') {
    throw new JwtAuthConfigError('strategyName', 'must be a non-empty string');
  }

  return {
    algorithm,
    ...keyRing,
    verifyOnly,
    remoteJwks,
    verifyExpiration: flag(options.verifyExpiration, 'verifyExpiration', DEFAULTS.verifyExpiration),
    requireExpiration: flag(options.requireExpiration, 'requireExpiration', DEFAULTS.requireExpiration),
    leeway: duration(options.leeway, 'leeway', DEFAULTS.leeway),
    expirationDelta,
    refreshExpirationDelta: duration(
      options.refreshExpirationDelta,
      'refreshExpirationDelta',
      DEFAULTS.refreshExpirationDelta,
    ),
    audience: optionalString(options.audience, 'audience'),
    issuer: optionalString(options.issuer, 'issuer'),
    allowRefresh: flag(options.allowRefresh, 'allowRefresh', DEFAULTS.allowRefresh),
    authHeaderPrefix: authHeaderPrefixes[0],
    authHeaderPrefixes,
    includeIssuedAt: flag(options.includeIssuedAt, 'includeIssuedAt', DEFAULTS.includeIssuedAt),
    includeTokenId: flag(options.includeTokenId, 'includeTokenId', DEFAULTS.includeTokenId),
    errorFormat: oneOf(options.errorFormat, 'errorFormat', ['nest', 'drf'] as const, DEFAULTS.errorFormat),
    strategyName,
    userCacheTtl: duration(options.userCacheTtl, 'userCacheTtl', DEFAULTS.userCacheTtl),
    stateless: flag(options.stateless, 'stateless', DEFAULTS.stateless),
    loginThrottle: resolveLoginThrottle(options.loginThrottle),
    ...revocation(options),
    ...resolveCookieSettings(options.authCookie, options.csrf),
    payloadHandler: callback(options.payloadHandler, 'payloadHandler', options),
    responsePayloadHandler: callback(options.responsePayloadHandler, 'responsePayloadHandler', options),
    getUsernameFromPayload:
      callback(options.getUsernameFromPayload, 'getUsernameFromPayload', options) ??
      ((payload: JwtPayload) => payload.username),
    getUserSecretKey: callback(options.getUserSecretKey, 'getUserSecretKey', options),
    hooks: hooks(options.hooks),
    rpc: resolveRpcSettings(options.rpc),
    connectionParamsKey: resolveConnectionParamsKey(options.connectionParamsKey),
    permissions: resolvePermissionSettings(options.permissions),
    ...loginBody(options),
    tokenProtocol,
    simpleJwt: simpleJwt(options, tokenProtocol, verifyOnly),
  };
}

/** `usernameField` and `loginDto`: the class the login body is validated with. */
function loginBody(options: JwtAuthModuleOptions<object>): Pick<JwtAuthSettings, 'usernameField' | 'loginBody'> {
  const usernameField = options.usernameField ?? DEFAULTS.usernameField;
  if (typeof usernameField !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(usernameField)) {
    throw new JwtAuthConfigError('usernameField', 'must be a field name (letters, digits and _, not first a digit)');
  }
  if (usernameField === 'password' || usernameField === '__proto__' || usernameField === 'constructor') {
    throw new JwtAuthConfigError('usernameField', `cannot be "${usernameField}"`);
  }
  const dto: unknown = options.loginDto ?? LoginDto;
  if (!isLoginDtoClass(dto)) {
    throw new JwtAuthConfigError('loginDto', 'must be LoginDto (nest-rest-jwt/login) or a class extending it');
  }
  return { usernameField, loginBody: loginBodyClass(dto, usernameField) };
}

/** `simpleJwt`: only with a protocol that speaks it, and with keys this app signs with, shared by all. */
function simpleJwt(
  options: JwtAuthModuleOptions<object>,
  protocol: TokenProtocol,
  verifyOnly: boolean,
): SimpleJwtSettings | undefined {
  if (!speaksSimpleJwt(protocol)) {
    if (options.simpleJwt !== undefined) {
      throw new JwtAuthConfigError(
        'simpleJwt',
        'is set, but tokenProtocol is "drf-jwt": give tokenProtocol: "simplejwt" or "both" to forRoot (beside the factory with forRootAsync)',
      );
    }
    return undefined;
  }
  if (verifyOnly) throw new JwtAuthConfigError('verifyOnly', `is not available with tokenProtocol "${protocol}"`);
  if (options.getUserSecretKey !== undefined) {
    throw new JwtAuthConfigError(
      'getUserSecretKey',
      `is djangorestframework-jwt's: simplejwt signs every token with the module's key (tokenProtocol is "${protocol}")`,
    );
  }
  const settings = resolveSimpleJwtSettings(options.simpleJwt);
  if (settings.refreshCookie === undefined) return settings;
  const csrfCookie = (typeof options.csrf === 'object' ? options.csrf.cookieName : undefined) ?? 'csrftoken';
  if (options.csrf !== false && csrfCookie === settings.refreshCookie) {
    throw new JwtAuthConfigError('simpleJwt.refreshCookie', 'must differ from the CSRF cookie name');
  }
  // The refresh cookie takes the token cookie's attributes and CSRF defence (on unless csrf: false).
  const { authCookie, csrf } = resolveCookieSettings(options.authCookie ?? settings.refreshCookie, options.csrf);
  if (authCookie === undefined) return settings;
  const cookie = { ...authCookie, name: settings.refreshCookie, maxAge: undefined };
  if (options.authCookie !== undefined && authCookie.name === cookie.name) {
    throw new JwtAuthConfigError('simpleJwt.refreshCookie', 'must differ from the token cookie name (authCookie)');
  }
  return Object.freeze({ ...settings, refreshCookieMode: { cookie, csrf } });
}

/**
 * `authHeaderPrefix`: one scheme or several (`['JWT', 'Bearer']`), each an RFC 9110 token,
 * none twice (compared case-insensitively, as requests are).
 */
function headerPrefixes(raw: unknown): readonly string[] {
  const given: unknown = raw ?? DEFAULTS.authHeaderPrefix;
  const list: unknown[] = Array.isArray(given) ? given : [given];
  const problem =
    'must be a scheme such as "JWT" or "Bearer", or a non-empty list of them (letters, digits, !#$%&\'*+.^_`|~-)';
  if (list.length === 0) throw new JwtAuthConfigError('authHeaderPrefix', `${problem} (got [])`);
  const seen = new Set<string>();
  for (const scheme of list) {
    if (typeof scheme !== 'string' || !HTTP_TOKEN.test(scheme)) {
      throw new JwtAuthConfigError('authHeaderPrefix', `${problem} (got ${JSON.stringify(given)})`);
    }
    if (seen.has(scheme.toLowerCase())) {
      throw new JwtAuthConfigError('authHeaderPrefix', `lists "${scheme}" twice (schemes are case-insensitive)`);
    }
    seen.add(scheme.toLowerCase());
  }
  return Object.freeze([...(list as string[])]);
}

function hooks(raw: unknown): ResolvedHooks {
  const read = readHooks(raw);
  if ('problem' in read) throw new JwtAuthConfigError(read.option, read.problem);
  return read.hooks;
}

/** Where revocations are kept, what an outage answers, and rotation. */
function revocation(options: JwtAuthModuleOptions<object>) {
  const store = options.revocationStore;
  if (store !== undefined && (store === null || typeof store !== 'object' || typeof store.lookup !== 'function')) {
    throw new JwtAuthConfigError('revocationStore', 'must implement RevocationStore (lookup, markToken, ...)');
  }
  const rotateOnRefresh = flag(options.rotateOnRefresh, 'rotateOnRefresh', DEFAULTS.rotateOnRefresh);
  if (rotateOnRefresh && options.includeTokenId === false) {
    throw new JwtAuthConfigError('rotateOnRefresh', 'needs includeTokenId: a token is revoked by its jti');
  }
  return {
    revocationStore: store,
    revocationUnavailableStatus: oneOf(
      options.revocationUnavailableStatus,
      'revocationUnavailableStatus',
      [401, 503] as const,
      DEFAULTS.revocationUnavailableStatus,
    ),
    rotateOnRefresh,
    rotationGracePeriod: rotationGracePeriod(options, store),
  };
}

/** The longest grace period: past a minute, reuse detection would be off in all but name. */
const MAX_ROTATION_GRACE_PERIOD = 60;

/**
 * Always parsed (a wrong value is refused even while rotation is off); the store is checked
 * under rotation only, since a store without `replaceToken` serves everything else.
 */
function rotationGracePeriod(options: JwtAuthModuleOptions<object>, store: RevocationStore | undefined): number {
  const grace = duration(options.rotationGracePeriod, 'rotationGracePeriod', DEFAULTS.rotationGracePeriod);
  if (grace > MAX_ROTATION_GRACE_PERIOD) {
    throw new JwtAuthConfigError(
      'rotationGracePeriod',
      `must be at most ${MAX_ROTATION_GRACE_PERIOD} seconds (got ${JSON.stringify(options.rotationGracePeriod)}): a longer one all but turns reuse detection off`,
    );
  }
  const rotates = options.rotateOnRefresh === true;
  if (rotates && grace > 0 && store !== undefined && typeof store.replaceToken !== 'function') {
    throw new JwtAuthConfigError(
      'rotationGracePeriod',
      'needs a revocationStore with replaceToken (the built-in stores have it): set rotationGracePeriod: 0, or implement replaceToken',
    );
  }
  return grace;
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
  return { url, cooldown: duration(options.jwksCooldown, 'jwksCooldown', DEFAULTS.jwksCooldown) };
}
