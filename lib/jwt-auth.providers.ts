import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { JwtAuthEventDispatcher } from './events/jwt-auth-event-dispatcher.js';
import { JwtAuthService } from './flows/jwt-auth.service.js';
import { LoginFlow } from './flows/login.flow.js';
import { LogoutFlow } from './flows/logout.flow.js';
import { RefreshRotation } from './flows/refresh-rotation.js';
import { RefreshFlow } from './flows/refresh.flow.js';
import { TokenAuthentication } from './flows/token-authentication.js';
import { TokenRevocation } from './flows/token-revocation.js';
import { compileExclusions } from './common/route-exclusions.js';
import { GlobalJwtAuthGuard } from './guards/global-jwt-auth.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { createJwtStrategy } from './guards/jwt.strategy.js';
import { JwksController } from './http/jwks.controller.js';
import { tokenControllerAt } from './http/module-token-controller.js';
import { JWT_AUTH_CONFIG, JWT_AUTH_MODULE_OPTIONS } from './jwt-auth.constants.js';
import {
  JWT_AUTH_GUARD_EXCLUSIONS,
  JWT_AUTH_CLOCK,
  JWT_AUTH_HOOKS,
  JWT_AUTH_JWKS,
  JWT_AUTH_JWT_SERVICE,
  JWT_AUTH_LOGIN_THROTTLE,
  JWT_AUTH_OPTIONS_SOURCE,
  JWT_AUTH_MODULE_SHAPE,
  JWT_AUTH_ROUTE_PREFIX,
  JWT_AUTH_SERVED_ROUTES,
  JWT_AUTH_SETTINGS,
  JWT_AUTH_SIMPLE_JWT_PATHS,
  JWT_AUTH_STRATEGY,
  SIMPLE_JWT_USERS_CHECK,
} from './jwt-auth.internal-constants.js';
import { buildJwks } from './keys/jwks.js';
import { PermissionResolver } from './permissions/permission-resolver.js';
import { openApiProvider } from './openapi/openapi-decorations.js';
import { publicConfigOf } from './settings/jwt-auth-config.js';
import type { JwtAuthModuleExtras, JwtAuthModuleOptions } from './settings/jwt-auth-options.interface.js';
import { type JwtAuthSettings, resolveSettings } from './settings/jwt-auth-settings.js';
import { checkModuleShaping, type OptionsSource } from './settings/option-names.js';
import { simpleJwtPathsOf, speaksDrfJwt, tokenProtocolOf, speaksSimpleJwt } from './settings/simplejwt-settings.js';
import { JwtAuthConfigError } from './common/errors.js';
import { TOKEN_ROUTES } from './common/routes.js';
import { SimpleJwtAuthentication } from './flows/simplejwt-authentication.js';
import { SimpleJwtFlow } from './flows/simplejwt.flow.js';
import { simpleJwtControllerAt } from './http/module-simplejwt-controller.js';
import { SimpleJwtRefreshCookie } from './http/simplejwt-refresh-cookie.js';
import { SimpleJwtTokens } from './tokens/simplejwt-tokens.js';
import { UserLookupService } from './users/user-lookup.service.js';
import { LoginThrottle } from './throttle/login-throttle.js';
import { jwtModuleOptions } from './tokens/jwt-options.js';
import { TokenIssuer } from './tokens/token-issuer.js';
import { TokenVerifier } from './tokens/token-verifier.js';
import type { ModuleShape } from './jwt-auth.startup.js';
import { TokenRoutes } from './transport/token-routes.js';

export type ModuleExtras = Required<JwtAuthModuleExtras>;

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** A provider of one part of the settings, for a class that needs that part only. */
const settingsPart = <K extends keyof JwtAuthSettings>(provide: symbol, key: K): Provider => ({
  provide,
  useFactory: (settings: JwtAuthSettings) => settings[key],
  inject: [JWT_AUTH_SETTINGS],
});

/**
 * Adds everything the options cannot decide asynchronously: the providers (built from the
 * options at start-up), the controller and its route prefix, the global guard, `isGlobal`.
 */
export function addModuleParts(definition: DynamicModule, extras: ModuleExtras): DynamicModule {
  const providers: Provider[] = [
    ...(definition.providers ?? []),
    {
      provide: JWT_AUTH_SETTINGS,
      // Validates once: a bad option stops the app here, with the option's name. The
      // module-shaping options (extras) were read above already; a mistake in them stops it too.
      useFactory: async (options: JwtAuthModuleOptions, source: OptionsSource | undefined) => {
        try {
          checkModuleShaping(extras, source ?? 'forRoot');
          return resolveSettings(options, source ?? 'forRoot', tokenProtocolOf(extras.tokenProtocol));
        } catch (error) {
          // The module will never start, so it will never close a store that opened a connection.
          await options?.revocationStore?.close?.().catch(() => undefined);
          throw error;
        }
      },
      // Provided by JwtAuthModule.forRootAsync only.
      inject: [JWT_AUTH_MODULE_OPTIONS, { token: JWT_AUTH_OPTIONS_SOURCE, optional: true }],
    },
    { provide: JWT_AUTH_CONFIG, useFactory: publicConfigOf, inject: [JWT_AUTH_SETTINGS] },
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
    TokenIssuer,
    TokenRevocation,
    TokenAuthentication,
    LoginFlow,
    RefreshRotation,
    RefreshFlow,
    LogoutFlow,
    JwtAuthService,
    {
      provide: JWT_AUTH_STRATEGY,
      useFactory: createJwtStrategy,
      inject: [JWT_AUTH_SETTINGS, TokenAuthentication],
    },
    JwtAuthGuard,
    PermissionResolver,
    // The guard's refusal events too: present with or without the token controller.
    settingsPart(JWT_AUTH_HOOKS, 'hooks'),
    { provide: JWT_AUTH_CLOCK, useValue: Date.now },
    JwtAuthEventDispatcher,
  ];
  if (extras.globalGuard) providers.push(...globalGuardProviders(extras.globalGuardExclude));
  // A value of the wrong type stops the app at start-up (checkModuleShaping, above); until then
  // it must not break the module's scanning with an error that names nothing.
  const routePrefix = typeof extras.routePrefix === 'string' ? extras.routePrefix : '';
  // A module given alone is imported, so that the start reaches that error before any other.
  const given: unknown = extras.imports;
  const extraImports = Array.isArray(given) ? given : typeof given === 'function' || isObject(given) ? [given] : [];
  // A mistake in tokenProtocol or simpleJwtPaths stops the app in the settings' factory; until then, the defaults.
  const protocol = shapingOrDefault(() => tokenProtocolOf(extras.tokenProtocol), 'drf-jwt');
  const simpleJwtPaths = shapingOrDefault(() => simpleJwtPathsOf(extras.simpleJwtPaths), simpleJwtPathsOf(undefined));
  const tokenController = extras.controller && speaksDrfJwt(protocol) ? tokenControllerAt(routePrefix) : undefined;
  const controllers: Type<unknown>[] = tokenController ? [tokenController] : [];
  let simpleJwtController: Type<unknown> | undefined;
  if (speaksSimpleJwt(protocol)) {
    providers.push(
      { provide: JWT_AUTH_SIMPLE_JWT_PATHS, useValue: simpleJwtPaths },
      SimpleJwtTokens,
      SimpleJwtAuthentication,
      SimpleJwtFlow,
      {
        provide: SIMPLE_JWT_USERS_CHECK,
        useFactory: checkSimpleJwtUsers,
        inject: [JWT_AUTH_SETTINGS, UserLookupService],
      },
    );
    if (extras.controller) {
      simpleJwtController = simpleJwtControllerAt(routePrefix, simpleJwtPaths);
      controllers.push(simpleJwtController);
      providers.push(SimpleJwtRefreshCookie);
    }
  }
  if (extras.jwks) {
    controllers.push(JwksController);
    providers.push({
      provide: JWT_AUTH_JWKS,
      useFactory: (settings: JwtAuthSettings) => buildJwks(settings, settings.algorithm),
      inject: [JWT_AUTH_SETTINGS],
    });
  }
  // Documents the controllers in the app's OpenAPI document when @nestjs/swagger is installed.
  if (controllers.length > 0) {
    providers.push(
      openApiProvider({
        token: tokenController,
        jwks: extras.jwks ? JwksController : undefined,
        simpleJwt: simpleJwtController,
      }),
    );
  }
  if (extras.controller) {
    providers.push(
      { provide: JWT_AUTH_ROUTE_PREFIX, useValue: routePrefix },
      {
        provide: JWT_AUTH_SERVED_ROUTES,
        useValue: [
          ...(speaksDrfJwt(protocol) ? TOKEN_ROUTES : []),
          ...(speaksSimpleJwt(protocol) ? Object.values(simpleJwtPaths) : []),
        ],
      },
      settingsPart(JWT_AUTH_LOGIN_THROTTLE, 'loginThrottle'),
      TokenRoutes,
      LoginThrottle,
    );
  }
  const shape: ModuleShape = {
    globalGuard: extras.globalGuard === true,
    controller: extras.controller !== false,
    routePrefix,
    jwks: extras.jwks === true,
  };
  providers.push({ provide: JWT_AUTH_MODULE_SHAPE, useValue: shape });
  return {
    ...definition,
    global: extras.isGlobal === true,
    imports: [...new Set([...(definition.imports ?? []), ...extraImports])],
    providers,
    controllers,
    // The settings and TokenAuthentication are exported for the guards an app's modules build
    // (JwtAuthGuard, WsJwtAuthGuard and their subclasses); no entry point exports their tokens.
    exports: [
      JWT_AUTH_SETTINGS,
      JWT_AUTH_CONFIG,
      JwtAuthService,
      JwtAuthGuard,
      TokenAuthentication,
      JwtAuthEventDispatcher,
    ],
  };
}

/**
 * The global guard: JwtAuthGuard itself, or with `globalGuardExclude` a GlobalJwtAuthGuard that
 * leaves those routes alone (while an explicit `@UseGuards(JwtAuthGuard)` still guards them).
 */
function globalGuardProviders(exclude: unknown): Provider[] {
  if (!Array.isArray(exclude) || exclude.length === 0) return [{ provide: APP_GUARD, useExisting: JwtAuthGuard }];
  return [
    {
      provide: JWT_AUTH_GUARD_EXCLUSIONS,
      // After the settings: a bad entry stops the app there, with the option's name.
      useFactory: () => compileExclusions(exclude),
      inject: [JWT_AUTH_SETTINGS],
    },
    GlobalJwtAuthGuard,
    { provide: APP_GUARD, useExisting: GlobalJwtAuthGuard },
  ];
}

/** A module-shaping value read while the module is built: a mistake is reported by the settings' factory. */
function shapingOrDefault<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/**
 * simplejwt finds users by id, and UPDATE_LAST_LOGIN needs a place to write: an app whose
 * UserLookupService lacks what its settings need does not start.
 */
function checkSimpleJwtUsers(settings: JwtAuthSettings, users: UserLookupService): true {
  if (typeof users.findById !== 'function') {
    throw new JwtAuthConfigError(
      'tokenProtocol',
      `is "${settings.tokenProtocol}": simplejwt finds users by id, so your UserLookupService (${users.constructor.name}) must implement findById(id)`,
    );
  }
  if (settings.simpleJwt?.updateLastLogin === true && typeof users.updateLastLogin !== 'function') {
    throw new JwtAuthConfigError(
      'simpleJwt.updateLastLogin',
      `is true: your UserLookupService (${users.constructor.name}) must implement updateLastLogin(user)`,
    );
  }
  return true;
}
