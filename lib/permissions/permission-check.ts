import type { ExecutionContext } from '@nestjs/common';
import type { JwtPayload } from '../common/jwt.js';
import type { MaybePromise } from '../common/maybe-promise.js';
import { PERMISSION_DENIED } from '../common/messages.js';
import type { Permission, PermissionRequest } from '../common/permission.js';
import { notAuthenticated, type Refusal } from '../common/refusal.js';

/** The claim names `@RequireRoles()` and `@RequireScopes()` read (`permissions.rolesClaim`...). */
export interface ClaimNames {
  readonly roles: string;
  readonly scopes: string;
}

/** What the guard decided and what a check after it needs: the permissions and how to refuse. */
export interface PermissionState {
  readonly permissions: readonly Permission[];
  /** The context the guard ran in (DRF's `view`). */
  readonly context: ExecutionContext;
  /** The verified token's payload (decoded once, when a permission asks), undefined when anonymous. */
  readonly payload: () => Readonly<JwtPayload> | undefined;
  readonly claimNames: ClaimNames;
  /** The refusal of an anonymous request (the guard's own, which its log line explains). */
  readonly anonymousRefusal?: Refusal | undefined;
  /** The refusal as the guard answers it (logged, headers set), to throw. */
  readonly render: (refusal: Refusal) => Promise<Error>;
}

/** Where the guard leaves, on the request, what the route's permissions need after it. */
const PERMISSION_STATE = Symbol('nest-rest-jwt:permission-state');

type StatefulRequest = PermissionRequest & { [PERMISSION_STATE]?: PermissionState };

export function setPermissionState(request: PermissionRequest, state: PermissionState): void {
  (request as StatefulRequest)[PERMISSION_STATE] = state;
}

export function permissionStateOf(request: PermissionRequest): PermissionState | undefined {
  return (request as StatefulRequest)[PERMISSION_STATE];
}

/**
 * DRF's `permission_denied`: a request that is not authenticated is asked for credentials (401
 * "Authentication credentials were not provided.", `WWW-Authenticate`); an authenticated one is
 * refused (403, the permission's `message` or DRF's default).
 */
export function permissionRefusal(permission: Permission, request: PermissionRequest, anonymous?: Refusal): Refusal {
  const name = permission.constructor.name || 'permission';
  if (request.user === undefined) return anonymous ?? notAuthenticated(`anonymous, refused by ${name}`);
  const message =
    typeof permission.message === 'string' && permission.message !== '' ? permission.message : PERMISSION_DENIED;
  const code = typeof permission.code === 'string' ? permission.code : undefined;
  return { status: 403, reason: `refused by ${name}`, message, ...(code === undefined ? {} : { code }) };
}

/**
 * DRF's `check_permissions`: the first permission that refuses the request, if any. Answers at
 * once while the permissions do (the built-in ones all do): no promise on the common path.
 */
export function refusingPermission(
  permissions: readonly Permission[],
  request: PermissionRequest,
  context: ExecutionContext,
  from = 0,
): MaybePromise<Permission | undefined> {
  for (let i = from; i < permissions.length; i++) {
    const granted = permissions[i].hasPermission(request, context);
    if (typeof granted === 'boolean') {
      if (!granted) return permissions[i];
      continue;
    }
    return Promise.resolve(granted).then((answer) =>
      answer ? refusingPermission(permissions, request, context, i + 1) : permissions[i],
    );
  }
  return undefined;
}

/** DRF's `check_object_permissions`: the first permission that refuses this object, if any. */
export async function refusingObjectPermission(
  permissions: readonly Permission[],
  request: PermissionRequest,
  context: ExecutionContext,
  object: unknown,
): Promise<Permission | undefined> {
  for (const permission of permissions) {
    if (permission.hasObjectPermission && !(await permission.hasObjectPermission(request, context, object))) {
      return permission;
    }
  }
  return undefined;
}
