import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUser, JwtAuthGuard, JwtAuthModule, type JwtAuthModuleOptions, Public } from '../../lib/index.js';
import {
  and,
  BasePermission,
  IsAdminUser,
  IsAuthenticated,
  IsAuthenticatedOrReadOnly,
  not,
  type ObjectPermissionCheck,
  ObjectPermissions,
  OptionalAuthentication,
  or,
  PermissionClasses,
  type PermissionRequest,
} from '../../lib/permissions/index.js';
import { type AdapterName, SECRET, type TestApp, UsersModule } from '../support/apps.js';
import { startCustomApp } from '../support/custom-app.js';
import type { TestUser } from '../support/users.js';

export const PERMISSION_DENIED = 'You do not have permission to perform this action.';
export const NOT_PROVIDED = 'Authentication credentials were not provided.';

/** A provider a custom permission injects: permissions are created by Nest, with their dependencies. */
@Injectable()
export class OpeningHours {
  open = true;
}

@Module({ providers: [OpeningHours], exports: [OpeningHours] })
export class OpeningHoursModule {}

/** A custom permission with its own message and code, and an injected dependency. */
@Injectable()
export class DuringOpeningHours extends BasePermission {
  override readonly message = 'The shop is closed.';
  override readonly code = 'closed';

  constructor(private readonly hours: OpeningHours) {
    super();
  }

  override hasPermission(): boolean {
    return this.hours.open;
  }
}

/** An object permission: the user owns the object (`{ owner }`). */
export class IsOwner extends BasePermission {
  override hasObjectPermission(request: PermissionRequest, _context: unknown, object: unknown): boolean {
    return (request.user as TestUser | undefined)?.username === (object as { owner: string }).owner;
  }
}

@Controller('perm')
@UseGuards(JwtAuthGuard)
export class PermissionsController {
  @Get('default')
  byDefault(@CurrentUser('username') username: string) {
    return { username };
  }

  @Get('optional')
  @OptionalAuthentication()
  optional(@CurrentUser('username') username: string | undefined) {
    return { username: username ?? 'anonymous' };
  }

  @Get('public')
  @Public()
  open(@CurrentUser('username') username: string | undefined) {
    return { username: username ?? null };
  }

  @Get('admin')
  @PermissionClasses(IsAdminUser)
  admin(@CurrentUser('username') username: string) {
    return { username };
  }

  @Get('readonly')
  @PermissionClasses(IsAuthenticatedOrReadOnly)
  read() {
    return { read: true };
  }

  @Post('readonly')
  @PermissionClasses(IsAuthenticatedOrReadOnly)
  write() {
    return { written: true };
  }

  @Get('custom')
  @PermissionClasses(IsAuthenticated, DuringOpeningHours)
  custom() {
    return { ok: true };
  }

  @Get('and')
  @PermissionClasses(and(IsAuthenticated, IsAdminUser))
  both() {
    return { ok: true };
  }

  @Get('or')
  @PermissionClasses(or(IsAdminUser, DuringOpeningHours))
  either() {
    return { ok: true };
  }

  @Get('not')
  @PermissionClasses(not(IsAuthenticated))
  anonymousOnly() {
    return { ok: true };
  }

  @Get('owned/:owner')
  @PermissionClasses(IsAuthenticated, IsOwner)
  async owned(@Param('owner') owner: string, @ObjectPermissions() check: ObjectPermissionCheck) {
    const object = { owner };
    await check(object);
    return object;
  }

  @Get('staff-or-owner/:owner')
  @PermissionClasses(or(IsAdminUser, IsOwner))
  async staffOrOwner(@Param('owner') owner: string, @ObjectPermissions() check: ObjectPermissionCheck) {
    const object = { owner };
    await check(object);
    return object;
  }

  // No permission classes: the default IsAuthenticated, which has no object permission to refuse.
  @Get('default-owned/:owner')
  async defaultOwned(@Param('owner') owner: string, @ObjectPermissions() check: ObjectPermissionCheck) {
    await check({ owner });
    return { owner };
  }

  @Get('optional-owned/:owner')
  @PermissionClasses(or(IsOwner, not(IsAuthenticated)))
  async optionalOwned(@Param('owner') owner: string, @ObjectPermissions() check: ObjectPermissionCheck) {
    await check({ owner });
    return { owner };
  }
}

/** Staff for the whole controller; one route opened to anyone (the route's classes win). */
@Controller('staff-area')
@UseGuards(JwtAuthGuard)
@PermissionClasses(IsAdminUser)
export class StaffAreaController {
  @Get()
  index() {
    return { staff: true };
  }

  @Get('lobby')
  @PermissionClasses(IsAuthenticatedOrReadOnly)
  lobby() {
    return { lobby: true };
  }
}

/** The app of these tests: `admin` (not staff), `staff` (isStaff), the controllers above. */
export async function startPermissionsApp(
  adapter: AdapterName,
  options: Partial<JwtAuthModuleOptions> = {},
  { globalGuard = false }: { globalGuard?: boolean } = {},
): Promise<TestApp & { hours: OpeningHours }> {
  const t = await startCustomApp(adapter, {
    imports: [
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        imports: [UsersModule, OpeningHoursModule],
        globalGuard,
        ...options,
      }),
    ],
    controllers: [PermissionsController, StaffAreaController],
  });
  const staff = { id: 3, username: 'staff', password: 'pw', isActive: true, isStaff: true };
  t.users.add(staff);
  return { ...t, hours: t.app.get(OpeningHours, { strict: false }) };
}
