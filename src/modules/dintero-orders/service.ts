import { MedusaService } from "@medusajs/framework/utils"
import { DinteroClient } from "../../dintero"
import { dinteroClientFor, dinteroConfiguration } from "../../providers/dintero/registry"
import { DinteroOrderMirror } from "./models/order-mirror"
import { DinteroOrderOperation } from "./models/order-operation"
import { parseDinteroOrdersOptions, type DinteroOrdersOptions, type MirrorOptions } from "./options"

class DinteroOrdersService extends MedusaService({ DinteroOrderMirror, DinteroOrderOperation }) {
  protected readonly moduleOptions_: DinteroOrdersOptions
  #client?: DinteroClient

  constructor(container: Record<string, unknown>, options: unknown = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    // Already checked by the module's loader at boot; parsed again here for the normalised values.
    this.moduleOptions_ = parseDinteroOrdersOptions(options)
  }

  get mirrorOptions(): MirrorOptions {
    return {
      generateOrderId: this.moduleOptions_.generateOrderId,
      // On unless switched off, and only with credentials (own, or the payment provider's).
      ordersMirror: this.moduleOptions_.ordersMirror && (!!this.moduleOptions_.clientSecret || !!dinteroConfiguration()),
      maxAttempts: this.moduleOptions_.maxAttempts,
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
    })
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
