import { Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Put, type Type } from '@nestjs/common';
import type { SimpleJwtPaths } from '../settings/simplejwt-options.js';
import { SimpleJwtController } from './simplejwt.controller.js';

/** simplejwt's POST handlers, by the path each is served at. */
export const SIMPLE_JWT_HANDLERS = [
  'obtain',
  'refresh',
  'verify',
  'blacklist',
] as const satisfies readonly (keyof SimpleJwtController & keyof SimpleJwtPaths)[];

/** The methods answered with 405 on simplejwt's paths, one handler each (Nest keeps one per handler). */
const REFUSED = { get: Get, put: Put, patch: Patch, delete: Delete } as const;

/**
 * The simplejwt controller of one module: a subclass of SimpleJwtController whose path is the
 * module's route prefix and whose handlers are served at the configured paths (as
 * tokenControllerAt does for djangorestframework-jwt's: forwarders with their own metadata).
 */
export function simpleJwtControllerAt(routePrefix: string, paths: Required<SimpleJwtPaths>): Type<SimpleJwtController> {
  @Controller(routePrefix)
  class ModuleSimpleJwtController extends SimpleJwtController {}
  const prototype = ModuleSimpleJwtController.prototype as unknown as Record<string, unknown>;
  const define = (name: string, handler: (...args: unknown[]) => unknown, decorators: MethodDecorator[]) => {
    const forwarder = function (this: SimpleJwtController, ...args: unknown[]) {
      return handler.apply(this, args);
    };
    Object.defineProperty(forwarder, 'name', { value: name });
    Object.defineProperty(prototype, name, { value: forwarder, writable: true, configurable: true });
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name) as PropertyDescriptor;
    for (const decorate of decorators) decorate(prototype, name, descriptor);
  };
  for (const name of SIMPLE_JWT_HANDLERS) {
    const handler = SimpleJwtController.prototype[name] as (...args: unknown[]) => unknown;
    define(name, handler, [Post(paths[name]), HttpCode(HttpStatus.OK)]);
  }
  const all = SIMPLE_JWT_HANDLERS.map((name) => paths[name]);
  for (const [method, decorator] of Object.entries(REFUSED)) {
    const name = `${method}Refused`;
    // The parameters' decorators are recorded under the handler's name: copy refuseMethod's.
    copyParameters(ModuleSimpleJwtController, 'refuseMethod', name);
    define(name, SimpleJwtController.prototype.refuseMethod as (...args: unknown[]) => unknown, [decorator(all)]);
  }
  return ModuleSimpleJwtController;
}

/** Nest's route-argument metadata (`@Req()`, `@Res()`) of one handler, given to another. */
function copyParameters(target: Type<unknown>, from: string, to: string): void {
  for (const key of Reflect.getMetadataKeys(target, from)) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, target, from), target, to);
  }
}
