import { Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard } from '../lib/index.js';
import { JWT_AUTH_SECURITY_SCHEME } from '../lib/openapi/index.js';
import {
  IsAdminUser,
  IsAuthenticatedOrReadOnly,
  OptionalAuthentication,
  PermissionClasses,
  RecentLogin,
} from '../lib/permissions/index.js';
import type { User } from './users/user-store.js';

/**
 * DRF's permissions, one route each (README, "Permissions"): every route authenticates a token
 * it is sent, and its permission classes decide (401 for anonymous, 403 for a user refused).
 */
@Controller()
@UseGuards(JwtAuthGuard)
@ApiSecurity(JWT_AUTH_SECURITY_SCHEME)
export class PermissionsController {
  /** DRF: `permission_classes = [IsAdminUser]`. `npm run users -- add alice pw --staff`. */
  @Get('admin-url')
  @PermissionClasses(IsAdminUser)
  admin(@CurrentUser() user: User): { message: string; username: string } {
    return { message: `Hello, ${user.username}: you are staff.`, username: user.username };
  }

  /** DRF: `permission_classes = [AllowAny]` (still authenticating a token sent). */
  @Get('optional-url')
  @OptionalAuthentication()
  optional(@CurrentUser() user: User | undefined): { username: string } {
    return { username: user?.username ?? 'anonymous' };
  }

  /** DRF: `permission_classes = [IsAuthenticatedOrReadOnly]`. */
  @Get('readonly-url')
  @PermissionClasses(IsAuthenticatedOrReadOnly)
  read(@CurrentUser() user: User | undefined): { read: true; username: string } {
    return { read: true, username: user?.username ?? 'anonymous' };
  }

  @Post('readonly-url')
  @HttpCode(HttpStatus.OK)
  @PermissionClasses(IsAuthenticatedOrReadOnly)
  write(@CurrentUser() user: User): { written: true; username: string } {
    return { written: true, username: user.username };
  }

  /** A login (a password, not a refresh) in the last 5 minutes: flask-jwt-extended's fresh tokens. */
  @Post('fresh-url')
  @HttpCode(HttpStatus.OK)
  @RecentLogin('5m')
  fresh(@CurrentUser() user: User): { message: string; username: string } {
    return { message: `Sensitive action done for ${user.username}.`, username: user.username };
  }

  @Get('fresh-url')
  @RecentLogin('5m')
  freshCheck(@CurrentUser() user: User): { message: string; username: string } {
    return { message: `${user.username} logged in within the last 5 minutes.`, username: user.username };
  }
}
