/**
 * Exponential backoff: the delay before retry number `attempt` (0-based), a random share of
 * `min(maxDelayMs, baseDelayMs * 2^attempt)`. Pure (the random source is injectable), so the client's HTTP retries
 * and the Orders mirror's outbox share one function.
 */
export function backoffDelay(
  attempt: number,
  opts: {
    baseDelayMs: number
    maxDelayMs: number
    /** The delay is a random share of the exponential step between these factors; default full jitter [0, 1]. */
    jitter?: readonly [low: number, high: number]
  },
  random: () => number = Math.random
): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt))
  const [low, high] = opts.jitter ?? [0, 1]
  return Math.floor(ceiling * (low + (high - low) * random()))
}
