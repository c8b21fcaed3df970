import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { normalizeIp, type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { LOGIN_THROTTLE_UNAVAILABLE, throttledMessage } from '../common/messages.js';
import type { Refusal } from '../common/refusal.js';
import { JWT_AUTH_LOGIN_THROTTLE } from '../jwt-auth.internal-constants.js';
import { clientAddressOf, type HttpRequestLike } from '../transport/http-adapter.js';
import type { LoginThrottleSettings } from './login-throttle-settings.js';

/** The throttler names given to the storage (they also prefix the storage keys). */
export const USERNAME_THROTTLER = 'nest-rest-jwt-login-username';
export const ADDRESS_THROTTLER = 'nest-rest-jwt-login-address';

/**
 * The username as the limit counts it: the endpoint has trimmed it already; NFKC and lower
 * case make `Admin`, `ADMIN` and `Ａｄｍｉｎ` one username, so an app that looks users up
 * case-insensitively cannot be guessed at once per spelling.
 */
export function normalizeUsername(username: string): string {
  return username.trim().normalize('NFKC').toLowerCase();
}

/** The storage key: namespaced, and hashed so that no username or address is stored as is. */
export function loginThrottleKey(throttler: string, value: string): string {
  return `${throttler}:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

/** The client address, IPv6 addresses grouped by /64 as @nestjs/throttler's guard does. */
export function clientAddress(request: object): string {
  const address = clientAddressOf(request as HttpRequestLike);
  return address === undefined ? 'unknown' : normalizeIp(address);
}

/**
 * Brute-force limits on `/api-token-auth/`, counted in a @nestjs/throttler storage: per
 * client address, then per username. Called once the fields are read and before the user is
 * looked up, so a refusal looks the same whether the username exists or not, and costs no
 * password hash. Every attempt counts, successful or not, as DRF's throttles count requests.
 */
@Injectable()
export class LoginThrottle implements OnApplicationShutdown {
  private readonly storage?: ThrottlerStorage;
  /** The in-memory storage made here when the app gives none (its sweep timer stops with the app). */
  private readonly ownStorage?: ThrottlerStorageService;

  constructor(@Inject(JWT_AUTH_LOGIN_THROTTLE) private readonly throttle: LoginThrottleSettings | false) {
    if (!throttle) return;
    if (throttle.storage) {
      this.storage = throttle.storage;
    } else {
      this.ownStorage = new ThrottlerStorageService();
      this.storage = this.ownStorage;
    }
  }

  /** The 429 (with `Retry-After`) when the address or the username is over its limit, else undefined. */
  async check(username: string, request: object): Promise<Refusal | undefined> {
    const throttle = this.throttle;
    if (!throttle || !this.storage) return undefined;
    const ttlMs = throttle.ttl * 1000;
    const counters: [throttler: string, value: string, limit: number][] = [];
    if (throttle.perAddressLimit !== false) {
      counters.push([ADDRESS_THROTTLER, clientAddress(request), throttle.perAddressLimit]);
    }
    counters.push([USERNAME_THROTTLER, normalizeUsername(username), throttle.limit]);
    // One at a time: attempts refused for their address do not use up the username's allowance.
    for (const [throttler, value, limit] of counters) {
      let record: Awaited<ReturnType<ThrottlerStorage['increment']>>;
      try {
        record = await this.storage.increment(loginThrottleKey(throttler, value), ttlMs, limit, ttlMs, throttler);
      } catch (error) {
        // A shared storage that cannot count (Redis down, with no fallback): no attempt goes
        // uncounted, so the login is refused as unavailable (the client may retry), never a 500.
        const reason = `login throttle storage unavailable: ${error instanceof Error ? error.message : String(error)}`;
        return { status: 503, reason, message: LOGIN_THROTTLE_UNAVAILABLE };
      }
      if (record.isBlocked) {
        const wait = Math.max(1, Math.ceil(record.timeToBlockExpire));
        const message = throttledMessage(wait);
        return { status: 429, reason: 'login throttled', message, headers: { 'Retry-After': String(wait) } };
      }
    }
    return undefined;
  }

  onApplicationShutdown(): void {
    this.ownStorage?.onApplicationShutdown();
  }
}
