// nest-rest-jwt/permissions: DRF's permission classes and their composition, optional
// authentication, claims and recent-login requirements, all checked by JwtAuthGuard.
export { BasePermission } from './base-permission.js';
export {
  AllowAny,
  IsAdminUser,
  IsAuthenticated,
  IsAuthenticatedOrReadOnly,
  SAFE_METHODS,
} from './builtin-permissions.js';
export { and, not, or } from './composition.js';
export { type ObjectPermissionCheck, ObjectPermissions } from './object-permissions.decorator.js';
export { OptionalAuthentication, PermissionClasses } from './permission-metadata.js';
export { LoginWithin, RecentLogin } from './recent-login.js';
export { HasClaims, HasRoles, HasScopes, RequireClaims, RequireRoles, RequireScopes } from './token-claims.js';
export type {
  ComposedPermission,
  Permission,
  PermissionClass,
  PermissionOptions,
  PermissionRequest,
  PermissionSpec,
} from '../common/permission.js';
