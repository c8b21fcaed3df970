import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { isMissingPackage } from '../common/optional-peer.js';

/** What is used of @nestjs/event-emitter's EventEmitter2 (eventemitter2's class). */
export interface EventEmitterLike {
  emitAsync(event: string, ...values: unknown[]): Promise<unknown[]>;
}

/**
 * The app's EventEmitter2, when @nestjs/event-emitter is installed (an optional peer, so it is
 * imported here only, dynamically) and the app imports EventEmitterModule. Looked up by the
 * class token in every module (`strict: false`): EventEmitterModule is global by default, but
 * an app may import it non-globally, in a module this one cannot see.
 */
export async function findEventEmitter(moduleRef: ModuleRef): Promise<EventEmitterLike | undefined> {
  let token: Type<unknown>;
  try {
    ({ EventEmitter2: token } = (await import('@nestjs/event-emitter')) as { EventEmitter2: Type<unknown> });
  } catch (error) {
    if (isMissingPackage(error, '@nestjs/event-emitter')) return undefined;
    throw error;
  }
  let emitter: unknown;
  try {
    emitter = moduleRef.get(token, { strict: false });
  } catch {
    // Installed but EventEmitterModule not imported: ModuleRef throws "unknown element".
    return undefined;
  }
  return typeof (emitter as Partial<EventEmitterLike> | undefined)?.emitAsync === 'function'
    ? (emitter as EventEmitterLike)
    : undefined;
}
