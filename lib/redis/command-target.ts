import type { RedisCommandClient } from './redis-connection.js';

/** A RedisRevocationStore as the cache and the throttle storage use it: one command about one key. */
export interface KeyedCommands {
  command(key: string, command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** Where the cache publishes and the throttle storage counts: a RedisRevocationStore, or any `{ call }` client. */
export type CommandTarget = KeyedCommands | RedisCommandClient;

export type SendCommand = (key: string, command: string, ...args: (string | number)[]) => Promise<unknown>;

/** How to send through `target`, or undefined when it is neither kind. */
export function commandSender(target: unknown): SendCommand | undefined {
  const candidate = target as Partial<KeyedCommands & RedisCommandClient> | null | undefined;
  if (typeof candidate?.command === 'function') {
    const store = candidate as KeyedCommands;
    return (key, command, ...args) => store.command(key, command, ...args);
  }
  if (typeof candidate?.call === 'function') {
    const client = candidate as RedisCommandClient;
    return (_key, command, ...args) => client.call(command, ...args);
  }
  return undefined;
}
