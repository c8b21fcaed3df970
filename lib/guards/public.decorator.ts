import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY } from '../jwt-auth.constants.js';

/** Opens a route (or a whole controller) when JwtAuthGuard is registered globally. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Per class, per handler: metadata is fixed once the app is built, so the reflection (two
 * metadata reads per request, the guard's largest cost after the token) runs once per route.
 */
const answers = new WeakMap<Reflector, WeakMap<object, WeakMap<object, boolean>>>();

/** Whether the handler or its class is marked @Public() (the handler's mark wins). */
export function isPublic(reflector: Reflector, context: ExecutionContext): boolean {
  const handler = context.getHandler();
  const owner = context.getClass();
  if (typeof handler !== 'function' || typeof owner !== 'function') {
    return reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [handler, owner]) === true;
  }
  let byClass = answers.get(reflector);
  if (byClass === undefined) answers.set(reflector, (byClass = new WeakMap()));
  let byHandler = byClass.get(owner);
  if (byHandler === undefined) byClass.set(owner, (byHandler = new WeakMap()));
  let answer = byHandler.get(handler);
  if (answer === undefined) {
    answer = reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [handler, owner]) === true;
    byHandler.set(handler, answer);
  }
  return answer;
}
