import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { dinteroConfiguration } from "../../../../lib/dintero-registry"
import { settingsView } from "../lib/views"

/**
 * GET /admin/dintero/settings — the Dintero configuration this Medusa process booted with, for the admin settings
 * page: account (test or production from the account id), profile, base URLs and the callback URL the merchant must
 * let through. The client secret and the callback secret are replaced by a fixed marker.
 */
export async function GET(_req: MedusaRequest, res: MedusaResponse) {
  const options = dinteroConfiguration()
  if (!options) {
    res.json({
      configured: false,
      settings: null,
      message:
        "The Dintero payment provider is not configured: add medusa-payment-dintero/providers/dintero to the payment module's providers in medusa-config.ts.",
    })
    return
  }
  res.json({ configured: true, provider_id: "pp_dintero_dintero", settings: settingsView(options) })
}
