import { MedusaError } from "@medusajs/framework/utils"

/**
 * A path parameter of the matched route (`:id`). Medusa only runs a route whose pattern matched, so it is there; a
 * route or middleware mounted on a pattern without it fails with a message naming the parameter, not on `undefined`.
 */
export function pathParam(req: { params: Record<string, string | undefined> }, name: string): string {
  const value = req.params[name]
  if (!value) throw new MedusaError(MedusaError.Types.INVALID_DATA, `The route has no :${name} path parameter`)
  return value
}
