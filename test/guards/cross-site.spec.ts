import { describe, expect, it } from '@jest/globals';
import { crossSiteRefusal } from '../../lib/guards/cross-site.js';

/** A request as the adapters give it (only what the check reads). */
const post = (headers: Record<string, string>, protocol = 'http') => ({
  method: 'POST',
  protocol,
  headers: { host: 'api.example.com', ...headers },
});

/** The refusal's message, or undefined when the request is served. */
const refused = (request: ReturnType<typeof post>, trusted: readonly string[] = []) =>
  crossSiteRefusal(request, trusted)?.message;

describe("crossSiteRefusal: Django's CSRF origin check, and Sec-Fetch-Site without an Origin", () => {
  it("accepts the request's own origin, with the scheme the adapter reports (trust proxy)", () => {
    expect(refused(post({ origin: 'http://api.example.com' }))).toBeUndefined();
    expect(refused(post({ origin: 'https://api.example.com' }, 'https'))).toBeUndefined();
    expect(refused(post({ origin: 'https://api.example.com' }))).toBe(
      'CSRF Failed: Origin checking failed - https://api.example.com does not match any trusted origins.',
    );
  });

  it('matches trusted origins exactly, and wildcard ones as the domain and its subdomains', () => {
    const trusted = ['https://app.example.com', 'https://*.example.net:8443'];
    expect(refused(post({ origin: 'https://app.example.com' }), trusted)).toBeUndefined();
    expect(refused(post({ origin: 'https://a.example.net:8443' }), trusted)).toBeUndefined();
    expect(refused(post({ origin: 'https://example.net:8443' }), trusted)).toBeUndefined();
    for (const origin of ['https://app.example.com/', 'https://a.example.net', 'https://badexample.net:8443', 'x']) {
      expect(refused(post({ origin }), trusted)).toBeDefined();
    }
  });

  it('without Origin, refuses Sec-Fetch-Site cross-site and same-site, serves same-origin, none and no header', () => {
    expect(refused(post({ 'sec-fetch-site': 'cross-site' }))).toBe(
      'CSRF Failed: Cross-site request refused (Sec-Fetch-Site: cross-site).',
    );
    expect(refused(post({ 'sec-fetch-site': 'same-site' }))).toBeDefined();
    for (const site of ['same-origin', 'none']) expect(refused(post({ 'sec-fetch-site': site }))).toBeUndefined();
    expect(refused(post({}))).toBeUndefined();
  });

  it('never refuses a safe method', () => {
    expect(crossSiteRefusal({ method: 'GET', headers: { origin: 'https://evil.example' } }, [])).toBeUndefined();
  });
});
