/** A value now, or later: the guard's common path answers at once and waits for nothing. */
export type MaybePromise<T> = T | Promise<T>;

/** Whether an answer must be waited for (a promise, or any thenable a store or a permission returns). */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
