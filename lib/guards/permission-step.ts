import type { ExecutionContext } from '@nestjs/common';
import type { ModuleRef, Reflector } from '@nestjs/core';
import type { JwtPayload } from '../common/jwt.js';
import { isPromiseLike, type MaybePromise } from '../common/maybe-promise.js';
import type { Permission } from '../common/permission.js';
import type { Refusal } from '../common/refusal.js';
import { IsAuthenticated } from '../permissions/builtin-permissions.js';
import { permissionRefusal, refusingPermission, setPermissionState } from '../permissions/permission-check.js';
import {
  routePermissionClasses,
  routeRequirements,
  routeTakesObjectPermissions,
} from '../permissions/permission-metadata.js';
import { PermissionResolver } from '../permissions/permission-resolver.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { TokenUser } from '../users/token-user.js';
import { readCredentials } from './credentials.js';
import type { AuthRequest } from './execution-context.js';

/** What the guard hands to the permission step, after authentication. */
export interface PermissionStepInput {
  readonly context: ExecutionContext;
  readonly request: AuthRequest & { method?: string };
  readonly settings: JwtAuthSettings;
  /** The route's permissions (RoutePermissions.of). */
  readonly route: RoutePermissionSet;
  /** The refusal of a request that sent no credentials (undefined: authenticated). */
  readonly anonymousRefusal: Refusal | undefined;
  readonly render: (refusal: Refusal) => Promise<Error>;
}

/** What a route asks of the permission step. */
export interface RoutePermissionSet {
  readonly permissions: readonly Permission[];
  /**
   * Whether something after the guard reads the request's permission state: `@ObjectPermissions()`,
   * or a permission that is not the module's plain default. Otherwise nothing is left on the
   * request (a property added to Express's request objects costs microseconds).
   */
  readonly keepState: boolean;
}

/** DRF's default of this module when nothing is configured: the guard's answer before permissions. */
const DEFAULT_PERMISSIONS: readonly Permission[] = Object.freeze([new IsAuthenticated()]);

/**
 * The permissions of each route, resolved once: the route's permission classes (or the module's
 * defaults, else IsAuthenticated), then its requirements (`@RequireScopes()`...). Metadata is
 * fixed once the app is built, and the resolver gives one instance per class, so the reflection
 * and the resolving run once per route (per guard: each has its module's defaults).
 */
export class RoutePermissions {
  private readonly byClass = new WeakMap<object, WeakMap<object, RoutePermissionSet>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly defaults: JwtAuthSettings['permissions']['defaultPermissionClasses'],
    private readonly resolver: () => PermissionResolver,
  ) {}

  of(context: ExecutionContext): MaybePromise<RoutePermissionSet> {
    const handler = context.getHandler();
    const owner = context.getClass();
    if (typeof handler !== 'function' || typeof owner !== 'function') return this.resolve(context);
    let byHandler = this.byClass.get(owner);
    if (byHandler === undefined) this.byClass.set(owner, (byHandler = new WeakMap()));
    const known = byHandler.get(handler);
    if (known !== undefined) return known;
    const resolved = this.resolve(context);
    const keep = (route: RoutePermissionSet) => (byHandler.set(handler, route), route);
    return isPromiseLike(resolved) ? Promise.resolve(resolved).then(keep) : keep(resolved);
  }

  private resolve(context: ExecutionContext): MaybePromise<RoutePermissionSet> {
    const specs = routePermissionClasses(this.reflector, context) ?? this.defaults;
    const requirements = routeRequirements(this.reflector, context);
    if (specs === undefined && requirements.length === 0) {
      return { permissions: DEFAULT_PERMISSIONS, keepState: routeTakesObjectPermissions(this.reflector, context) };
    }
    return this.resolver()
      .resolve([...(specs ?? [IsAuthenticated]), ...requirements])
      .then((permissions) => ({ permissions, keepState: true }));
  }
}

/**
 * DRF's `check_permissions`, after authentication, with the route's permissions. Leaves what
 * `@ObjectPermissions()` needs beside the request. Returns the refusal, if any: at once when the
 * permissions answer at once (the built-in ones do), else a promise.
 */
export function checkRoutePermissions(input: PermissionStepInput): MaybePromise<Refusal | undefined> {
  const { context, request, settings } = input;
  const { permissions, keepState } = input.route;
  if (keepState) {
    setPermissionState(request, {
      permissions,
      context,
      payload: payloadReader(request, settings),
      claimNames: settings.permissions.claimNames,
      anonymousRefusal: input.anonymousRefusal,
      render: input.render,
    });
  }
  const refusing = refusingPermission(permissions, request, context);
  const refusal = (permission: Permission | undefined) =>
    permission === undefined ? undefined : permissionRefusal(permission, request, input.anonymousRefusal);
  return isPromiseLike(refusing) ? Promise.resolve(refusing).then(refusal) : refusal(refusing);
}

/**
 * The payload of the token the guard verified, decoded when a permission first asks (a
 * stateless TokenUser has it already). Decoding without verifying is sound here: it is the
 * very token the guard has just verified.
 */
function payloadReader(request: AuthRequest, settings: JwtAuthSettings): () => Readonly<JwtPayload> | undefined {
  let payload: Readonly<JwtPayload> | undefined;
  return () => {
    if (payload !== undefined || request.user === undefined) return payload;
    if (request.user instanceof TokenUser) return (payload = request.user.payload);
    const credentials = readCredentials(request, settings);
    if (credentials.kind !== 'token') return undefined;
    try {
      const decoded: unknown = JSON.parse(
        Buffer.from(credentials.token.split('.')[1] ?? '', 'base64url').toString('utf8'),
      );
      if (typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded)) payload = decoded as JwtPayload;
    } catch {
      // Verified tokens decode; anything else has no claims to grant anything.
    }
    return payload;
  };
}

/** The PermissionResolver of the app's JwtAuthModule, found once, or one of the guard's own. */
export function findPermissionResolver(moduleRef: ModuleRef | undefined): PermissionResolver {
  try {
    const found = moduleRef?.get(PermissionResolver, { strict: false, each: true }) ?? [];
    if (found.length > 0) return found[0];
  } catch {
    // No JwtAuthModule provides one (a guard built by hand): classes are created with `new`.
  }
  return new PermissionResolver(moduleRef);
}
