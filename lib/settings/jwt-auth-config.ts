import type { ErrorFormat, JwtAlgorithm } from '../common/jwt.js';
import type { AuthCookieSettings, CsrfSettings } from '../cookies/cookie-settings.js';
import type { JwtAuthSettings } from './jwt-auth-settings.js';

/**
 * What an app may read of the resolved settings (inject `JWT_AUTH_CONFIG`): names, lifetimes
 * and modes, frozen. Never a key: the settings that hold them stay inside the module.
 */
export interface JwtAuthConfig {
  readonly algorithm: JwtAlgorithm;
  readonly verifyOnly: boolean;
  readonly keyId?: string;
  /** The first accepted Authorization scheme (the one `WWW-Authenticate` names). */
  readonly authHeaderPrefix: string;
  readonly errorFormat: ErrorFormat;
  /** Seconds. */
  readonly expirationDelta: number;
  /** Seconds, counted from `orig_iat`. */
  readonly refreshExpirationDelta: number;
  readonly allowRefresh: boolean;
  readonly rotateOnRefresh: boolean;
  readonly stateless: boolean;
  /** Cookie mode's token cookie (`maxAge` in seconds), when on. */
  readonly authCookie?: Readonly<AuthCookieSettings>;
  /** Cookie mode's CSRF cookie and header (lower-cased), when on. */
  readonly csrf?: Readonly<CsrfSettings>;
}

export function publicConfigOf(settings: JwtAuthSettings): JwtAuthConfig {
  const { authCookie, csrf } = settings;
  return Object.freeze({
    algorithm: settings.algorithm,
    verifyOnly: settings.verifyOnly,
    keyId: settings.keyId,
    authHeaderPrefix: settings.authHeaderPrefix,
    errorFormat: settings.errorFormat,
    expirationDelta: settings.expirationDelta,
    refreshExpirationDelta: settings.refreshExpirationDelta,
    allowRefresh: settings.allowRefresh,
    rotateOnRefresh: settings.rotateOnRefresh,
    stateless: settings.stateless,
    authCookie: authCookie === undefined ? undefined : Object.freeze({ ...authCookie }),
    csrf: csrf === undefined ? undefined : Object.freeze({ ...csrf }),
  });
}
