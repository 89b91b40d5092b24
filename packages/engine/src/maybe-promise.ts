/**
 * A result that is ready now (the in-memory store) or later (an asynchronous store such as a Redis
 * cluster, or persistence). Handlers use {@link chain} so the synchronous path allocates no
 * promise at all.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

/**
 * `fn(value)` now if `value` is ready, or once it is. (Not named `then`: a module exporting `then`
 * makes its namespace a thenable, which `await import()` would call.)
 */
export function chain<T, R>(value: MaybePromise<T>, fn: (ready: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromise(value) ? value.then(fn) : fn(value);
}
