/** A value now, or later: the guard's common path answers at once and waits for nothing. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Whether an answer must be waited for (a promise, or any thenable a store or a permission returns).
 * A native promise is told apart by `instanceof`, without reading a property of it: code
 * optimized while only plain answers came is then not thrown away when the first promise comes.
 */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return value instanceof Promise || typeof (value as { then?: unknown } | null)?.then === 'function';
}
