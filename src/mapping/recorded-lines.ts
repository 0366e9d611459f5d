/**
 * A Checkout transaction's lines as the plugin keeps them in Medusa's payment data (`lines`, written from the
 * transaction Dintero answered: providers/dintero/payment-data.ts). The provider allocates captures and refunds from
 * them; the Orders mirror pairs them with the order's lines at placement (orders-mirror/checkout-lines.ts).
 */
import { z } from "zod"

export const recordedLine = z.object({
  line_id: z.string(),
  amount: z.number().int(),
  quantity: z.number(),
  /** The article number (null when the line has none); absent in data written before it was kept. */
  id: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
})

export const recordedLines = z.array(recordedLine)

export type RecordedLine = z.infer<typeof recordedLine>

/** The recorded lines, or null when there are none or they do not parse. */
function parseRecorded(value: unknown): RecordedLine[] | null {
  const parsed = recordedLines.safeParse(value)
  return parsed.success && parsed.data.length > 0 ? parsed.data : null
}

/** The recorded lines when they hold what pairing needs (each line's article number, or its recorded absence). */
export function linesForPairing(value: unknown): RecordedLine[] | null {
  const lines = parseRecorded(value)
  return lines && lines.every((l) => l.id !== undefined) ? lines : null
}

/** What the recorded lines add up to (the transaction's amount when they were read), or null when there are none. */
export function recordedTotal(value: unknown): number | null {
  return parseRecorded(value)?.reduce((sum, line) => sum + line.amount, 0) ?? null
}
