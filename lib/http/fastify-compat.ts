import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { JWT_AUTH_ROUTE_PREFIX } from './route-prefix.js';
import { MULTIPART_TYPE, parseMultipart } from './request-body.js';
import { TOKEN_ROUTES } from './token.controller.js';

interface RouteOptions {
  url: string;
  method: string | string[];
  [option: string]: unknown;
}
interface FastifyLike {
  hasContentTypeParser(type: string): boolean;
  addContentTypeParser(
    type: string,
    parser: (
      request: { headers: IncomingHttpHeaders },
      payload: Readable,
      done: (error: Error | null, body?: unknown) => void,
    ) => void,
  ): void;
  addHook(name: 'onRoute', hook: (this: FastifyLike, route: RouteOptions) => void): void;
  route(route: RouteOptions): void;
}

/** Marks the routes we add, so the onRoute hook does not add them again. */
const SLASH_TWIN = 'nestRestJwtSlashTwin';

/**
 * Makes the token endpoints behave on Fastify as on Express. Nest strips trailing slashes and
 * Fastify matches them strictly, so each endpoint gets a twin route with the slash, to the same
 * handler (Fastify's documented way to add routes from an onRoute hook). And Fastify refuses
 * multipart bodies unless a parser is registered, so one is added when the app has none.
 * Runs from the module's `configure()`: the adapter is known and no route is registered yet.
 */
@Injectable()
export class FastifyCompat {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    @Inject(JWT_AUTH_ROUTE_PREFIX) private readonly routePrefix: string,
  ) {}

  install(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyLike>();
    if (!fastify.hasContentTypeParser(MULTIPART_TYPE)) {
      fastify.addContentTypeParser(MULTIPART_TYPE, (request, payload, done) => {
        parseMultipart(payload, request.headers).then((fields) => done(null, fields), done);
      });
    }
    const base = [this.appConfig.getGlobalPrefix(), this.routePrefix]
      .map((part) => part.replace(/^\/+|\/+$/g, ''))
      .filter((part) => part !== '');
    const urls = new Set(TOKEN_ROUTES.map((route) => '/' + [...base, route].join('/')));
    fastify.addHook('onRoute', function (route) {
      // HEAD routes are Fastify's own copies of GET routes: the GET twin brings its own.
      if (route[SLASH_TWIN] || route.method === 'HEAD' || !urls.has(route.url)) return;
      this.route({ ...route, url: route.url + '/', [SLASH_TWIN]: true });
    });
  }
}
