/**
 * The reconciliation's window: what changed since the last run, read through Medusa's time-ordered ids.
 *
 * Medusa ids are `<prefix>_<ULID>`, and a ULID starts with its creation time (48-bit milliseconds, 10 Crockford
 * base-32 characters), so `id > <prefix>_<time of from>` selects the rows created since `from` through the primary key
 * index: the cost follows what is new, not the store's history. Pure functions only.
 */

import type { DinteroOptions } from "../../providers/dintero/options"

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/** The 10-character ULID time part of a moment (ULIDs of that millisecond or later sort after it). */
export function ulidTime(at: Date): string {
  let ms = Math.max(0, Math.floor(at.getTime()))
  let out = ""
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[ms % 32] + out
    ms = Math.floor(ms / 32)
  }
  return out
}

/** The smallest id with this prefix created at `at` or later (compare with `$gte`). */
export const idFloor = (prefix: string, at: Date): string => `${prefix}_${ulidTime(at)}`

export interface ReconcileWindow {
  /** Records created or changed at or after this moment are looked at. */
  from: Date
  /** The run's start: the next run's `from` is this minus the overlap. */
  to: Date
}

export interface WindowSettings {
  /** Re-read this much before the last run's end: a transaction that committed late is not missed. */
  overlapMs: number
  /** The first run (no earlier run) looks back this far. */
  firstRunLookbackMs: number
}

export const DEFAULT_WINDOW: WindowSettings = { overlapMs: 5 * 60_000, firstRunLookbackMs: 7 * 24 * 3_600_000 }

/** How long a repair that failed (a run that ended `incomplete`) keeps the next runs' windows open behind it. */
export const RETRY_FAILED_MS = 24 * 3_600_000

/**
 * The end the next window starts from: the last store-wide run that finished with nothing left to retry (`clean`),
 * so a repair that failed is tried again by every later run; but never more than `retryMs` before the last finished
 * run (`latest`, clean or not), so one repair that keeps failing does not make every run re-read the store's history.
 * It stays a finding in its run's record, and the admin Retry on its order runs it again.
 */
export function cursorFrom(ends: { clean: Date | null; latest: Date | null }, retryMs: number = RETRY_FAILED_MS): Date | null {
  const floor = ends.latest ? ends.latest.getTime() - retryMs : null
  if (ends.clean === null) return floor === null ? null : new Date(floor)
  return floor !== null && ends.clean.getTime() < floor ? new Date(floor) : ends.clean
}

/** The window of a run starting at `now`, given the end of the last finished run (null: first run). */
export function windowFor(now: Date, lastEnd: Date | null, settings: WindowSettings = DEFAULT_WINDOW): ReconcileWindow {
  const from = lastEnd ? new Date(lastEnd.getTime() - settings.overlapMs) : new Date(now.getTime() - settings.firstRunLookbackMs)
  return { from: from.getTime() > now.getTime() ? now : from, to: now }
}

/**
 * Whether the job's tick at `now` starts a store-wide run: none ever started, or the last one started at least an
 * interval ago (less half a tick, so that a tick a little early does not put the run off by a whole tick).
 */
export function reconcileDue(lastStart: Date | null, now: Date, intervalMs: number, tickMs: number): boolean {
  return lastStart === null || now.getTime() - lastStart.getTime() >= intervalMs - tickMs / 2
}

/** The least a run looks back for sessions that may still be paid (covers a lifetime shortened since they were made). */
export const MIN_SESSION_LOOKBACK_MS = 24 * 3_600_000

/**
 * Pure: how far back a Dintero session may have been created and still be paid now: the longest session lifetime
 * configured (`sessionLifetimeMinutes`, up to 7 days; Dintero refuses payment on an expired session), at least a day.
 */
export function sessionLookbackMs(configs: readonly Pick<DinteroOptions, "sessionLifetimeMinutes">[]): number {
  return Math.max(MIN_SESSION_LOOKBACK_MS, ...configs.map((c) => c.sessionLifetimeMinutes * 60_000))
}
