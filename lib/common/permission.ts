import type { ExecutionContext, Type } from '@nestjs/common';

/**
 * What a permission reads of the request, as DRF's `request.user` and `request.method`: the
 * Express or Fastify request (or GraphQL's `req`). `user` is undefined for an anonymous request
 * (DRF's AnonymousUser).
 */
export interface PermissionRequest {
  readonly user?: object | undefined;
  readonly method?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * DRF's permission class: `hasPermission` for every request, `hasObjectPermission` when the
 * handler checks an object. `message` and `code` word its refusal of an authenticated user
 * (DRF's default text otherwise). The context is DRF's `view`: the handler and its controller.
 */
export interface Permission {
  hasPermission(request: PermissionRequest, context: ExecutionContext): boolean | Promise<boolean>;
  hasObjectPermission?(
    request: PermissionRequest,
    context: ExecutionContext,
    object: unknown,
  ): boolean | Promise<boolean>;
  readonly message?: string | undefined;
  readonly code?: string | undefined;
}

/** A permission class: Nest creates it (with its injected dependencies) once per app. */
export type PermissionClass = Type<Permission>;

/** DRF's `A & B`, `A | B` and `~A`: permissions composed, resolved into instances by the guard. */
export interface ComposedPermission {
  readonly operator: 'and' | 'or' | 'not';
  readonly operands: readonly PermissionSpec[];
}

/** What `@PermissionClasses()` and `defaultPermissionClasses` take: a class or a composition. */
export type PermissionSpec = PermissionClass | ComposedPermission;

export function isComposedPermission(spec: unknown): spec is ComposedPermission {
  return (
    typeof spec === 'object' &&
    spec !== null &&
    ['and', 'or', 'not'].includes((spec as ComposedPermission).operator) &&
    Array.isArray((spec as ComposedPermission).operands)
  );
}

/** Why a value is no permission spec (undefined when it is one), for start-up and decorator errors. */
export function permissionSpecProblem(spec: unknown): string | undefined {
  if (isComposedPermission(spec)) {
    for (const operand of spec.operands) {
      const problem = permissionSpecProblem(operand);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (
    typeof spec === 'function' &&
    typeof (spec.prototype as Partial<Permission> | undefined)?.hasPermission === 'function'
  ) {
    return undefined;
  }
  const shown =
    typeof spec === 'function' ? `class ${spec.name || '(anonymous)'}` : (JSON.stringify(spec) ?? String(spec));
  return `must list permission classes (a class with hasPermission, or and()/or()/not() of them), got ${shown}`;
}

/** The `permissions` option. */
export interface PermissionOptions {
  /**
   * DRF's `DEFAULT_PERMISSION_CLASSES`: what JwtAuthGuard checks on routes without
   * `@PermissionClasses()` (default `[IsAuthenticated]`, the guard's answer so far).
   */
  defaultPermissionClasses?: readonly PermissionSpec[] | undefined;
  /** The claim `@RequireRoles()` reads: a string or a list of strings (default `'roles'`). */
  rolesClaim?: string | undefined;
  /** The claim `@RequireScopes()` reads: space-separated (OAuth's `scope`) or a list (default `'scope'`). */
  scopesClaim?: string | undefined;
}
