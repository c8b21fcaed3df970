import { renderHttpRefusal } from '../../lib/refusals/http-refusal.js';
import type { HttpResponseLike } from '../../lib/transport/http-adapter.js';
import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import type { LoginThrottleOptions } from '../../lib/throttle/login-throttle-settings.js';
import {
  ADDRESS_THROTTLER,
  clientAddress,
  LoginThrottle,
  loginThrottleKey,
  normalizeUsername,
  USERNAME_THROTTLER,
} from '../../lib/throttle/login-throttle.js';
import { throttledMessage } from '../../lib/common/messages.js';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Call {
  key: string;
  ttl: number;
  limit: number;
  blockDuration: number;
  throttler: string;
}

/** A storage that records its calls and answers `blocked` for the throttlers named there. */
function recordingStorage(blocked: Record<string, number> = {}): ThrottlerStorage & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async increment(key, ttl, limit, blockDuration, throttler): Promise<ThrottlerStorageRecord> {
      calls.push({ key, ttl, limit, blockDuration, throttler });
      const wait = blocked[throttler];
      return { totalHits: 1, timeToExpire: 60, isBlocked: wait !== undefined, timeToBlockExpire: wait ?? 0 };
    },
  };
}

/** The throttle, its refusal rendered as the token endpoint renders it (the HTTP renderer). */
function throttleWith(loginThrottle: boolean | LoginThrottleOptions, errorFormat: 'drf' | 'nest' = 'drf') {
  const settings = resolveSettings({ secretKey: SECRET, errorFormat, loginThrottle });
  const throttle = new LoginThrottle(settings.loginThrottle);
  return {
    async check(username: string, request: object, out: HttpResponseLike): Promise<void> {
      const refused = await throttle.check(username, request);
      if (refused !== undefined) throw renderHttpRefusal(refused, settings.errorFormat, out, 'JWT realm="api"');
    },
    onApplicationShutdown: () => throttle.onApplicationShutdown(),
  };
}

/** A reply that keeps the headers set on it. */
function reply(): { headers: Record<string, string>; header(name: string, value: string): void } {
  const headers: Record<string, string> = {};
  return { headers, header: (name, value) => void (headers[name] = value) };
}

async function refusal(action: Promise<void>): Promise<HttpException> {
  try {
    await action;
  } catch (error) {
    expect(error).toBeInstanceOf(HttpException);
    return error as HttpException;
  }
  throw new Error('expected a 429');
}

describe('throttledMessage: DRF’s exceptions.Throttled text', () => {
  it.each([
    [1, 'Request was throttled. Expected available in 1 second.'],
    [2, 'Request was throttled. Expected available in 2 seconds.'],
    [60, 'Request was throttled. Expected available in 60 seconds.'],
  ])('%i → %s', (wait, text) => {
    expect(throttledMessage(wait)).toBe(text);
  });
});

describe('normalizeUsername', () => {
  it.each([
    ['admin', 'admin'],
    ['  Admin\t', 'admin'],
    ['ADMIN', 'admin'],
    ['\uff21dmin', 'admin'], // fullwidth A
    ['ﬁle', 'file'], // ligature
  ])('%j counts as %j', (raw, normalized) => {
    expect(normalizeUsername(raw)).toBe(normalized);
  });

  it('keeps different usernames apart', () => {
    expect(normalizeUsername('admin')).not.toBe(normalizeUsername('admin2'));
  });
});

describe('loginThrottleKey', () => {
  it('is the throttler name and the SHA-256 of the value, never the value itself', () => {
    expect(loginThrottleKey(USERNAME_THROTTLER, 'admin')).toBe(
      'nest-rest-jwt-login-username:8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918',
    );
  });
});

describe('clientAddress', () => {
  it.each([
    ['Express/Fastify request.ip', { ip: '203.0.113.7' }, '203.0.113.7'],
    ['an IPv4-mapped IPv6 address', { ip: '::ffff:203.0.113.7' }, '203.0.113.7'],
    ['IPv6, grouped by /64', { ip: '2001:db8:1:2:aaaa:bbbb:cccc:dddd' }, '2001:db8:1:2::/64'],
    ['IPv6 loopback', { ip: '::1' }, '::1'],
    ['the socket when there is no ip', { socket: { remoteAddress: '198.51.100.1' } }, '198.51.100.1'],
    ['the raw socket (Fastify)', { raw: { socket: { remoteAddress: '198.51.100.2' } } }, '198.51.100.2'],
    ['nothing at all', {}, 'unknown'],
    ['an empty ip', { ip: '' }, 'unknown'],
  ])('%s', (_name, request, address) => {
    expect(clientAddress(request)).toBe(address);
  });

  it('groups two addresses of one /64 together, and keeps other /64s apart', () => {
    expect(clientAddress({ ip: '2001:db8::1' })).toBe(clientAddress({ ip: '2001:db8::ffff:1' }));
    expect(clientAddress({ ip: '2001:db8:0:1::1' })).not.toBe(clientAddress({ ip: '2001:db8::1' }));
  });
});

describe('LoginThrottle.check', () => {
  it('counts the address, then the username, with the ttl in milliseconds as the block duration', async () => {
    const storage = recordingStorage();
    await throttleWith({ limit: 5, ttl: '2m', perAddressLimit: 50, storage }).check(' Admin ', { ip: '::1' }, reply());
    expect(storage.calls).toEqual([
      {
        key: loginThrottleKey(ADDRESS_THROTTLER, '::1'),
        ttl: 120_000,
        limit: 50,
        blockDuration: 120_000,
        throttler: ADDRESS_THROTTLER,
      },
      {
        key: loginThrottleKey(USERNAME_THROTTLER, 'admin'),
        ttl: 120_000,
        limit: 5,
        blockDuration: 120_000,
        throttler: USERNAME_THROTTLER,
      },
    ]);
  });

  it('does not count the username when the address is blocked', async () => {
    const storage = recordingStorage({ [ADDRESS_THROTTLER]: 30 });
    const out = reply();
    const error = await refusal(throttleWith({ storage }).check('admin', { ip: '::1' }, out));
    expect(error.getStatus()).toBe(429);
    expect(error.getResponse()).toEqual({ detail: 'Request was throttled. Expected available in 30 seconds.' });
    expect(out.headers).toEqual({ 'Retry-After': '30' });
    expect(storage.calls.map((call) => call.throttler)).toEqual([ADDRESS_THROTTLER]);
  });

  it('answers in the nest format, and never with a Retry-After under one second', async () => {
    const storage = recordingStorage({ [USERNAME_THROTTLER]: 0.2 });
    const out = reply();
    const error = await refusal(throttleWith({ storage }, 'nest').check('admin', {}, out));
    expect(error.getResponse()).toEqual({
      statusCode: 429,
      message: 'Request was throttled. Expected available in 1 second.',
      error: 'Too Many Requests',
    });
    expect(out.headers['Retry-After']).toBe('1');
  });

  it('skips the address with perAddressLimit: false', async () => {
    const storage = recordingStorage();
    await throttleWith({ perAddressLimit: false, storage }).check('admin', { ip: '::1' }, reply());
    expect(storage.calls.map((call) => call.throttler)).toEqual([USERNAME_THROTTLER]);
  });

  it('does nothing with loginThrottle: false', async () => {
    await expect(throttleWith(false).check('admin', { ip: '::1' }, reply())).resolves.toBeUndefined();
  });

  it('keeps its own in-memory storage by default, and lets go of it at shutdown', async () => {
    const throttle = throttleWith({ limit: 1 });
    await throttle.check('admin', {}, reply());
    await expect(refusal(throttle.check('admin', {}, reply()))).resolves.toBeInstanceOf(HttpException);
    throttle.onApplicationShutdown();
    // The counts went with the storage: the username is allowed again.
    await expect(throttle.check('admin', {}, reply())).resolves.toBeUndefined();
    throttle.onApplicationShutdown();
  });
});
