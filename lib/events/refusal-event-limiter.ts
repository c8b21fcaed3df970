/** At most this many refusal events per reason in one window; the rest are counted, not delivered. */
export const REFUSAL_EVENTS_PER_WINDOW = 10;
/** The window, in milliseconds. */
export const REFUSAL_EVENT_WINDOW_MS = 1000;
/** Reasons tracked at once: refusal reasons are a short list; past this the oldest is forgotten. */
const MAX_TRACKED_REASONS = 256;

interface ReasonWindow {
  start: number;
  delivered: number;
  /** Refusals of this reason not delivered since the last one that was. */
  suppressed: number;
}

/** What the limiter answers for one refusal. */
export type RefusalAdmission = { deliver: false } | { deliver: true; suppressed: number };

/**
 * Coalesces refusal events per reason and per window (a fixed window, 10 a second by default),
 * so that a flood of bad tokens cannot flood the app's listener. A refusal past the limit is
 * counted, not delivered; the next one delivered for that reason carries the count. Memory is
 * bounded: a fixed number of reasons. `now` is the clock in milliseconds (tests inject theirs).
 */
export class RefusalEventLimiter {
  private readonly windows = new Map<string, ReasonWindow>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly perWindow = REFUSAL_EVENTS_PER_WINDOW,
    private readonly windowMs = REFUSAL_EVENT_WINDOW_MS,
  ) {}

  admit(reason: string): RefusalAdmission {
    const now = this.now();
    let window = this.windows.get(reason);
    if (window === undefined) {
      if (this.windows.size >= MAX_TRACKED_REASONS) this.windows.delete(this.windows.keys().next().value as string);
      window = { start: now, delivered: 0, suppressed: 0 };
      this.windows.set(reason, window);
    } else if (now - window.start >= this.windowMs || now < window.start) {
      // A new window (or a clock that went back): the count of suppressed events is kept.
      window.start = now;
      window.delivered = 0;
    }
    if (window.delivered >= this.perWindow) {
      window.suppressed += 1;
      return { deliver: false };
    }
    window.delivered += 1;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    return { deliver: true, suppressed };
  }
}
