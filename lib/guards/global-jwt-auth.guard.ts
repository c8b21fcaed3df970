import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { isExcluded, type RouteExclusions } from '../common/route-exclusions.js';
import { JWT_AUTH_GUARD_EXCLUSIONS } from '../jwt-auth.internal-constants.js';
import { routeTemplateOf } from '../transport/route-template.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';

/**
 * JwtAuthGuard as the app's global guard when `globalGuardExclude` is given: it leaves the
 * excluded routes and controllers to others (health checks, metrics), as `@Public()` would if
 * the app could decorate them. A route guarded explicitly (`@UseGuards(JwtAuthGuard)`) is still
 * guarded by that guard. Paths match the declared path of the route that runs, never the
 * client's path, so no spelling of a request can borrow another route's exclusion.
 */
@Injectable()
export class GlobalJwtAuthGuard extends JwtAuthGuard {
  // A property, not a constructor parameter: JwtAuthGuard's constructor is inherited as it is.
  @Inject(JWT_AUTH_GUARD_EXCLUSIONS) private readonly exclusions!: RouteExclusions;

  override canActivate(context: ExecutionContext): Promise<boolean> {
    const template =
      context.getType<string>() === 'http' ? routeTemplateOf(context.switchToHttp().getRequest<object>()) : undefined;
    if (isExcluded(this.exclusions, context.getClass(), template)) return Promise.resolve(true);
    return super.canActivate(context);
  }
}
