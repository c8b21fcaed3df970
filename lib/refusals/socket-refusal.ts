import type { Refusal } from '../common/refusal.js';

type WsExceptionClass = new (error: string | object) => Error;

let loading: Promise<WsExceptionClass> | undefined;

/**
 * The WebSocket renderer: a refusal as Nest's WsException, which Nest sends to the client as an
 * `exception` event. @nestjs/websockets is an optional peer: loaded on the first refusal only.
 */
export async function renderSocketRefusal(refusal: Refusal): Promise<Error> {
  loading ??= import('@nestjs/websockets').then(({ WsException }) => WsException as WsExceptionClass);
  const WsException = await loading;
  return new WsException(refusal.message);
}
