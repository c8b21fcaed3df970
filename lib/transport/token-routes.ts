import { Inject, Injectable, Optional } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { JWT_AUTH_ROUTE_PREFIX, JWT_AUTH_SERVED_ROUTES } from '../jwt-auth.internal-constants.js';
import { type ExpressLike, installExpressTokenRoutes } from './express-routes.js';
import { type FastifyLike, installFastifyTokenRoutes } from './fastify-routes.js';
import { tokenRoutePaths } from './token-paths.js';

/**
 * Readies the app's HTTP adapter for the token endpoints (their bodies read as DRF reads them,
 * their paths matched by case, and on Fastify the slash twins): express-routes.ts or
 * fastify-routes.ts, whichever the app runs on. Runs from the module's `configure()`: the
 * adapter and the global prefix are known, and no route is registered yet.
 */
@Injectable()
export class TokenRoutes {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    @Inject(JWT_AUTH_ROUTE_PREFIX) private readonly routePrefix: string,
    /** The routes of the protocols served (default: djangorestframework-jwt's). */
    @Optional() @Inject(JWT_AUTH_SERVED_ROUTES) private readonly routes?: readonly string[],
  ) {}

  install(): void {
    const adapter = this.adapterHost.httpAdapter;
    const paths = tokenRoutePaths(this.appConfig.getGlobalPrefix(), this.routePrefix, this.routes);
    if (adapter?.getType() === 'express') installExpressTokenRoutes(adapter.getInstance<ExpressLike>(), paths);
    if (adapter?.getType() === 'fastify') installFastifyTokenRoutes(adapter.getInstance<FastifyLike>(), paths);
  }
}
