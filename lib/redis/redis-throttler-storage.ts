import type { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { JwtAuthConfigError } from '../common/errors.js';
import { checkOptionNames, type NameTable } from '../common/option-names.js';
import { type CommandTarget, commandSender, type SendCommand } from './command-target.js';

export interface RedisThrottlerStorageOptions {
  /** Where to count: a RedisRevocationStore (its connection, its timeout) or any client with `call()`. */
  client: CommandTarget;
  /** Put in front of every key (default `'nest-rest-jwt:'`). */
  prefix?: string;
  /**
   * Where to count while Redis cannot be reached (default: in memory, per instance, so logins go
   * on with each instance's own limit); `false`: the call fails, and so does the login.
   */
  fallback?: ThrottlerStorage | false;
}

/** The record @nestjs/throttler expects (times in seconds). */
interface ThrottlerRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * One hit, atomically: KEYS[1] counts the window's hits, KEYS[2] marks a block. ARGV: window ms,
 * limit, block ms. With a block duration, the hit past the limit starts a block and the count
 * starts over after it (as @nestjs/throttler's in-memory storage); without one, hits past the
 * limit are refused and not counted until the window ends. Replies
 * {hits, window ms left, blocked (0/1), block ms left}.
 */
const HIT_SCRIPT = `
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local block = tonumber(ARGV[3])
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  return {limit + 1, blockLeft, 1, blockLeft}
end
if block <= 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  local left = redis.call('PTTL', KEYS[1])
  if hits >= limit and left > 0 then return {hits + 1, left, 1, left} end
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if hits == 1 or left < 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  left = window
end
if block > 0 and hits > limit then
  redis.call('SET', KEYS[2], '1', 'PX', block)
  redis.call('DEL', KEYS[1])
  return {hits, left, 1, block}
end
return {hits, left, 0, 0}
`;
const HIT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');

const NAMES: NameTable = { client: 'value', prefix: 'value', fallback: 'value' };

/**
 * A @nestjs/throttler storage in Redis, shared by every instance: the login throttle's limits
 * then hold for the app as a whole, not per process. One script per hit (INCR, PEXPIRE, the
 * block), its two keys under one hash tag so that a Redis Cluster keeps them in one slot.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly send: SendCommand;
  private readonly prefix: string;
  private readonly fallback: ThrottlerStorage | undefined;

  constructor(options: RedisThrottlerStorageOptions) {
    checkOptionNames(options, NAMES, {}, 'throttlerStorage');
    const send = commandSender(options.client);
    if (send === undefined) {
      throw new JwtAuthConfigError('throttlerStorage.client', 'must be a RedisRevocationStore or a client with call()');
    }
    if (options.prefix !== undefined && (typeof options.prefix !== 'string' || options.prefix === '')) {
      throw new JwtAuthConfigError('throttlerStorage.prefix', 'must be a non-empty string');
    }
    const fallback: unknown = options.fallback;
    if (
      fallback !== undefined &&
      fallback !== false &&
      typeof (fallback as Partial<ThrottlerStorage> | null)?.increment !== 'function'
    ) {
      throw new JwtAuthConfigError('throttlerStorage.fallback', 'must be a ThrottlerStorage or false');
    }
    this.send = send;
    this.prefix = options.prefix ?? 'nest-rest-jwt:';
    this.fallback = options.fallback === false ? undefined : (options.fallback ?? new ThrottlerStorageService());
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    const tag = `${this.prefix}throttle:{${throttlerName}:${key}}`;
    const args = [2, tag, `${tag}:blocked`, Math.max(1, Math.ceil(ttl)), limit, Math.ceil(blockDuration)];
    let reply: unknown;
    try {
      reply = await this.hit(tag, args);
    } catch (error) {
      if (this.fallback === undefined) throw error;
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
    return recordOf(reply);
  }

  private async hit(tag: string, args: (string | number)[]): Promise<unknown> {
    try {
      return await this.send(tag, 'EVALSHA', HIT_SHA, ...args);
    } catch (error) {
      // The server has not seen the script yet (or restarted since): send it whole once.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.send(tag, 'EVAL', HIT_SCRIPT, ...args);
    }
  }
}

function recordOf(reply: unknown): ThrottlerRecord {
  if (!Array.isArray(reply) || reply.length !== 4) {
    throw new Error('nest-rest-jwt: Redis answered the throttle script with something other than four numbers');
  }
  const [hits, left, blocked, blockLeft] = reply.map(Number);
  return {
    totalHits: hits,
    timeToExpire: Math.ceil(left / 1000),
    isBlocked: blocked === 1,
    timeToBlockExpire: Math.ceil(blockLeft / 1000),
  };
}
