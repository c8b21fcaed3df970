import { NotFoundException } from '@nestjs/common';
import { methodOf, pathOf, type HttpRequestLike } from './http-adapter.js';
import { matchTokenPath } from './token-paths.js';

type Next = (error?: unknown) => void;
type Handler = (request: HttpRequestLike, response: unknown, next: Next) => void;

export interface ExpressLike {
  router?: { stack?: { handle?: Handler }[] };
  use(handler: Handler): unknown;
}

/** The names Express's body parsers (body-parser, express.json and the like) carry. */
const BODY_PARSERS = new Set(['jsonParser', 'urlencodedParser', 'textParser', 'rawParser']);

/**
 * Makes the token endpoints behave on Express as on Fastify, and both as upstream.
 * - Their bodies are read by the module, as DRF reads them (request-body.ts): the app's body
 *   parsers, which Nest registers before any module is configured, let requests to the token
 *   paths by, so that `42`, a body with a byte order mark or with no Content-Type gets DRF's
 *   answer rather than the parser's. Every other route keeps its parsers as they were.
 * - A token path in another case (`/API-TOKEN-AUTH/`) is no token endpoint, as upstream's URL
 *   patterns and Fastify's router match case, whatever the app's `case sensitive routing`: it
 *   gets the app's 404 (Nest's not-found answer), before any parser or guard.
 * Runs from the module's `configure()` (token-routes.ts): the app's parsers are registered, its
 * routes are not.
 */
export function installExpressTokenRoutes(app: ExpressLike, paths: ReadonlySet<string>): void {
  const onTokenPath = (request: HttpRequestLike) => matchTokenPath(pathOf(request), paths) !== undefined;
  for (const layer of app.router?.stack ?? []) {
    const parser = layer.handle;
    if (parser === undefined || !BODY_PARSERS.has(parser.name)) continue;
    const skipTokenPaths: Handler = (request, response, next) =>
      onTokenPath(request) ? next() : parser(request, response, next);
    // The name stays: Nest looks parsers up by it (isMiddlewareApplied).
    layer.handle = Object.defineProperty(skipTokenPaths, 'name', { value: parser.name });
  }
  app.use((request, _response, next) => {
    if (matchTokenPath(pathOf(request), paths) !== 'other-case') return next();
    // What Nest's not-found handler throws for a route that does not exist.
    const url = typeof request.originalUrl === 'string' ? request.originalUrl : pathOf(request);
    next(new NotFoundException(`Cannot ${methodOf(request) ?? 'GET'} ${url}`));
  });
}
