/**
 * How often the scheduled job (src/jobs/dintero-orders-retry.ts) sends the Orders-mirror operations that are due:
 * DINTERO_ORDERS_RETRY_INTERVAL_MS, default 60 s. Read when asked (not at import), so a test that sets the variable
 * before Medusa boots gets it even if it imported this file earlier.
 */
export function ordersRetryIntervalMs(): number {
  const configured = Number(process.env.DINTERO_ORDERS_RETRY_INTERVAL_MS)
  return Number.isFinite(configured) && configured > 0 ? configured : 60_000
}
