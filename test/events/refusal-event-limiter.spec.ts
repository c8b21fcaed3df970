import { describe, expect, it } from '@jest/globals';
import { RefusalEventLimiter } from '../../lib/events/refusal-event-limiter.js';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

describe('RefusalEventLimiter (per reason, per window, with a count of what it held back)', () => {
  it('delivers up to the limit in a window, then only counts', () => {
    const clock = fakeClock();
    const limiter = new RefusalEventLimiter(clock.read, 3, 1000);
    const answers = Array.from({ length: 5 }, () => limiter.admit('expired'));
    expect(answers).toEqual([
      { deliver: true, suppressed: 0 },
      { deliver: true, suppressed: 0 },
      { deliver: true, suppressed: 0 },
      { deliver: false },
      { deliver: false },
    ]);
  });

  it('the first event of the next window carries the count held back, once', () => {
    const clock = fakeClock();
    const limiter = new RefusalEventLimiter(clock.read, 1, 1000);
    limiter.admit('expired');
    limiter.admit('expired');
    limiter.admit('expired');
    clock.now += 999;
    expect(limiter.admit('expired')).toEqual({ deliver: false });
    clock.now += 1;
    expect(limiter.admit('expired')).toEqual({ deliver: true, suppressed: 3 });
    clock.now += 1000;
    expect(limiter.admit('expired')).toEqual({ deliver: true, suppressed: 0 });
  });

  it('counts each reason on its own', () => {
    const clock = fakeClock();
    const limiter = new RefusalEventLimiter(clock.read, 1, 1000);
    expect(limiter.admit('expired')).toEqual({ deliver: true, suppressed: 0 });
    expect(limiter.admit('expired')).toEqual({ deliver: false });
    expect(limiter.admit('revoked')).toEqual({ deliver: true, suppressed: 0 });
  });

  it('a clock that goes back starts a new window rather than holding events back for good', () => {
    const clock = fakeClock();
    const limiter = new RefusalEventLimiter(clock.read, 1, 1000);
    limiter.admit('expired');
    limiter.admit('expired');
    clock.now -= 60_000;
    expect(limiter.admit('expired')).toEqual({ deliver: true, suppressed: 1 });
  });

  it('keeps a bounded number of reasons: a flood of distinct reasons forgets the oldest', () => {
    const clock = fakeClock();
    const limiter = new RefusalEventLimiter(clock.read, 1, 1000);
    limiter.admit('reason 0');
    expect(limiter.admit('reason 0')).toEqual({ deliver: false });
    for (let i = 1; i <= 256; i += 1) limiter.admit(`reason ${i}`);
    // Forgotten, so delivered again: memory stays bounded whatever the client sends.
    expect(limiter.admit('reason 0')).toEqual({ deliver: true, suppressed: 0 });
  });

  it('uses 10 a second by default', () => {
    const clock = fakeClock();
    const limiter = new RefusalEventLimiter(clock.read);
    const delivered = Array.from({ length: 25 }, () => limiter.admit('expired')).filter((a) => a.deliver);
    expect(delivered).toHaveLength(10);
  });
});
