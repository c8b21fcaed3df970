import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { userOf } from './execution-context.js';

/**
 * The user JwtAuthGuard (or, in gateways, WsJwtAuthGuard) authenticated, or one of its
 * properties: `@CurrentUser() user`, `@CurrentUser('username') name`. Works in controllers,
 * GraphQL resolvers and socket.io gateways.
 */
export const CurrentUser = createParamDecorator((property: string | undefined, context: ExecutionContext) => {
  const user = userOf(context) as Record<string, unknown> | undefined;
  return property === undefined ? user : user?.[property];
});
