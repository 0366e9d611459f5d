/** Delay before attempt `attempts + 1`: 10 s, 20 s, 40 s … capped at one hour, with ±20 % jitter. */
export function nextAttemptDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 3_600_000)
  const jitter = 0.8 + 0.4 * random()
  return Math.round(base * jitter)
}
