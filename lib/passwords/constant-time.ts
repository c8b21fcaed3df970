import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two strings are equal, in time that does not depend on where they differ
 * (Django's `constant_time_compare`). Only the lengths may show, and those are public here.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
