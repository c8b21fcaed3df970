import { describe, expect, it } from '@jest/globals';
import { nowSeconds, refreshExpired } from './jwt-auth.service.js';

describe('refreshExpired (refresh allowed while now <= orig_iat + delta)', () => {
  it('before the end of the window: not expired', () => {
    expect(refreshExpired(1000, 100, 1050)).toBe(false);
  });

  it('exactly at orig_iat + delta: not expired (inclusive boundary)', () => {
    expect(refreshExpired(1000, 100, 1100)).toBe(false);
  });

  it('one second after orig_iat + delta: expired', () => {
    expect(refreshExpired(1000, 100, 1101)).toBe(true);
  });

  it('at orig_iat itself: not expired', () => {
    expect(refreshExpired(1000, 100, 1000)).toBe(false);
  });

  it('a zero delta allows refreshing only in the second of orig_iat', () => {
    expect([refreshExpired(1000, 0, 1000), refreshExpired(1000, 0, 1001)]).toEqual([false, true]);
  });

  it('the default 7-day window: allowed at 7 days, refused at 7 days + 1 s', () => {
    const week = 7 * 24 * 3600;
    expect([refreshExpired(0, week, week), refreshExpired(0, week, week + 1)]).toEqual([false, true]);
  });
});

describe('nowSeconds', () => {
  it('is whole seconds since the epoch', () => {
    const seconds = nowSeconds();
    expect(Number.isInteger(seconds)).toBe(true);
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(2);
  });
});
