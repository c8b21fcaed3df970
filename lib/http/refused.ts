import type { Refusal } from '../common/refusal.js';

/** Thrown inside a handler to leave it with a refusal, which `answer` renders (and logs when `log`). */
export class Refused extends Error {
  constructor(
    readonly refusal: Refusal,
    readonly log = false,
  ) {
    super(refusal.message);
  }
}
