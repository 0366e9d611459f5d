import { backoffDelay } from "../../dintero/backoff"

/**
 * Delay before the outbox's attempt `attempts + 1`: 10 s, 20 s, 40 s … capped at one hour, with ±20 % jitter. The
 * same exponential backoff as the client's HTTP retries (one function), with the outbox's own steps and jitter.
 */
export function nextAttemptDelayMs(attempts: number, random: () => number = Math.random): number {
  return backoffDelay(attempts - 1, { baseDelayMs: 10_000, maxDelayMs: 3_600_000, jitter: [0.8, 1.2] }, random)
}
