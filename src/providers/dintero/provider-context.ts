import type { Logger } from "@medusajs/framework/types"
import type { DinteroClient } from "../../dintero"
import type { DinteroOptions } from "./options"

/** What the provider hands its collaborators: the payment module's container, the shared Dintero client, options. */
export interface ProviderContext {
  /** The payment module's container (payment sessions, captures, refunds, payments); see medusa-records.ts. */
  cradle: Record<string, unknown>
  client: DinteroClient
  options: DinteroOptions
  logger?: Logger
}
