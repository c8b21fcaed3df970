import { Controller, type Type } from '@nestjs/common';
import { REFUSED_METHOD_HANDLERS, TOKEN_HANDLERS } from './token-handlers.js';
import { TokenController } from './token.controller.js';

/**
 * The controller of one module: a subclass of TokenController whose path is the module's route
 * prefix (Nest's router metadata, through @Controller). Each handler is a forwarder with the
 * handler's own metadata, so that what one module's document says of its handlers (OpenAPI
 * decorators write onto the handler functions) never reaches another module's.
 */
export function tokenControllerAt(routePrefix: string): Type<TokenController> {
  @Controller(routePrefix)
  class ModuleTokenController extends TokenController {}
  for (const name of [...TOKEN_HANDLERS, ...REFUSED_METHOD_HANDLERS]) {
    const handler = TokenController.prototype[name] as (...args: unknown[]) => unknown;
    const forwarder = function (this: TokenController, ...args: unknown[]) {
      return handler.apply(this, args);
    };
    Object.defineProperty(forwarder, 'name', { value: name });
    for (const key of Reflect.getMetadataKeys(handler)) {
      Reflect.defineMetadata(key, Reflect.getMetadata(key, handler), forwarder);
    }
    Object.defineProperty(ModuleTokenController.prototype, name, {
      value: forwarder,
      writable: true,
      configurable: true,
    });
  }
  return ModuleTokenController;
}
