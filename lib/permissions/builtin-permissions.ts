import { Injectable } from '@nestjs/common';
import type { PermissionRequest } from '../common/permission.js';
import { UserLookupService } from '../users/user-lookup.service.js';
import { BasePermission } from './base-permission.js';

/** DRF's SAFE_METHODS: the methods IsAuthenticatedOrReadOnly lets anonymous requests use. */
export const SAFE_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'OPTIONS']);

/** DRF's AllowAny: anyone, anonymous or not. A token sent is still checked (a bad one is a 401). */
export class AllowAny extends BasePermission {
  override hasPermission(): boolean {
    return true;
  }
}

/** DRF's IsAuthenticated: a user authenticated by a token (the default of every guarded route). */
export class IsAuthenticated extends BasePermission {
  override hasPermission(request: PermissionRequest): boolean {
    return request.user !== undefined;
  }
}

/** DRF's IsAdminUser: a staff user, as `UserLookupService.isStaff` tells (`is_staff`). */
@Injectable()
export class IsAdminUser extends BasePermission {
  constructor(private readonly users: UserLookupService) {
    super();
  }

  override hasPermission(request: PermissionRequest): boolean {
    return request.user !== undefined && this.users.isStaff(request.user);
  }
}

/** DRF's IsAuthenticatedOrReadOnly: GET, HEAD and OPTIONS for anyone, the rest authenticated. */
export class IsAuthenticatedOrReadOnly extends BasePermission {
  override hasPermission(request: PermissionRequest): boolean {
    return SAFE_METHODS.includes((request.method ?? '').toUpperCase()) || request.user !== undefined;
  }
}
