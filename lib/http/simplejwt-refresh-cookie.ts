import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { serialize, type SerializeOptions } from 'cookie';
import { nowSeconds } from '../common/clock.js';
import type { CsrfSettings } from '../cookies/cookie-settings.js';
import { requestCookies } from '../cookies/request-cookies.js';
import { setCsrfCookie } from '../cookies/response-cookies.js';
import { csrfRefusal } from '../guards/csrf.js';
import { JWT_AUTH_ROUTE_PREFIX, JWT_AUTH_SETTINGS, JWT_AUTH_SIMPLE_JWT_PATHS } from '../jwt-auth.internal-constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import type { SimpleJwtPaths } from '../settings/simplejwt-options.js';
import { appendSetCookie, type HttpResponseLike } from '../transport/http-adapter.js';
import type { ReadBody } from '../transport/request-body.js';
import type { EndpointRequest } from './drf-endpoint.js';
import { Refused } from './refused.js';

/**
 * simplejwt's cookie mode (`simpleJwt.refreshCookie`): the refresh token never reaches the page.
 * It goes in an HttpOnly cookie whose Path is the refresh endpoint (and the blacklist endpoint,
 * so that logging out can clear it), the access token stays in the body; the readable CSRF
 * cookie is the module's (path `/`), and a refresh token read from the cookie needs the CSRF
 * header, as every cookie-authenticated request of cookie mode.
 */
@Injectable()
export class SimpleJwtRefreshCookie {
  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    @Inject(JWT_AUTH_SIMPLE_JWT_PATHS) private readonly paths: Required<SimpleJwtPaths>,
    @Inject(JWT_AUTH_ROUTE_PREFIX) private readonly routePrefix: string,
    private readonly appConfig: ApplicationConfig,
  ) {}

  private get mode() {
    return this.settings.simpleJwt?.refreshCookieMode;
  }

  /** The CSRF defence of cookie mode, when on. */
  get csrf(): CsrfSettings | undefined {
    return this.mode?.csrf;
  }

  /** A body with a `refresh` token: in cookie mode, the token goes to the cookie and leaves the body. */
  deliver(request: EndpointRequest, reply: HttpResponseLike, body: object): object {
    const mode = this.mode;
    if (mode === undefined || !('refresh' in body) || typeof body.refresh !== 'string') return body;
    const { refresh, ...rest } = body;
    const maxAge = Math.max(0, expOf(refresh) - nowSeconds());
    for (const path of this.cookiePaths()) {
      appendSetCookie(
        reply,
        serialize(mode.cookie.name, refresh, { ...this.attributes(maxAge), path, httpOnly: true }),
      );
    }
    if (mode.csrf !== undefined) setCsrfCookie(mode.csrf, { ...this.attributes(maxAge), path: '/' }, request, reply);
    return rest;
  }

  /** Logout: the refresh cookies expire now. */
  clear(reply: HttpResponseLike): void {
    const mode = this.mode;
    if (mode === undefined) return;
    for (const path of this.cookiePaths()) {
      appendSetCookie(reply, serialize(mode.cookie.name, '', { ...this.attributes(0), path, httpOnly: true }));
    }
  }

  /**
   * The refresh token of the cookie, when in cookie mode the body has no `refresh` field; the
   * CSRF header is required then (a 403 otherwise).
   */
  read(request: EndpointRequest, body: ReadBody): string | undefined {
    const mode = this.mode;
    if (mode === undefined) return undefined;
    const data = body.kind === 'data' ? body.data : undefined;
    if (typeof data === 'object' && data !== null && Object.hasOwn(data, 'refresh')) return undefined;
    const token = requestCookies(request)[mode.cookie.name];
    if (token === undefined || token === '') return undefined;
    const refusal = mode.csrf === undefined ? undefined : csrfRefusal(request, mode.csrf);
    if (refusal !== undefined) throw new Refused(refusal, true);
    return token;
  }

  private attributes(maxAge: number): SerializeOptions {
    const { cookie } = this.mode ?? {};
    return { secure: cookie?.secure, sameSite: cookie?.sameSite, domain: cookie?.domain, maxAge };
  }

  /** The served refresh and blacklist paths (global prefix, route prefix, path), without a trailing slash. */
  private cookiePaths(): string[] {
    const base = [this.appConfig.getGlobalPrefix(), this.routePrefix];
    return [this.paths.refresh, this.paths.blacklist].map(
      (path) =>
        '/' +
        [...base, path]
          .map((part) => part.replace(/^\/+|\/+$/g, ''))
          .filter((part) => part !== '')
          .join('/'),
    );
  }
}

/** The `exp` of a token this module just signed. */
function expOf(token: string): number {
  const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  const exp = (payload as { exp?: unknown } | null)?.exp;
  return typeof exp === 'number' ? exp : 0;
}
