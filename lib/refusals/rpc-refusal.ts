import type { Refusal } from '../common/refusal.js';

type RpcExceptionClass = new (error: string | object) => Error;

let loading: Promise<RpcExceptionClass> | undefined;

/** What a microservice client receives as the error of a refused message. */
export interface RpcRefusalBody {
  /** Nest's own marker of an RPC error. */
  status: 'error';
  /** The HTTP status the same refusal has: 401, 403 or 503. */
  statusCode: number;
  /** The reference's message, as HTTP gives it. */
  message: string;
}

/**
 * The microservice renderer: a refusal as Nest's RpcException, whose object Nest sends to the
 * client as the error. @nestjs/microservices is an optional peer, loaded on the first refusal
 * only (an app that serves RPC messages has it).
 */
export async function renderRpcRefusal(refusal: Refusal): Promise<Error> {
  loading ??= import('@nestjs/microservices').then(({ RpcException }) => RpcException as RpcExceptionClass);
  const RpcException = await loading;
  const body: RpcRefusalBody = { status: 'error', statusCode: refusal.status, message: refusal.message };
  return new RpcException(body);
}
