/**
 * How long one attempt's claim on its outbox row holds. An attempt is a few Dintero requests, each bounded by the
 * client's timeout; a pass that dies mid-attempt leaves its row to the next pass (the scheduled job) once this has
 * passed. 5 minutes by default; `DINTERO_OUTBOX_CLAIM_TTL_MS` (at least 10 s) shortens it where attempts are known to
 * be quick (the crash and cluster tests). Read once at start: every process must use the same value.
 */
const configured = Number(process.env.DINTERO_OUTBOX_CLAIM_TTL_MS)
export const CLAIM_TTL_MS = Number.isInteger(configured) && configured >= 10_000 ? configured : 5 * 60_000
