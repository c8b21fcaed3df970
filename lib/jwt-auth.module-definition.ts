import { ConfigurableModuleBuilder } from '@nestjs/common';
import { JWT_AUTH_MODULE_OPTIONS } from './jwt-auth.constants.js';
import { addModuleParts, type ModuleExtras } from './jwt-auth.providers.js';
import type { JwtAuthModuleOptions } from './settings/jwt-auth-options.interface.js';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<JwtAuthModuleOptions>({
    optionsInjectionToken: JWT_AUTH_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createJwtAuthOptions')
    .setExtras<ModuleExtras>(
      { isGlobal: false, globalGuard: false, controller: true, routePrefix: '', imports: [], jwks: false },
      addModuleParts,
    )
    .build();
