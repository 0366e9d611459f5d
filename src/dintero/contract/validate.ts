import type { z } from "zod"
import { DinteroError } from "../errors"

export interface ExchangeInfo {
  method: string
  /** URL path only (no host, no query). */
  path: string
  status?: number
  requestId?: string
}

/** "order.items[2].line_id" from a zod issue path. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = ""
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out || "(body)"
}

/** Plain, safe issue records (no received values: they could hold personal data). */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: issuePath(i.path), message: i.message }))
}

/**
 * Checks a Dintero answer against the contract. Unknown fields pass; a missing/ill-typed field we read, or an
 * unknown enum value (status), is a DinteroError `contract_violation` naming the field - never a crash later on
 * `undefined`, never a silent success.
 */
export function readContract<S extends z.ZodType>(schema: S, data: unknown, what: string, at: ExchangeInfo): z.infer<S> {
  const parsed = schema.safeParse(data)
  if (parsed.success) return parsed.data
  const issues = describeIssues(parsed.error)
  // A failed parse has at least one issue; the message names the first.
  const first = issues[0] ?? { path: "(answer)", message: "does not parse" }
  throw new DinteroError({
    kind: "contract",
    method: at.method,
    path: at.path,
    status: at.status,
    requestId: at.requestId,
    code: "contract_violation",
    dinteroMessage: `${what} does not match Dintero's contract: ${first.path} ${first.message}`,
    errors: issues,
    retryable: false,
  })
}
