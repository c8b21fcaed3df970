import type { ExecutionContext } from '@nestjs/common';
import type { CredentialsRequest } from './credentials.js';
import { graphqlWsConnectionOf } from './graphql-ws-connection.js';
import { rpcUserOf } from './rpc-credentials.js';

/** What the guard reads from and writes to: an Express request or a Fastify request. */
export type AuthRequest = CredentialsRequest & { user?: object };

/** A socket.io socket, as far as authentication goes: `data` is socket.io's per-socket store. */
interface SocketLike {
  data?: { user?: object } | null;
}

/**
 * The HTTP request a handler serves. GraphQL resolvers find it in their context (args[2]) at
 * `req`, where @nestjs/apollo puts it on both Express and Fastify. Read without importing
 * @nestjs/graphql, so that apps without GraphQL need not install it.
 */
export function requestOf(context: ExecutionContext): AuthRequest {
  const type = context.getType<string>();
  if (type === 'http') return context.switchToHttp().getRequest<AuthRequest>();
  if (type === 'graphql') {
    const request = (context.getArgByIndex<{ req?: AuthRequest } | undefined>(2) ?? {}).req;
    if (request?.headers !== undefined) return request;
    throw new Error('nest-rest-jwt: JwtAuthGuard found no request at `req` in the GraphQL context');
  }
  // Failing closed: a guard that cannot read credentials must not let the call through.
  throw new Error(
    `nest-rest-jwt: JwtAuthGuard reads HTTP and GraphQL requests, not '${type}' calls` +
      (type === 'ws' ? ': guard gateways with WsJwtAuthGuard from nest-rest-jwt/websockets' : ''),
  );
}

/** The HTTP response (Express) or reply (Fastify), when the handler has one: GraphQL's has none. */
export function responseOf(context: ExecutionContext): unknown {
  return context.getType<string>() === 'http' ? context.switchToHttp().getResponse<unknown>() : undefined;
}

/**
 * The user the guards authenticated: `request.user` on HTTP and GraphQL, `client.data.user`
 * (socket.io's per-socket data, set by WsJwtAuthGuard) in gateways, beside the message in
 * microservice handlers, on the graphql-ws connection in subscriptions.
 */
export function userOf(context: ExecutionContext): object | undefined {
  if (context.getType<string>() === 'ws') return context.switchToWs().getClient<SocketLike>().data?.user;
  if (context.getType<string>() === 'rpc') return rpcUserOf(context);
  const connection = graphqlWsConnectionOf(context);
  if (connection !== undefined) return connection.user;
  return requestOf(context).user;
}
