import { JwtAuthConfigError } from '../common/errors.js';
import { optionalString } from '../common/option-validators.js';
import { type PermissionOptions, type PermissionSpec, permissionSpecProblem } from '../common/permission.js';

/** The `permissions` option, validated. */
export interface PermissionSettings {
  /** undefined: DRF's default of this module, `[IsAuthenticated]`. */
  readonly defaultPermissionClasses?: readonly PermissionSpec[];
  readonly claimNames: { readonly roles: string; readonly scopes: string };
}

/** RFC 9068's names: `scope` (space-separated), `roles`. */
const DEFAULT_CLAIM_NAMES = { roles: 'roles', scopes: 'scope' } as const;

export function resolvePermissionSettings(raw: PermissionOptions | undefined): PermissionSettings {
  if (raw === undefined) return { claimNames: DEFAULT_CLAIM_NAMES };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new JwtAuthConfigError('permissions', 'must be an object');
  }
  const classes: unknown = raw.defaultPermissionClasses;
  if (classes !== undefined && !Array.isArray(classes)) {
    throw new JwtAuthConfigError('permissions.defaultPermissionClasses', 'must be a list of permission classes');
  }
  for (const spec of (classes as unknown[] | undefined) ?? []) {
    const problem = permissionSpecProblem(spec);
    if (problem !== undefined) throw new JwtAuthConfigError('permissions.defaultPermissionClasses', problem);
  }
  return {
    ...(classes === undefined ? {} : { defaultPermissionClasses: Object.freeze([...(classes as PermissionSpec[])]) }),
    claimNames: Object.freeze({
      roles: optionalString(raw.rolesClaim, 'permissions.rolesClaim') ?? DEFAULT_CLAIM_NAMES.roles,
      scopes: optionalString(raw.scopesClaim, 'permissions.scopesClaim') ?? DEFAULT_CLAIM_NAMES.scopes,
    }),
  };
}
