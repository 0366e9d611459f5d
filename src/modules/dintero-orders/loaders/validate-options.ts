import type { LoaderOptions } from "@medusajs/framework/types"
import { parseDinteroOrdersOptions } from "../options"

/** Runs at boot: invalid options stop Medusa here, naming the option, instead of failing at the first event. */
export default async function validateDinteroOrdersOptions({ options }: LoaderOptions<Record<string, unknown>>): Promise<void> {
  parseDinteroOrdersOptions(options)
}
