import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { createJwtStrategy, JWT_AUTH_STRATEGY } from './auth/jwt.strategy.js';
import { JwtAuthGuard } from './auth/jwt-auth.guard.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { JWT_AUTH_MODULE_OPTIONS, JWT_AUTH_SETTINGS } from './constants.js';
import { JwtAuthEventDispatcher } from './events/jwt-auth-event-dispatcher.js';
import { FastifyCompat } from './http/fastify-compat.js';
import { buildJwks, JwksController, JWT_AUTH_JWKS } from './http/jwks.controller.js';
import { JWT_AUTH_ROUTE_PREFIX } from './http/route-prefix.js';
import { createTokenController } from './http/token.controller.js';
import { openApiProvider } from './openapi/openapi-decorations.js';
import type { JwtAuthModuleExtras, JwtAuthModuleOptions } from './settings/jwt-auth-options.interface.js';
import { TokenRevocation } from './revocation/token-revocation.js';
import { type JwtAuthSettings, resolveSettings } from './settings/jwt-auth-settings.js';
import { JWT_AUTH_JWT_SERVICE, JwtAuthService } from './tokens/jwt-auth.service.js';
import { jwtModuleOptions } from './tokens/jwt-options.js';
import { TokenVerifier } from './tokens/token-verifier.js';

export type ModuleExtras = Required<JwtAuthModuleExtras>;

/**
 * Adds everything the options cannot decide asynchronously: the providers (built from the
 * options at start-up), the controller and its route prefix, the global guard, `isGlobal`.
 */
export function addModuleParts(definition: DynamicModule, extras: ModuleExtras): DynamicModule {
  const providers: Provider[] = [
    ...(definition.providers ?? []),
    {
      provide: JWT_AUTH_SETTINGS,
      // Validates once: a bad option stops the app here, with the option's name.
      useFactory: async (options: JwtAuthModuleOptions) => {
        try {
          return resolveSettings(options);
        } catch (error) {
          // The module will never start, so it will never close a store that opened a connection.
          await options?.revocationStore?.close?.().catch(() => undefined);
          throw error;
        }
      },
      inject: [JWT_AUTH_MODULE_OPTIONS],
    },
    {
      provide: JWT_AUTH_JWT_SERVICE,
      useFactory: (settings: JwtAuthSettings) => new JwtService(jwtModuleOptions(settings)),
      inject: [JWT_AUTH_SETTINGS],
    },
    {
      provide: TokenVerifier,
      useFactory: (settings: JwtAuthSettings) => new TokenVerifier(settings),
      inject: [JWT_AUTH_SETTINGS],
    },
    TokenRevocation,
    JwtAuthService,
    {
      provide: JWT_AUTH_STRATEGY,
      useFactory: createJwtStrategy,
      inject: [JWT_AUTH_SETTINGS, JwtAuthService],
    },
    JwtAuthGuard,
  ];
  if (extras.globalGuard) providers.push({ provide: APP_GUARD, useExisting: JwtAuthGuard });
  const tokenController = extras.controller ? createTokenController(extras.routePrefix) : undefined;
  const controllers: Type<unknown>[] = tokenController ? [tokenController] : [];
  if (extras.jwks) {
    controllers.push(JwksController);
    providers.push({ provide: JWT_AUTH_JWKS, useFactory: buildJwks, inject: [JWT_AUTH_SETTINGS] });
  }
  // Documents the controllers in the app's OpenAPI document when @nestjs/swagger is installed.
  if (controllers.length > 0) {
    providers.push(openApiProvider({ token: tokenController, jwks: extras.jwks ? JwksController : undefined }));
  }
  if (extras.controller) {
    providers.push(
      { provide: JWT_AUTH_ROUTE_PREFIX, useValue: extras.routePrefix },
      FastifyCompat,
      LoginThrottle,
      JwtAuthEventDispatcher,
    );
  }
  return {
    ...definition,
    global: extras.isGlobal,
    imports: [...new Set([...(definition.imports ?? []), ...(extras.imports ?? [])])],
    providers,
    controllers,
    exports: [JWT_AUTH_SETTINGS, JwtAuthService, JwtAuthGuard],
  };
}
