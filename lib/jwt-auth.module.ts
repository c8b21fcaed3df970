import { Module, type NestModule, Optional } from '@nestjs/common';
import { ExpressRoutes } from './transport/express-routes.js';
import { FastifyRoutes } from './transport/fastify-routes.js';
import { ConfigurableModuleClass } from './jwt-auth.module-definition.js';

/**
 * djangorestframework-jwt for Nest:
 * `JwtAuthModule.forRoot({ secretKey, imports: [UsersModule] })` or `forRootAsync({...})`.
 * Serves `/api-token-auth/`, `/api-token-refresh/` and `/api-token-verify/`, and exports
 * JwtAuthGuard and JwtAuthService.
 */
@Module({})
export class JwtAuthModule extends ConfigurableModuleClass implements NestModule {
  constructor(
    @Optional() private readonly fastifyRoutes?: FastifyRoutes,
    @Optional() private readonly expressRoutes?: ExpressRoutes,
  ) {
    super();
  }

  /** Nest calls this once the HTTP adapter is known and before any route is registered. */
  configure(): void {
    this.fastifyRoutes?.install();
    this.expressRoutes?.install();
  }
}
