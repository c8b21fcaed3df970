import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { ExpressRoutes } from './transport/express-routes.js';
import { FastifyRoutes } from './transport/fastify-routes.js';
import { ASYNC_OPTIONS_TYPE, ConfigurableModuleClass } from './jwt-auth.module-definition.js';
import { JWT_AUTH_MODULE_SHAPE, JWT_AUTH_OPTIONS_SOURCE, JWT_AUTH_SETTINGS } from './jwt-auth.internal-constants.js';
import { type ModuleShape, startupLine } from './jwt-auth.startup.js';
import type { JwtAuthSettings } from './settings/jwt-auth-settings.js';
import type { OptionsSource } from './settings/option-names.js';

/**
 * djangorestframework-jwt for Nest:
 * `JwtAuthModule.forRoot({ secretKey, imports: [UsersModule] })` or `forRootAsync({...})`.
 * Serves `/api-token-auth/`, `/api-token-refresh/` and `/api-token-verify/`, and exports
 * JwtAuthGuard and JwtAuthService.
 */
@Module({})
export class JwtAuthModule extends ConfigurableModuleClass implements NestModule, OnApplicationBootstrap {
  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    @Inject(JWT_AUTH_MODULE_SHAPE) private readonly shape: ModuleShape,
    private readonly appConfig: ApplicationConfig,
    @Optional() private readonly fastifyRoutes?: FastifyRoutes,
    @Optional() private readonly expressRoutes?: ExpressRoutes,
  ) {
    super();
  }

  /**
   * `forRoot`'s options from a factory (`useFactory`), a class (`useClass`) or a provider
   * (`useExisting`); the module-shaping options (`globalGuard`, `routePrefix`, ...) beside it.
   * The module also records which form it was, so that a start-up error can show where an
   * option belongs.
   */
  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    const module = super.forRootAsync(options);
    const source: OptionsSource = options.useClass ? 'useClass' : options.useExisting ? 'useExisting' : 'useFactory';
    return {
      ...module,
      providers: [...(module.providers ?? []), { provide: JWT_AUTH_OPTIONS_SOURCE, useValue: source }],
    };
  }

  /**
   * One line at `log` level once the app is up (its global prefix is known by then): what is
   * served where, so that a wrong prefix or a guard that is not global shows at once.
   */
  onApplicationBootstrap(): void {
    new Logger('JwtAuth').log(startupLine(this.settings, this.shape, this.appConfig.getGlobalPrefix()));
  }

  /** Nest calls this once the HTTP adapter is known and before any route is registered. */
  configure(): void {
    this.fastifyRoutes?.install();
    this.expressRoutes?.install();
  }
}
