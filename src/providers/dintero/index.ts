import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { DinteroPaymentProviderService } from "./service"

export default ModuleProvider(Modules.PAYMENT, {
  services: [DinteroPaymentProviderService],
})
