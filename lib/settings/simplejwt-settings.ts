import { JwtAuthConfigError } from '../common/errors.js';
import type { AuthCookieSettings, CsrfSettings } from '../cookies/cookie-settings.js';
import { duration, flag, HTTP_TOKEN, httpToken, optionalString } from '../common/option-validators.js';
import { SIMPLE_JWT_DEFAULTS, SIMPLE_JWT_PATHS } from './defaults.js';
import type { SimpleJwtAuthTokenType, SimpleJwtOptions, SimpleJwtPaths, TokenProtocol } from './simplejwt-options.js';

/** `simpleJwt` after validation: defaults applied, durations in seconds. */
export interface SimpleJwtSettings {
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  rotateRefreshTokens: boolean;
  blacklistAfterRotation: boolean;
  updateLastLogin: boolean;
  /** The first is named by `WWW-Authenticate`; compared case-sensitively. */
  authHeaderTypes: readonly string[];
  userIdField: string;
  userIdClaim: string;
  tokenTypeClaim: string;
  jtiClaim: string;
  checkUserIsActive: boolean;
  checkRevokeToken: boolean;
  revokeTokenClaim: string;
  slidingTokenRefreshExpClaim: string;
  slidingTokenLifetime: number;
  slidingTokenRefreshLifetime: number;
  slidingTokens: boolean;
  authTokenClasses: readonly SimpleJwtAuthTokenType[];
  audience?: string;
  issuer?: string;
  leeway: number;
  refreshCookie?: string;
  /** Cookie mode: the refresh cookie's attributes (the module's `authCookie`'s, else its defaults) and CSRF. */
  refreshCookieMode?: { cookie: AuthCookieSettings; csrf?: CsrfSettings };
}

export const TOKEN_PROTOCOLS = ['drf-jwt', 'simplejwt', 'both'] as const satisfies readonly TokenProtocol[];

/** Whether the protocol serves simplejwt's endpoints and accepts its tokens. */
export const speaksSimpleJwt = (protocol: TokenProtocol): boolean => protocol !== 'drf-jwt';
/** Whether the protocol serves djangorestframework-jwt's endpoints and accepts its tokens. */
export const speaksDrfJwt = (protocol: TokenProtocol): boolean => protocol !== 'simplejwt';

/** The `tokenProtocol` module-shaping option (default `'drf-jwt'`). */
export function tokenProtocolOf(raw: unknown): TokenProtocol {
  if (raw === undefined) return 'drf-jwt';
  if (!(TOKEN_PROTOCOLS as readonly unknown[]).includes(raw)) {
    throw new JwtAuthConfigError(
      'tokenProtocol',
      `must be "drf-jwt", "simplejwt" or "both" (got ${JSON.stringify(raw)})`,
    );
  }
  return raw as TokenProtocol;
}

/** A path segment list such as `api/token/refresh`: no query, no spaces, no route parameters. */
const PATH = /^\/?[A-Za-z0-9._~!$&'()*+,;=@-]+(\/[A-Za-z0-9._~!$&'()*+,;=@-]+)*\/?$/;

/** The `simpleJwtPaths` module-shaping option: each path without slashes around it, none twice. */
export function simpleJwtPathsOf(raw: unknown): Required<SimpleJwtPaths> {
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    throw new JwtAuthConfigError('simpleJwtPaths', 'must be an object such as { obtain: "api/token" }');
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(SIMPLE_JWT_PATHS, key)) {
      throw new JwtAuthConfigError(
        `simpleJwtPaths.${key}`,
        `is unknown: the paths are ${Object.keys(SIMPLE_JWT_PATHS).join(', ')}`,
      );
    }
  }
  const paths = { ...SIMPLE_JWT_PATHS } as Record<keyof SimpleJwtPaths, string>;
  for (const name of Object.keys(SIMPLE_JWT_PATHS) as (keyof SimpleJwtPaths)[]) {
    const value = given[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !PATH.test(value)) {
      throw new JwtAuthConfigError(
        `simpleJwtPaths.${name}`,
        `must be a path such as "${SIMPLE_JWT_PATHS[name]}" (got ${JSON.stringify(value)})`,
      );
    }
    paths[name] = value.replace(/^\/+|\/+$/g, '');
  }
  const seen = new Set<string>();
  for (const [name, path] of Object.entries(paths)) {
    if (seen.has(path)) throw new JwtAuthConfigError(`simpleJwtPaths.${name}`, `repeats the path "${path}"`);
    seen.add(path);
  }
  return paths;
}

/** Validates `simpleJwt` (every name is checked by option-names.ts first). Throws JwtAuthConfigError. */
export function resolveSimpleJwtSettings(raw: SimpleJwtOptions | undefined): SimpleJwtSettings {
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    throw new JwtAuthConfigError('simpleJwt', 'must be an object of simplejwt settings');
  }
  const options = raw ?? {};
  const D = SIMPLE_JWT_DEFAULTS;
  const name = (key: keyof SimpleJwtOptions) => `simpleJwt.${key}`;
  const positive = (
    key: 'accessTokenLifetime' | 'refreshTokenLifetime' | 'slidingTokenLifetime' | 'slidingTokenRefreshLifetime',
  ) => {
    const seconds = duration(options[key], name(key), D[key]);
    if (seconds === 0) throw new JwtAuthConfigError(name(key), 'must be at least one second');
    return seconds;
  };
  const claim = (
    key:
      | 'userIdField'
      | 'userIdClaim'
      | 'tokenTypeClaim'
      | 'jtiClaim'
      | 'revokeTokenClaim'
      | 'slidingTokenRefreshExpClaim',
  ) => {
    const value: unknown = options[key] ?? D[key];
    if (typeof value !== 'string' || value === '')
      throw new JwtAuthConfigError(name(key), 'must be a non-empty string');
    return value;
  };
  const slidingTokens = flag(options.slidingTokens, name('slidingTokens'), D.slidingTokens);
  const rotateRefreshTokens = flag(options.rotateRefreshTokens, name('rotateRefreshTokens'), D.rotateRefreshTokens);
  const blacklistAfterRotation = flag(
    options.blacklistAfterRotation,
    name('blacklistAfterRotation'),
    D.blacklistAfterRotation,
  );
  const settings: SimpleJwtSettings = {
    accessTokenLifetime: positive('accessTokenLifetime'),
    refreshTokenLifetime: positive('refreshTokenLifetime'),
    rotateRefreshTokens,
    blacklistAfterRotation,
    updateLastLogin: flag(options.updateLastLogin, name('updateLastLogin'), D.updateLastLogin),
    authHeaderTypes: headerTypes(options.authHeaderTypes),
    userIdField: claim('userIdField'),
    userIdClaim: claim('userIdClaim'),
    tokenTypeClaim: claim('tokenTypeClaim'),
    jtiClaim: claim('jtiClaim'),
    checkUserIsActive: flag(options.checkUserIsActive, name('checkUserIsActive'), D.checkUserIsActive),
    checkRevokeToken: flag(options.checkRevokeToken, name('checkRevokeToken'), D.checkRevokeToken),
    revokeTokenClaim: claim('revokeTokenClaim'),
    slidingTokenRefreshExpClaim: claim('slidingTokenRefreshExpClaim'),
    slidingTokenLifetime: positive('slidingTokenLifetime'),
    slidingTokenRefreshLifetime: positive('slidingTokenRefreshLifetime'),
    slidingTokens,
    authTokenClasses: authTokenClasses(options.authTokenClasses, slidingTokens),
    audience: optionalString(options.audience, name('audience')),
    issuer: optionalString(options.issuer, name('issuer')),
    leeway: duration(options.leeway, name('leeway'), D.leeway),
    refreshCookie:
      options.refreshCookie === undefined
        ? undefined
        : httpToken(options.refreshCookie, name('refreshCookie'), undefined, 'a cookie name'),
  };
  const claims = [settings.userIdClaim, settings.tokenTypeClaim, settings.jtiClaim];
  if (new Set(claims).size !== claims.length) {
    throw new JwtAuthConfigError(name('userIdClaim'), 'userIdClaim, tokenTypeClaim and jtiClaim must be three claims');
  }
  return Object.freeze(settings);
}

/** AUTH_HEADER_TYPES: one scheme or several, each an RFC 9110 token, none twice. */
function headerTypes(raw: unknown): readonly string[] {
  const given: unknown = raw ?? SIMPLE_JWT_DEFAULTS.authHeaderTypes;
  const list: unknown[] = Array.isArray(given) ? given : [given];
  const problem = 'must be a scheme such as "Bearer", or a non-empty list of them (letters, digits, !#$%&\'*+.^_`|~-)';
  if (list.length === 0 || list.some((scheme) => typeof scheme !== 'string' || !HTTP_TOKEN.test(scheme))) {
    throw new JwtAuthConfigError('simpleJwt.authHeaderTypes', `${problem} (got ${JSON.stringify(given)})`);
  }
  if (new Set(list).size !== list.length) {
    throw new JwtAuthConfigError('simpleJwt.authHeaderTypes', `lists a scheme twice (got ${JSON.stringify(given)})`);
  }
  return Object.freeze([...(list as string[])]);
}

function authTokenClasses(raw: unknown, slidingTokens: boolean): readonly SimpleJwtAuthTokenType[] {
  if (raw === undefined) return slidingTokens ? ['sliding'] : ['access'];
  const allowed: readonly unknown[] = ['access', 'sliding'];
  if (
    !Array.isArray(raw) ||
    raw.length === 0 ||
    raw.some((type) => !allowed.includes(type)) ||
    new Set(raw).size !== raw.length
  ) {
    throw new JwtAuthConfigError(
      'simpleJwt.authTokenClasses',
      `must be a non-empty list of "access" and/or "sliding" (got ${JSON.stringify(raw)})`,
    );
  }
  return Object.freeze([...(raw as SimpleJwtAuthTokenType[])]);
}
