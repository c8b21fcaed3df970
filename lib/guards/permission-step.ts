import type { ExecutionContext } from '@nestjs/common';
import type { ModuleRef, Reflector } from '@nestjs/core';
import type { JwtPayload } from '../common/jwt.js';
import type { Permission } from '../common/permission.js';
import type { Refusal } from '../common/refusal.js';
import { IsAuthenticated } from '../permissions/builtin-permissions.js';
import { permissionRefusal, refusingPermission, setPermissionState } from '../permissions/permission-check.js';
import { routePermissionClasses, routeRequirements } from '../permissions/permission-metadata.js';
import { PermissionResolver } from '../permissions/permission-resolver.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { TokenUser } from '../users/token-user.js';
import { readCredentials } from './credentials.js';
import type { AuthRequest } from './execution-context.js';

/** What the guard hands to the permission step, after authentication. */
export interface PermissionStepInput {
  readonly context: ExecutionContext;
  readonly request: AuthRequest & { method?: string };
  readonly reflector: Reflector;
  readonly settings: JwtAuthSettings;
  readonly resolver: PermissionResolver;
  /** The refusal of a request that sent no credentials (undefined: authenticated). */
  readonly anonymousRefusal: Refusal | undefined;
  readonly render: (refusal: Refusal) => Promise<Error>;
}

/** DRF's default of this module when nothing is configured: the guard's answer before permissions. */
const DEFAULT_PERMISSIONS: readonly Permission[] = Object.freeze([new IsAuthenticated()]);

/**
 * DRF's `check_permissions`, after authentication: the route's permission classes (or the
 * module's defaults, else IsAuthenticated), then its requirements (`@RequireScopes()`...).
 * Leaves what `@ObjectPermissions()` needs on the request. Returns the refusal, if any.
 */
export async function checkRoutePermissions(input: PermissionStepInput): Promise<Refusal | undefined> {
  const { context, request, reflector, settings } = input;
  const specs = routePermissionClasses(reflector, context) ?? settings.permissions.defaultPermissionClasses;
  const requirements = routeRequirements(reflector, context);
  const permissions =
    specs === undefined && requirements.length === 0
      ? DEFAULT_PERMISSIONS
      : await input.resolver.resolve([...(specs ?? [IsAuthenticated]), ...requirements]);
  setPermissionState(request, {
    permissions,
    context,
    payload: payloadReader(request, settings),
    claimNames: settings.permissions.claimNames,
    anonymousRefusal: input.anonymousRefusal,
    render: input.render,
  });
  const refusing = await refusingPermission(permissions, request, context);
  return refusing === undefined ? undefined : permissionRefusal(refusing, request, input.anonymousRefusal);
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
