import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * The one place that knows how Express and Fastify differ, for what the module reads from a
 * request and writes to a response. Every other file goes through these functions (no duck
 * typing elsewhere): an Express request is Node's IncomingMessage; a Fastify request wraps it
 * as `raw`. An Express response has `append`; a Fastify reply appends Set-Cookie on `header`.
 */

/** A request of either adapter, as far as the module reads it. */
export interface HttpRequestLike {
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>;
  method?: string;
  body?: unknown;
  /** Express: on the request itself. */
  rawHeaders?: string[];
  /** Express: the path before routers rewrote `url`. */
  originalUrl?: unknown;
  url?: unknown;
  /** Express `req.ip` and Fastify `request.ip` (both follow the app's trust proxy setting). */
  ip?: unknown;
  /** Express `req.protocol` and Fastify `request.protocol` (both follow the trust proxy setting). */
  protocol?: unknown;
  socket?: { remoteAddress?: unknown };
  /** Fastify: Node's IncomingMessage. */
  raw?: { rawHeaders?: string[]; socket?: { remoteAddress?: unknown } };
}

/** A response of either adapter: both have `header(name, value)`. */
export interface HttpResponseLike {
  header(name: string, value: string): unknown;
  /** Express only: adds a value instead of replacing. */
  append?(name: string, value: string): unknown;
}

/** The headers as the client sent them, names and values alternating (repeats kept). */
export function rawHeadersOf(request: HttpRequestLike): readonly string[] {
  return request.rawHeaders ?? request.raw?.rawHeaders ?? [];
}

/** Every value the client sent for one header (lower-case `name`), in order. */
export function headerValues(request: HttpRequestLike, name: string): string[] {
  const raw = rawHeadersOf(request);
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === name.length && raw[i].toLowerCase() === name) values.push(raw[i + 1]);
  }
  return values;
}

/**
 * The Content-Type the client sent. On Fastify the token routes may rewrite `headers` before
 * parsing (see fastify-routes.ts); the raw headers keep what was sent.
 */
export function sentContentType(request: HttpRequestLike): string | undefined {
  // Node keeps the first of repeated Content-Type headers; so does this.
  const sent = headerValues(request, 'content-type');
  if (sent.length > 0) return sent[0];
  const parsed = request.headers['content-type'];
  return typeof parsed === 'string' ? parsed : undefined;
}

/** The client address as the adapter reports it (trust proxy applied), else the socket's. */
export function clientAddressOf(request: HttpRequestLike): string | undefined {
  const { ip, socket, raw } = request;
  return [ip, socket?.remoteAddress, raw?.socket?.remoteAddress].find(
    (candidate): candidate is string => typeof candidate === 'string' && candidate !== '',
  );
}

/**
 * The origin this request was sent to, as Django's CSRF check builds it: the scheme the adapter
 * reports (behind a proxy, with the app's trust proxy setting) and the Host header as sent.
 */
export function requestOriginOf(request: HttpRequestLike): string | undefined {
  const host = request.headers.host;
  if (typeof host !== 'string' || host === '') return undefined;
  const scheme = request.protocol === 'https' ? 'https' : 'http';
  return `${scheme}://${host}`;
}

/** The request's path, without the query string (a client may put a token there). */
export function pathOf(request: HttpRequestLike): string {
  const { originalUrl, url } = request;
  const target = typeof originalUrl === 'string' ? originalUrl : typeof url === 'string' ? url : '';
  return target.split('?')[0];
}

export function methodOf(request: HttpRequestLike): string | undefined {
  return typeof request.method === 'string' ? request.method : undefined;
}

/** The body as a stream, for what no adapter parses (multipart on Express). */
export function bodyStreamOf(request: HttpRequestLike): Readable {
  return (request.raw ?? request) as unknown as Readable;
}

export function setHeader(response: HttpResponseLike, name: string, value: string): void {
  response.header(name, value);
}

/** Express replaces a header on `header()` but appends on `append()`; Fastify appends Set-Cookie on `header()`. */
export function appendSetCookie(response: HttpResponseLike, value: string): void {
  if (typeof response.append === 'function') response.append('Set-Cookie', value);
  else response.header('Set-Cookie', value);
}
