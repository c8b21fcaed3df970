import { badOrigin, crossSiteRequest } from '../common/messages.js';
import { forbidden, type Refusal } from '../common/refusal.js';
import { type HttpRequestLike, methodOf, requestOriginOf } from '../transport/http-adapter.js';

/** Methods that must not change anything, so a forged one does no harm (RFC 9110, 9.2.1). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** What a browser's `Sec-Fetch-Site` says when the page that sent the request was not this origin. */
const OTHER_SITES = new Set(['cross-site', 'same-site']);

/**
 * Refuses a browser's cross-site request to an endpoint that sets or clears the auth cookies
 * (login CSRF: the attacker's token set as the victim's cookie; logout CSRF), as Django's CSRF
 * origin check does (`CsrfViewMiddleware._origin_verified`): an `Origin` header must be this
 * request's own origin or one of `trustedOrigins` (Django's CSRF_TRUSTED_ORIGINS, `*.` for
 * subdomains). Without `Origin`, `Sec-Fetch-Site: cross-site` or `same-site` is refused (a
 * browser sends one of them; clients that are not browsers send neither and are served).
 * Returns the 403 refusal, or undefined. Safe methods are never refused.
 */
export function crossSiteRefusal(request: HttpRequestLike, trustedOrigins: readonly string[]): Refusal | undefined {
  if (SAFE_METHODS.has((methodOf(request) ?? 'GET').toUpperCase())) return undefined;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const sent = Array.isArray(origin) ? origin.join(', ') : origin;
    return originVerified(sent, request, trustedOrigins) ? undefined : forbidden(badOrigin(sent));
  }
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && OTHER_SITES.has(site.toLowerCase())) return forbidden(crossSiteRequest(site));
  return undefined;
}

/** Django's `_origin_verified`: this request's origin, a trusted one, or a trusted subdomain. */
function originVerified(origin: string, request: HttpRequestLike, trustedOrigins: readonly string[]): boolean {
  if (origin === requestOriginOf(request)) return true;
  // As Django: wildcard entries are matched as domains only (below), never as exact origins.
  if (!origin.includes('*') && trustedOrigins.includes(origin)) return true;
  const parsed = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(origin);
  if (parsed === null) return false;
  const [, scheme, netloc] = parsed;
  return trustedOrigins.some((trusted) => {
    const wildcard = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/\*(\..*)$/.exec(trusted);
    return wildcard !== null && wildcard[1].toLowerCase() === scheme.toLowerCase() && sameDomain(netloc, wildcard[2]);
  });
}

/** Django's `is_same_domain` for a pattern starting with a dot: the domain itself or a subdomain. */
function sameDomain(host: string, pattern: string): boolean {
  const lower = pattern.toLowerCase();
  return host.endsWith(lower) || host === lower.slice(1);
}
