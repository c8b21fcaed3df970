import type { ExecutionContext } from '@nestjs/common';
import type { ComposedPermission, Permission, PermissionRequest, PermissionSpec } from '../common/permission.js';

/**
 * DRF's `&`, `|` and `~` on permission classes, as functions (TypeScript has no operator
 * overloading): `and(IsAuthenticated, IsAdminUser)` is `IsAuthenticated & IsAdminUser`,
 * `or(A, B)` is `A | B`, `not(A)` is `~A`. `and` and `or` take two or more operands, folded
 * left as Python folds `A & B & C`. A composition carries no `message`, as DRF's AND/OR/NOT
 * classes carry none: its refusal has DRF's default text.
 */
export function and(first: PermissionSpec, second: PermissionSpec, ...more: PermissionSpec[]): ComposedPermission {
  return Object.freeze({ operator: 'and', operands: Object.freeze([first, second, ...more]) });
}

export function or(first: PermissionSpec, second: PermissionSpec, ...more: PermissionSpec[]): ComposedPermission {
  return Object.freeze({ operator: 'or', operands: Object.freeze([first, second, ...more]) });
}

export function not(operand: PermissionSpec): ComposedPermission {
  return Object.freeze({ operator: 'not', operands: Object.freeze([operand]) });
}

const objectPermission = async (
  permission: Permission,
  request: PermissionRequest,
  context: ExecutionContext,
  object: unknown,
): Promise<boolean> =>
  permission.hasObjectPermission ? permission.hasObjectPermission(request, context, object) : true;

/** DRF's AND: both, for the request and for an object. */
export class AndPermission implements Permission {
  constructor(private readonly operands: readonly Permission[]) {}

  async hasPermission(request: PermissionRequest, context: ExecutionContext): Promise<boolean> {
    for (const operand of this.operands) if (!(await operand.hasPermission(request, context))) return false;
    return true;
  }

  async hasObjectPermission(request: PermissionRequest, context: ExecutionContext, object: unknown): Promise<boolean> {
    for (const operand of this.operands) {
      if (!(await objectPermission(operand, request, context, object))) return false;
    }
    return true;
  }
}

/**
 * DRF's OR. For an object, an operand counts only if it grants the request too, as DRF's OR
 * does: `or(IsAdminUser, IsOwner)` must not let a non-staff user through on IsAdminUser's
 * default `hasObjectPermission` (true).
 */
export class OrPermission implements Permission {
  constructor(private readonly operands: readonly Permission[]) {}

  async hasPermission(request: PermissionRequest, context: ExecutionContext): Promise<boolean> {
    for (const operand of this.operands) if (await operand.hasPermission(request, context)) return true;
    return false;
  }

  async hasObjectPermission(request: PermissionRequest, context: ExecutionContext, object: unknown): Promise<boolean> {
    for (const operand of this.operands) {
      if (
        (await operand.hasPermission(request, context)) &&
        (await objectPermission(operand, request, context, object))
      ) {
        return true;
      }
    }
    return false;
  }
}

/** DRF's NOT: the opposite, for the request and for an object. */
export class NotPermission implements Permission {
  constructor(private readonly operand: Permission) {}

  async hasPermission(request: PermissionRequest, context: ExecutionContext): Promise<boolean> {
    return !(await this.operand.hasPermission(request, context));
  }

  async hasObjectPermission(request: PermissionRequest, context: ExecutionContext, object: unknown): Promise<boolean> {
    return !(await objectPermission(this.operand, request, context, object));
  }
}
