import { type ConfigurableModuleAsyncOptions, ConfigurableModuleBuilder } from '@nestjs/common';
import { JWT_AUTH_MODULE_OPTIONS } from './jwt-auth.constants.js';
import { addModuleParts, type ModuleExtras } from './jwt-auth.providers.js';
import type { JwtAuthModuleExtras, JwtAuthModuleOptions } from './settings/jwt-auth-options.interface.js';

const definition = new ConfigurableModuleBuilder<JwtAuthModuleOptions>({
  optionsInjectionToken: JWT_AUTH_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createJwtAuthOptions')
  .setExtras<ModuleExtras>(
    {
      isGlobal: false,
      globalGuard: false,
      globalGuardExclude: [],
      controller: true,
      routePrefix: '',
      imports: [],
      jwks: false,
      tokenProtocol: 'drf-jwt',
      simpleJwtPaths: {},
    },
    addModuleParts,
  )
  .build();

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = definition;

/**
 * What `JwtAuthModule.forRoot` takes: the options and the module-shaping extras, in one object.
 * `TUser` types the user the callbacks receive. (Also a value, `typeof JwtAuthModuleForRootOptions`
 * being Nest's `OPTIONS_TYPE`, as in earlier versions.)
 */
export type JwtAuthModuleForRootOptions<TUser extends object = object> = JwtAuthModuleOptions<TUser> &
  JwtAuthModuleExtras;
export const JwtAuthModuleForRootOptions = OPTIONS_TYPE;

/**
 * What `JwtAuthModule.forRootAsync` takes: `useFactory`/`useClass`/`useExisting` (returning the
 * options), `imports`, `inject`, and the module-shaping extras beside them. `TUser` types the
 * user the callbacks receive. (Also a value, `typeof JwtAuthModuleAsyncOptions` being Nest's
 * `ASYNC_OPTIONS_TYPE`, as in earlier versions.)
 */
export type JwtAuthModuleAsyncOptions<TUser extends object = object> = ConfigurableModuleAsyncOptions<
  JwtAuthModuleOptions<TUser>,
  'createJwtAuthOptions'
> &
  JwtAuthModuleExtras;
export const JwtAuthModuleAsyncOptions = ASYNC_OPTIONS_TYPE;
