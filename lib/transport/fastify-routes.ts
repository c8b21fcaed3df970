import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { BODY_LIMIT, BODY_TOO_LARGE, RawBody, readBytes } from './request-body.js';
import { matchTokenPath } from './token-paths.js';

/** Marks the module's routes in their Fastify route config, where the parser can see it. */
const TOKEN_ROUTE = 'nestRestJwtTokenRoute';

/**
 * The token routes' bodies reach the module as bytes under this content type (set by their
 * preParsing hook), whatever the client sent: the module parses them as DRF does
 * (request-body.ts), so that Fastify's parsers, @fastify/multipart included, never see them.
 */
const RAW_TYPE = 'application/x-nest-rest-jwt-raw';
/** The Content-Type the client sent, kept by the preParsing hook for the parser to put back. */
const SENT_CONTENT_TYPE = Symbol('nest-rest-jwt:sent-content-type');

interface ParsedRequest {
  url: string;
  headers: IncomingHttpHeaders;
  routeOptions?: { config?: Record<string, unknown> };
  [SENT_CONTENT_TYPE]?: string;
}
type PreParsingHook = (
  request: ParsedRequest,
  reply: unknown,
  payload: Readable,
  done: (error: Error | null, payload?: Readable) => void,
) => void;
type OnRequestHook = (request: ParsedRequest, reply: { callNotFound(): void }) => Promise<unknown>;
interface RouteOptions {
  url: string;
  method: string | string[];
  preParsing?: PreParsingHook | PreParsingHook[];
  onRequest?: OnRequestHook | OnRequestHook[];
  config?: Record<string, unknown>;
  [option: string]: unknown;
}
export interface FastifyLike {
  addContentTypeParser(
    type: string,
    parser: (request: ParsedRequest, payload: Readable, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
  register(plugin: (fastify: FastifyLike) => Promise<void>): unknown;
  addHook(name: 'onRoute', hook: (this: FastifyLike, route: RouteOptions) => void): void;
  route(route: RouteOptions): void;
  initialConfig: {
    ignoreTrailingSlash?: boolean;
    routerOptions?: { ignoreTrailingSlash?: boolean };
    bodyLimit?: number;
  };
}

/**
 * A Fastify plugin that adds the parser of the token routes' bodies: their bytes, up to the
 * lower of BODY_LIMIT and the app's `bodyLimit` (over it, BODY_TOO_LARGE, which the endpoints
 * answer in their error format). The Content-Type the client sent is put back. Another route
 * sent this made-up type gets Fastify's 415, as for any type it has no parser for.
 */
const addRawBodyParser = Object.assign(
  async (fastify: FastifyLike) => {
    const maxBytes = Math.min(BODY_LIMIT, fastify.initialConfig.bodyLimit ?? BODY_LIMIT);
    fastify.addContentTypeParser(RAW_TYPE, (request, payload, done) => {
      if (request.routeOptions?.config?.[TOKEN_ROUTE] !== true) {
        // Shaped as an http-errors error, which Nest answers as Fastify's own 415.
        const error = Object.assign(new Error('Unsupported Media Type'), {
          status: 415,
          statusCode: 415,
          expose: true,
        });
        return done(error);
      }
      const sent = request[SENT_CONTENT_TYPE];
      if (sent === undefined) delete request.headers['content-type'];
      else request.headers['content-type'] = sent;
      readBytes(payload, request.headers['content-length'], maxBytes).then(
        (bytes) => done(null, bytes === BODY_TOO_LARGE ? BODY_TOO_LARGE : new RawBody(bytes)),
        done,
      );
    });
  },
  // Like fastify-plugin: register on the root context, so every route sees the parser.
  { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'nest-rest-jwt-raw-body' },
);

/** Every body of a token route goes to the raw parser above (bodyless methods are never parsed). */
const readBodyRaw: PreParsingHook = (request, _reply, payload, done) => {
  request[SENT_CONTENT_TYPE] = request.headers['content-type'];
  request.headers['content-type'] = RAW_TYPE;
  done(null, payload);
};

/** Marks the routes we add, so the onRoute hook does not add them again. */
const SLASH_TWIN = 'nestRestJwtSlashTwin';

/**
 * Makes the token endpoints behave on Fastify as on Express, and both as upstream. Nest strips
 * trailing slashes and Fastify matches them strictly, so each endpoint gets a twin route with
 * the slash, to the same handler (Fastify's documented way to add routes from an onRoute hook).
 * Every token route hands its body over as bytes, for the module to parse as DRF does. And a
 * path in another case is no token endpoint (upstream's URL patterns match case), even on an
 * app whose router does not: it gets the app's 404.
 * Runs from the module's `configure()` (token-routes.ts): no route is registered yet.
 */
export function installFastifyTokenRoutes(fastify: FastifyLike, urls: ReadonlySet<string>): void {
  fastify.register(addRawBodyParser);
  // An app whose router ignores trailing slashes needs no twins (Fastify would call them duplicates).
  const config = fastify.initialConfig;
  const slashesIgnored = Boolean(config.routerOptions?.ignoreTrailingSlash ?? config.ignoreTrailingSlash);
  const sameCase: OnRequestHook = async (request, reply) => {
    if (matchTokenPath(request.url.split('?')[0], urls) === 'exact') return undefined;
    reply.callNotFound();
    return reply;
  };
  fastify.addHook('onRoute', function (route) {
    // HEAD routes are Fastify's own copies of GET routes: the GET twin brings its own.
    if (route[SLASH_TWIN] || route.method === 'HEAD' || !urls.has(route.url)) return;
    route.preParsing = [...[route.preParsing ?? []].flat(), readBodyRaw];
    route.onRequest = [sameCase, ...[route.onRequest ?? []].flat()];
    route.config = { ...route.config, [TOKEN_ROUTE]: true };
    if (!slashesIgnored) this.route({ ...route, url: route.url + '/', [SLASH_TWIN]: true });
  });
}
