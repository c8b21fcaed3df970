import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * The user JwtAuthGuard authenticated (`request.user`), or one of its properties:
 * `@CurrentUser() user`, `@CurrentUser('username') name`.
 */
export const CurrentUser = createParamDecorator((property: string | undefined, context: ExecutionContext) => {
  const user = context.switchToHttp().getRequest<{ user?: Record<string, unknown> }>().user;
  return property === undefined ? user : user?.[property];
});
