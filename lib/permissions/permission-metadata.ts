import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { type PermissionSpec, permissionSpecProblem } from '../common/permission.js';
import { AllowAny } from './builtin-permissions.js';

const PERMISSION_CLASSES_KEY = 'nest-rest-jwt:permission-classes';
const REQUIREMENTS_KEY = 'nest-rest-jwt:permission-requirements';
const OBJECT_PERMISSIONS_KEY = 'nest-rest-jwt:object-permissions';

function checked(specs: readonly PermissionSpec[], decorator: string): readonly PermissionSpec[] {
  for (const spec of specs) {
    const problem = permissionSpecProblem(spec);
    if (problem !== undefined) throw new TypeError(`nest-rest-jwt: @${decorator}() ${problem}`);
  }
  return Object.freeze([...specs]);
}

/**
 * DRF's `permission_classes` for a route or a controller (the route's wins, as a view's
 * attribute wins over the settings): every class must grant the request, in order; the first
 * that refuses answers. Replaces `defaultPermissionClasses` there. Needs JwtAuthGuard (per
 * route, per controller or global).
 */
export const PermissionClasses = (...specs: PermissionSpec[]): MethodDecorator & ClassDecorator =>
  SetMetadata(PERMISSION_CLASSES_KEY, checked(specs, 'PermissionClasses'));

/**
 * Authenticates when a token is sent, lets anonymous requests through (`@CurrentUser()` is
 * then undefined). A bad, expired or revoked token is still a 401. DRF: `AllowAny` with
 * JSONWebTokenAuthentication. `@Public()`, by contrast, does not authenticate at all.
 */
export const OptionalAuthentication = (): MethodDecorator & ClassDecorator => PermissionClasses(AllowAny);

/**
 * Adds requirements checked after the permission classes, from the controller and the route
 * both (`@RequireScopes()`, `@RecentLogin()`): each must grant the request too.
 */
export function AddPermissionRequirements(...specs: PermissionSpec[]): MethodDecorator & ClassDecorator {
  const added = checked(specs, 'AddPermissionRequirements');
  // Appended, not set: `@RequireScopes()` and `@RecentLogin()` on one route both apply.
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const where = (descriptor?.value as object | undefined) ?? target;
    const before = (Reflect.getMetadata(REQUIREMENTS_KEY, where) as readonly PermissionSpec[] | undefined) ?? [];
    Reflect.defineMetadata(REQUIREMENTS_KEY, Object.freeze([...before, ...added]), where);
  };
}

/** The route's permission classes (the handler's, else the controller's), or undefined. */
export function routePermissionClasses(
  reflector: Reflector,
  context: ExecutionContext,
): readonly PermissionSpec[] | undefined {
  return reflector.getAllAndOverride<readonly PermissionSpec[] | undefined>(PERMISSION_CLASSES_KEY, [
    context.getHandler(),
    context.getClass(),
  ]);
}

/** The requirements of the controller, then of the route. */
export function routeRequirements(reflector: Reflector, context: ExecutionContext): readonly PermissionSpec[] {
  const onClass = reflector.get<readonly PermissionSpec[] | undefined>(REQUIREMENTS_KEY, context.getClass()) ?? [];
  const onHandler = reflector.get<readonly PermissionSpec[] | undefined>(REQUIREMENTS_KEY, context.getHandler()) ?? [];
  return onClass.length === 0 ? onHandler : [...onClass, ...onHandler];
}

/** Marks a handler whose parameters take `@ObjectPermissions()`: the guard keeps what it needs. */
export function markObjectPermissionsHandler(handler: object): void {
  Reflect.defineMetadata(OBJECT_PERMISSIONS_KEY, true, handler);
}

/** Whether the route's handler takes `@ObjectPermissions()`. */
export function routeTakesObjectPermissions(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.get<boolean | undefined>(OBJECT_PERMISSIONS_KEY, context.getHandler()) === true;
}
