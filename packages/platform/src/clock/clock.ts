/** Where a service reads the time: the system clock, or a fixed one in tests. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/**
 * The time now for a set of dependencies that may carry a `clock`.
 *
 * @example
 * interface OrderDeps { readonly clock?: Clock }
 * const placedAt = nowOf(deps).toISOString();
 */
export const nowOf = (deps: { readonly clock?: Clock | undefined }): Date => (deps.clock ?? systemClock)();
