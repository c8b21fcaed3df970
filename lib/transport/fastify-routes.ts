import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { TOKEN_ROUTES } from '../common/routes.js';
import { JWT_AUTH_ROUTE_PREFIX } from '../jwt-auth.internal-constants.js';
import {
  BODY_TOO_LARGE,
  isAcceptedContentType,
  MULTIPART_BODY_LIMIT,
  MULTIPART_TYPE,
  parseMultipart,
} from './request-body.js';

/** Marks the module's routes in their Fastify route config, where the parser can see it. */
const TOKEN_ROUTE = 'nestRestJwtTokenRoute';

interface ParsedRequest {
  headers: IncomingHttpHeaders;
  routeOptions?: { config?: Record<string, unknown> };
}
type PreParsingHook = (
  request: ParsedRequest,
  reply: unknown,
  payload: Readable,
  done: (error: Error | null, payload?: Readable) => void,
) => void;
interface RouteOptions {
  url: string;
  method: string | string[];
  preParsing?: PreParsingHook | PreParsingHook[];
  config?: Record<string, unknown>;
  [option: string]: unknown;
}
interface FastifyLike {
  hasContentTypeParser(type: string): boolean;
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
 * A Fastify plugin that adds a multipart parser unless one is there: plugins load in
 * registration order, so @fastify/multipart registered by the app (or by Nest's adapter for
 * its upload interceptors) before `app.init()` has loaded by now and is left alone. A body over
 * the limits (the lower of MULTIPART_BODY_LIMIT and the app's `bodyLimit`) is a 413: the token
 * endpoints answer it in the module's error format, other routes get Fastify's.
 */
const addMultipartParser = Object.assign(
  async (fastify: FastifyLike) => {
    if (fastify.hasContentTypeParser(MULTIPART_TYPE)) return;
    const maxBytes = Math.min(MULTIPART_BODY_LIMIT, fastify.initialConfig.bodyLimit ?? MULTIPART_BODY_LIMIT);
    fastify.addContentTypeParser(MULTIPART_TYPE, (request, payload, done) => {
      parseMultipart(payload, request.headers, maxBytes).then((fields) => {
        if (fields !== BODY_TOO_LARGE) return done(null, fields);
        if (request.routeOptions?.config?.[TOKEN_ROUTE] !== true) {
          // Shaped as an http-errors error, which Nest answers as Fastify's own 413 (the same text).
          const error = Object.assign(new Error('Request body is too large'), {
            status: 413,
            statusCode: 413,
            expose: true,
          });
          return done(error);
        }
        // The token endpoints answer it themselves, in their error format (request-body.ts).
        done(null, BODY_TOO_LARGE);
      }, done);
    });
  },
  // Like fastify-plugin: register on the root context, so every route sees the parser.
  { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'nest-rest-jwt-multipart' },
);

/**
 * Fastify answers a content type it has no parser for (application/xml...) with its own 415
 * before any handler runs. On the token routes only, such a request is parsed as text/plain (a
 * parser Fastify always has); the raw headers keep the type that was sent, so the endpoint
 * answers 415 in the module's words and error format, as it does for text/plain and on Express.
 */
const shieldUnsupportedContentType: PreParsingHook = (request, _reply, payload, done) => {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && contentType.trim() !== '' && !isAcceptedContentType(contentType)) {
    request.headers['content-type'] = 'text/plain';
  }
  done(null, payload);
};

/** Marks the routes we add, so the onRoute hook does not add them again. */
const SLASH_TWIN = 'nestRestJwtSlashTwin';

/**
 * Makes the token endpoints behave on Fastify as on Express. Nest strips trailing slashes and
 * Fastify matches them strictly, so each endpoint gets a twin route with the slash, to the same
 * handler (Fastify's documented way to add routes from an onRoute hook), and every token route
 * answers unsupported content types itself. And Fastify refuses multipart bodies unless a
 * parser is registered, so one is added when the app has none.
 * Runs from the module's `configure()`: the adapter is known and no route is registered yet.
 */
@Injectable()
export class FastifyRoutes {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    @Inject(JWT_AUTH_ROUTE_PREFIX) private readonly routePrefix: string,
  ) {}

  install(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyLike>();
    fastify.register(addMultipartParser);
    const base = [this.appConfig.getGlobalPrefix(), this.routePrefix]
      .map((part) => part.replace(/^\/+|\/+$/g, ''))
      .filter((part) => part !== '');
    // An app whose router ignores trailing slashes needs no twins (Fastify would call them duplicates).
    const config = fastify.initialConfig;
    const slashesIgnored = Boolean(config.routerOptions?.ignoreTrailingSlash ?? config.ignoreTrailingSlash);
    const urls = new Set(TOKEN_ROUTES.map((route) => '/' + [...base, route].join('/')));
    fastify.addHook('onRoute', function (route) {
      // HEAD routes are Fastify's own copies of GET routes: the GET twin brings its own.
      if (route[SLASH_TWIN] || route.method === 'HEAD' || !urls.has(route.url)) return;
      route.preParsing = [...[route.preParsing ?? []].flat(), shieldUnsupportedContentType];
      route.config = { ...route.config, [TOKEN_ROUTE]: true };
      if (!slashesIgnored) this.route({ ...route, url: route.url + '/', [SLASH_TWIN]: true });
    });
  }
}
