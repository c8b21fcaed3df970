import type { ExecutionContext } from '@nestjs/common';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { parseAuthorizationHeader } from './authorization-header.js';
import { rpcMetadataValue } from './rpc-metadata.js';

/** Where a message's token is, if it sent one. */
export type MessageCredentials =
  { kind: 'absent' } | { kind: 'invalid'; message: string } | { kind: 'token'; token: string };

/**
 * The token a microservice message carries: the metadata key first (out of band, as a header),
 * else the payload field, each read exactly as an Authorization header (`<prefix> <token>`, the
 * same refusals for a value without a token or with spaces). Never both guessed between: the
 * payload is read only when the metadata has no such key.
 */
export function rpcCredentials(
  context: ExecutionContext,
  settings: Pick<JwtAuthSettings, 'rpc' | 'authHeaderPrefixes'>,
): MessageCredentials {
  const { payloadField, metadataKey } = settings.rpc;
  const rpc = context.switchToRpc();
  let value = metadataKey === false ? undefined : rpcMetadataValue(rpc.getContext<unknown>(), metadataKey);
  if (value === undefined && payloadField !== false) value = payloadValue(rpc.getData<unknown>(), payloadField);
  return parseAuthorizationHeader(value, settings.authHeaderPrefixes);
}

/** The payload's own field (an object's, not its prototype's: `constructor` is no token). */
function payloadValue(payload: unknown, field: string): unknown {
  if (payload === null || typeof payload !== 'object' || !Object.hasOwn(payload, field)) return undefined;
  return (payload as Record<string, unknown>)[field];
}

/**
 * The user of each message, held beside the message rather than written into its payload (the
 * handler's data stays what the client sent). Keyed by the handler's context argument, one per
 * message on every transport, or by the payload when there is none.
 */
const rpcUsers = new WeakMap<object, object>();

function messageKey(context: ExecutionContext): object | undefined {
  const [data, rpcContext] = context.getArgs<unknown[]>();
  if (rpcContext !== null && typeof rpcContext === 'object') return rpcContext;
  return data !== null && typeof data === 'object' ? data : undefined;
}

export function setRpcUser(context: ExecutionContext, user: object | undefined): void {
  const key = messageKey(context);
  if (key === undefined) return;
  if (user === undefined) rpcUsers.delete(key);
  else rpcUsers.set(key, user);
}

export function rpcUserOf(context: ExecutionContext): object | undefined {
  const key = messageKey(context);
  return key === undefined ? undefined : rpcUsers.get(key);
}
