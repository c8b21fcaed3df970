import { Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard } from '../lib/index.js';
import { JWT_AUTH_SECURITY_SCHEME } from '../lib/openapi/index.js';
import type { User } from './users/user-store.js';

@Controller()
export class AppController {
  /** Open to anyone: no guard. */
  @Get('public')
  open(): { message: string } {
    return { message: 'This route is public. POST your username and password to /api-token-auth/ for a token.' };
  }

  // ApiSecurity: Swagger UI sends the Authorize dialog's token to the routes JwtAuthGuard protects.
  @Get('protected-url')
  @UseGuards(JwtAuthGuard)
  @ApiSecurity(JWT_AUTH_SECURITY_SCHEME)
  get(@CurrentUser() user: User): { message: string; username: string } {
    return greet(user);
  }

  // 200 as in the djangorestframework-jwt example view, not Nest's default 201 for POST.
  @Post('protected-url')
  @HttpCode(HttpStatus.OK)
  @UseGuards(JwtAuthGuard)
  @ApiSecurity(JWT_AUTH_SECURITY_SCHEME)
  post(@CurrentUser() user: User): { message: string; username: string } {
    return greet(user);
  }
}

/** Only public fields: the user object also carries the password hash. */
function greet(user: User): { message: string; username: string } {
  return { message: `Hello, ${user.username}!`, username: user.username };
}
