import type { ExecutionContext } from '@nestjs/common';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { parseAuthorizationHeader } from './authorization-header.js';
import { caseInsensitiveValue } from './case-insensitive-value.js';
import type { MessageCredentials } from './rpc-credentials.js';

/**
 * A graphql-ws connection, as far as authentication goes: graphql-ws's server `Context`, which
 * @nestjs/apollo puts at `req` in the GraphQL context of a subscription (the app's `context`
 * function returning no `req` of its own). Read by shape: graphql-ws is not imported.
 */
export interface GraphqlWsConnection {
  /** What the client sent in its `connection_init` message (`createClient({ connectionParams })`). */
  connectionParams?: Readonly<Record<string, unknown>>;
  acknowledged: boolean;
  subscriptions: object;
  /** The user the guard authenticated for the connection's latest subscription. */
  user?: object;
}

function isGraphqlWsConnection(value: unknown): value is GraphqlWsConnection {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<GraphqlWsConnection> & { headers?: unknown };
  return (
    candidate.headers === undefined &&
    typeof candidate.acknowledged === 'boolean' &&
    typeof candidate.subscriptions === 'object' &&
    candidate.subscriptions !== null
  );
}

/** The graphql-ws connection of a GraphQL subscription, or undefined (an HTTP query, or not GraphQL). */
export function graphqlWsConnectionOf(context: ExecutionContext): GraphqlWsConnection | undefined {
  if (context.getType<string>() !== 'graphql') return undefined;
  const request = (context.getArgByIndex<{ req?: unknown } | undefined>(2) ?? {}).req;
  return isGraphqlWsConnection(request) ? request : undefined;
}

/**
 * The token of a subscription: the connection parameter `settings.connectionParamsKey` (its
 * name matched without regard to case), read as an Authorization header (`JWT <token>`). Never
 * the upgrade request's cookies: a browser sends them with a cross-site WebSocket, and no CSRF
 * check protects a subscription.
 */
export function connectionCredentials(
  connection: GraphqlWsConnection,
  settings: Pick<JwtAuthSettings, 'connectionParamsKey' | 'authHeaderPrefixes'>,
): MessageCredentials {
  const value = caseInsensitiveValue(connection.connectionParams, settings.connectionParamsKey);
  return parseAuthorizationHeader(value, settings.authHeaderPrefixes);
}
