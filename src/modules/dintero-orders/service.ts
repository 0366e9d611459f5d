import { MedusaService } from "@medusajs/framework/utils"
import { DinteroClient } from "../../dintero"
import { dinteroClientFor, dinteroConfiguration } from "../../providers/dintero/registry"
import { DinteroOrderMirror } from "./models/order-mirror"
import { DinteroOrderOperation } from "./models/order-operation"

/**
 * Options of the Orders mirror (plugin options in a store's medusa-config). By default the mirror uses the Dintero
 * payment provider's own configuration (its API client needs the `admin:shopping` scope too); credentials given here
 * override it, e.g. for a separate Orders API client.
 */
export interface DinteroOrdersModuleOptions {
  accountId?: string
  clientId?: string
  clientSecret?: string
  apiBaseUrl?: string
  checkoutBaseUrl?: string
  timeoutMs?: number
  /** false: the Dintero order id is the Medusa order id instead of a generated ALPHANUMERIC_9. */
  generateOrderId?: boolean
  /** false switches mirroring off (events are ignored). */
  ordersMirror?: boolean
  /** Attempts before an operation is marked failed (it stays retryable from the admin). Default 8. */
  maxAttempts?: number
}

class DinteroOrdersService extends MedusaService({ DinteroOrderMirror, DinteroOrderOperation }) {
  protected readonly moduleOptions_: DinteroOrdersModuleOptions
  #client?: DinteroClient

  constructor(container: Record<string, unknown>, options: DinteroOrdersModuleOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.moduleOptions_ = options ?? {}
  }

  get mirrorOptions(): Required<Pick<DinteroOrdersModuleOptions, "generateOrderId" | "ordersMirror" | "maxAttempts">> {
    return {
      generateOrderId: this.moduleOptions_.generateOrderId !== false,
      ordersMirror:
        this.moduleOptions_.ordersMirror !== false && (!!this.moduleOptions_.clientSecret || !!dinteroConfiguration()),
      maxAttempts: this.moduleOptions_.maxAttempts ?? 8,
    }
  }

  /**
   * A `needs_action` row the merchant sees in the order's mirror (widget and admin API). Created once per key:
   * repeating the same notice adds nothing.
   */
  async recordNotice(orderId: string, key: string, message: string): Promise<void> {
    const identity = `notice:${key}`
    const [existing] = await this.listDinteroOrderOperations({ identity })
    if (existing) return
    await this.createDinteroOrderOperations({
      order_id: orderId,
      identity,
      kind: "notice",
      status: "needs_action",
      sequence: 0,
      last_error: message,
      input: { message },
    } as any)
  }

  /** One Dintero client per process (keep-alive pool and token cache shared by every operation). */
  getDinteroClient(): DinteroClient {
    if (this.#client) return this.#client
    const o = this.moduleOptions_
    if (o.clientSecret) {
      this.#client = new DinteroClient({
        accountId: o.accountId ?? "",
        clientId: o.clientId ?? "",
        clientSecret: o.clientSecret,
        apiBaseUrl: o.apiBaseUrl,
        checkoutBaseUrl: o.checkoutBaseUrl,
        timeoutMs: o.timeoutMs,
      })
      return this.#client
    }
    const provider = dinteroConfiguration()
    if (!provider) {
      throw new Error(
        "The Dintero Orders mirror has no credentials: configure the Dintero payment provider (pp_dintero_dintero) or give the plugin accountId/clientId/clientSecret"
      )
    }
    this.#client = dinteroClientFor(provider)
    return this.#client
  }
}

export default DinteroOrdersService
