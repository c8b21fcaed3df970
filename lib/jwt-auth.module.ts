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
import { TokenRoutes } from './transport/token-routes.js';
import {
  ConfigurableModuleClass,
  type JwtAuthModuleAsyncOptions,
  type JwtAuthModuleForRootOptions,
} from './jwt-auth.module-definition.js';
import { JWT_AUTH_MODULE_SHAPE, JWT_AUTH_OPTIONS_SOURCE, JWT_AUTH_SETTINGS } from './jwt-auth.internal-constants.js';
import { type ModuleShape, startupLine } from './jwt-auth.startup.js';
import type { JwtAuthSettings } from './settings/jwt-auth-settings.js';
import type { OptionsSource } from './settings/option-names.js';

/**
 * djangorestframework-jwt for Nest:
 * `JwtAuthModule.forRoot<User>({ secretKey, imports: [UsersModule] })` or `forRootAsync({...})`.
 * Serves `/api-token-auth/`, `/api-token-refresh/` and `/api-token-verify/`, and exports
 * JwtAuthGuard and JwtAuthService.
 */
@Module({})
export class JwtAuthModule extends ConfigurableModuleClass implements NestModule, OnApplicationBootstrap {
  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    @Inject(JWT_AUTH_MODULE_SHAPE) private readonly shape: ModuleShape,
    private readonly appConfig: ApplicationConfig,
    @Optional() private readonly tokenRoutes?: TokenRoutes,
  ) {
    super();
  }

  /**
   * The module, configured with options known when the app module is declared. Give your user
   * type (the one your `UserLookupService` returns) as a type argument, and `payloadHandler`,
   * `responsePayloadHandler`, `getUserSecretKey` and `hooks` receive it; without one they
   * receive an `object`. Every option is checked at start-up: a mistake stops the app with a
   * `JwtAuthConfigError` that names the option.
   *
   * @example
   * ```ts
   * JwtAuthModule.forRoot<User>({
   *   imports: [UsersModule], // the module that exports your UserLookupService
   *   secretKey: process.env.JWT_SECRET_KEY,
   *   allowRefresh: true,
   *   hooks: { onLoginSucceeded: ({ user }) => users.touchLastLogin(user.id) },
   * });
   * ```
   */
  static override forRoot<TUser extends object = object>(options: JwtAuthModuleForRootOptions<TUser>): DynamicModule {
    return super.forRoot(options);
  }

  /**
   * The module, configured by a factory (`useFactory` with `inject`), a class (`useClass`, with
   * `createJwtAuthOptions()`) or an existing provider (`useExisting`), as every configurable Nest
   * module. The options that shape the module (`globalGuard`, `routePrefix`, `controller`,
   * `jwks`, `isGlobal`, `imports`) go beside the factory, never in what it returns: the app
   * stops at start-up, saying where they belong, otherwise. `TUser` as for `forRoot`.
   *
   * @example
   * ```ts
   * JwtAuthModule.forRootAsync<User>({
   *   imports: [ConfigModule, UsersModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({
   *     secretKey: config.getOrThrow<string>('JWT_SECRET_KEY'),
   *     expirationDelta: '5m',
   *   }),
   *   globalGuard: true, // beside the factory
   * });
   * ```
   */
  static override forRootAsync<TUser extends object = object>(
    options: JwtAuthModuleAsyncOptions<TUser>,
  ): DynamicModule {
    const module = super.forRootAsync(options);
    // Recorded so that a start-up error can show where an option belongs.
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
    this.tokenRoutes?.install();
  }
}
