import type { ExecutionContext } from '@nestjs/common';
import type { Permission, PermissionRequest } from '../common/permission.js';

/**
 * DRF's BasePermission: grants everything until a subclass says otherwise. Subclasses are
 * created by Nest, so their constructors can inject providers (mark them `@Injectable()`).
 */
export abstract class BasePermission implements Permission {
  /** The text of a refusal of an authenticated user (DRF's default when undefined). */
  readonly message?: string | undefined;
  /** DRF's `code`: given to the refusal (`Refusal.code`) for renderers that show one. */
  readonly code?: string | undefined;

  hasPermission(_request: PermissionRequest, _context: ExecutionContext): boolean | Promise<boolean> {
    return true;
  }

  hasObjectPermission(
    _request: PermissionRequest,
    _context: ExecutionContext,
    _object: unknown,
  ): boolean | Promise<boolean> {
    return true;
  }
}
