import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { PermissionRequest } from '../common/permission.js';
import { permissionRefusal, permissionStateOf, refusingObjectPermission } from './permission-check.js';
import { markObjectPermissionsHandler } from './permission-metadata.js';

/** Checks an object against the route's permissions; throws the refusal (401 or 403) when one refuses. */
export type ObjectPermissionCheck = (object: unknown) => Promise<void>;

/** The request of an HTTP handler or a GraphQL resolver (at `req` in its context). */
function handlerRequest(context: ExecutionContext): PermissionRequest | undefined {
  if (context.getType<string>() === 'graphql') {
    return context.getArgByIndex<{ req?: PermissionRequest } | undefined>(2)?.req;
  }
  return context.getType<string>() === 'http' ? context.switchToHttp().getRequest<PermissionRequest>() : undefined;
}

/** The parameter: the check, made of what the guard left beside the request. */
const objectPermissionsParam = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ObjectPermissionCheck => {
    const request = handlerRequest(context);
    const state = request === undefined ? undefined : permissionStateOf(request);
    return async (object: unknown) => {
      // Failing closed: without the guard, nothing says who the user is.
      if (request === undefined || state === undefined) {
        throw new Error('nest-rest-jwt: @ObjectPermissions() needs JwtAuthGuard on the route (not @Public())');
      }
      const refusing = await refusingObjectPermission(state.permissions, request, state.context, object);
      if (refusing !== undefined)
        throw await state.render(permissionRefusal(refusing, request, state.anonymousRefusal));
    };
  },
);

/**
 * DRF's `self.check_object_permissions(request, obj)`, for a handler: gives a function that
 * runs `hasObjectPermission` of the route's permissions on an object and throws their refusal,
 * answered as the guard answers (status, body, `WWW-Authenticate`).
 *
 * `async get(@Param('id') id: string, @ObjectPermissions() check: ObjectPermissionCheck) {
 *   const article = await this.articles.find(id); await check(article); return article; }`
 */
export const ObjectPermissions = (): ParameterDecorator => {
  const param = objectPermissionsParam();
  return (target, key, index) => {
    param(target, key, index);
    // The guard keeps the route's permissions beside the request only for handlers that ask.
    const handler = key === undefined ? undefined : (target as Record<string | symbol, unknown>)[key];
    if (typeof handler === 'function') markObjectPermissionsHandler(handler);
  };
};
