import type { ExecutionContext } from '@nestjs/common';
import { claimMismatch, missingRole, missingScopes } from '../common/messages.js';
import type { Permission, PermissionClass, PermissionRequest } from '../common/permission.js';
import { type ClaimNames, permissionStateOf } from './permission-check.js';
import { AddPermissionRequirements } from './permission-metadata.js';

type ClaimValue = string | number | boolean;

/** A claim read as a list: an array as it is, a string split on spaces (OAuth's `scope`). */
function listClaim(value: unknown, splitString: boolean): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value !== 'string') return [];
  return splitString ? value.split(/\s+/).filter((item) => item !== '') : [value];
}

function nonEmptyStrings(values: readonly unknown[], decorator: string): readonly string[] {
  if (values.length === 0 || values.some((value) => typeof value !== 'string' || value === '')) {
    throw new TypeError(`nest-rest-jwt: @${decorator}() takes one or more non-empty strings`);
  }
  return Object.freeze([...(values as string[])]);
}

/** A permission that reads the verified token's claims: refused for an anonymous request. */
abstract class TokenClaimsPermission implements Permission {
  abstract readonly message: string;
  readonly code: string = 'permission_denied';

  hasPermission(request: PermissionRequest, _context: ExecutionContext): boolean {
    const state = permissionStateOf(request);
    const payload = state?.payload();
    return state !== undefined && payload !== undefined && this.grants(payload, state.claimNames);
  }

  protected abstract grants(payload: Readonly<Record<string, unknown>>, names: ClaimNames): boolean;
}

/** A permission class granting tokens with every one of these scopes (`permissions.scopesClaim`). */
export function HasScopes(...scopes: string[]): PermissionClass {
  const required = nonEmptyStrings(scopes, 'RequireScopes');
  return class HasScopes extends TokenClaimsPermission {
    readonly message = missingScopes(required);
    protected grants(payload: Readonly<Record<string, unknown>>, names: ClaimNames): boolean {
      const granted = new Set(listClaim(payload[names.scopes], true));
      return required.every((scope) => granted.has(scope));
    }
  };
}

/** A permission class granting tokens with at least one of these roles (`permissions.rolesClaim`). */
export function HasRoles(...roles: string[]): PermissionClass {
  const accepted = nonEmptyStrings(roles, 'RequireRoles');
  return class HasRoles extends TokenClaimsPermission {
    readonly message = missingRole(accepted);
    protected grants(payload: Readonly<Record<string, unknown>>, names: ClaimNames): boolean {
      return listClaim(payload[names.roles], false).some((role) => accepted.includes(role));
    }
  };
}

/**
 * A permission class granting tokens whose claims have these values: each named claim equals
 * the value, or one of the values of a list (a claim that is a list: contains one of them).
 */
export function HasClaims(claims: Readonly<Record<string, ClaimValue | readonly ClaimValue[]>>): PermissionClass {
  const entries = Object.entries(claims ?? {}) as [string, ClaimValue | readonly ClaimValue[]][];
  if (entries.length === 0) throw new TypeError('nest-rest-jwt: @RequireClaims() takes an object of claim values');
  return class HasClaims extends TokenClaimsPermission {
    // One text for every request: the instance is shared, so it never says which claim failed.
    readonly message = claimMismatch(entries.map(([claim]) => claim));
    protected grants(payload: Readonly<Record<string, unknown>>): boolean {
      return entries.every(([claim, allowed]) => {
        const values: readonly unknown[] = Array.isArray(allowed) ? allowed : [allowed];
        const held: unknown = payload[claim];
        return Array.isArray(held) ? held.some((item) => values.includes(item)) : values.includes(held);
      });
    }
  };
}

/** Requires every one of these scopes in the token (403 naming them). Needs JwtAuthGuard. */
export const RequireScopes = (...scopes: string[]): MethodDecorator & ClassDecorator =>
  AddPermissionRequirements(HasScopes(...scopes));

/** Requires at least one of these roles in the token (403 naming them). Needs JwtAuthGuard. */
export const RequireRoles = (...roles: string[]): MethodDecorator & ClassDecorator =>
  AddPermissionRequirements(HasRoles(...roles));

/** Requires these claim values in the token (403 naming the claim). Needs JwtAuthGuard. */
export const RequireClaims = (
  claims: Readonly<Record<string, ClaimValue | readonly ClaimValue[]>>,
): MethodDecorator & ClassDecorator => AddPermissionRequirements(HasClaims(claims));
