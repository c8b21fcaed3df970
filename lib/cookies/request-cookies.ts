import { parse } from 'cookie';

type WithCookieHeader = { headers: Record<string, string | string[] | undefined> };

const parsed = new WeakMap<object, Record<string, string | undefined>>();

/**
 * The request's cookies, parsed once per request with `cookie` (the parser Express and
 * @fastify/cookie use), so neither adapter needs a cookie plugin.
 */
export function requestCookies(request: WithCookieHeader): Record<string, string | undefined> {
  let cookies = parsed.get(request);
  if (cookies === undefined) {
    const header = request.headers.cookie;
    cookies = typeof header === 'string' && header !== '' ? parse(header) : {};
    parsed.set(request, cookies);
  }
  return cookies;
}
