import { Inject, Injectable, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  isComposedPermission,
  type Permission,
  type PermissionClass,
  type PermissionSpec,
} from '../common/permission.js';
import { AndPermission, NotPermission, OrPermission } from './composition.js';

/**
 * Turns permission specs into instances, once per spec: a class the app registered as a provider
 * (in any module) is that provider; any other class is created by Nest in JwtAuthModule's
 * scope, with its constructor's dependencies injected (`UserLookupService`, `JwtAuthService`,
 * the providers of JwtAuthModule's `imports`). Compositions become DRF's AND/OR/NOT.
 */
@Injectable()
export class PermissionResolver {
  private readonly instances = new Map<PermissionSpec, Promise<Permission>>();

  constructor(@Optional() @Inject(ModuleRef) private readonly moduleRef?: ModuleRef) {}

  resolve(specs: readonly PermissionSpec[]): Promise<Permission[]> {
    return Promise.all(specs.map((spec) => this.instance(spec)));
  }

  private instance(spec: PermissionSpec): Promise<Permission> {
    let instance = this.instances.get(spec);
    if (instance === undefined) {
      instance = this.create(spec);
      // A failure (a dependency Nest cannot inject) is not kept: it is a bug the app fixes.
      instance.catch(() => this.instances.delete(spec));
      this.instances.set(spec, instance);
    }
    return instance;
  }

  private async create(spec: PermissionSpec): Promise<Permission> {
    if (!isComposedPermission(spec)) return this.createClass(spec);
    const operands = await this.resolve(spec.operands);
    if (spec.operator === 'not') return new NotPermission(operands[0]);
    return spec.operator === 'and' ? new AndPermission(operands) : new OrPermission(operands);
  }

  private async createClass(type: PermissionClass): Promise<Permission> {
    if (this.moduleRef === undefined) return new type();
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return this.moduleRef.create(type);
    }
  }
}
