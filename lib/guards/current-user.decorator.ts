import { createParamDecorator, type ExecutionContext, type PipeTransform, type Type } from '@nestjs/common';
import { userOf } from './execution-context.js';

// Typed here: the inferred type names ParameterDecoratorOptions, which Nest 11 does not have.
/**
 * The user JwtAuthGuard (or, in gateways, WsJwtAuthGuard) authenticated, or one of its
 * properties: `@CurrentUser() user`, `@CurrentUser('username') name`. Works in controllers,
 * GraphQL resolvers and socket.io gateways.
 */
export const CurrentUser: (
  ...propertyOrPipes: (string | undefined | PipeTransform | Type<PipeTransform>)[]
) => ParameterDecorator = createParamDecorator((property: string | undefined, context: ExecutionContext) => {
  const user = userOf(context) as Record<string, unknown> | undefined;
  return property === undefined ? user : user?.[property];
});
