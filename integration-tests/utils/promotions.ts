import type { MedusaContainer } from "@medusajs/framework/types"
import { createPromotionsWorkflow } from "@medusajs/medusa/core-flows"
import type { StoreApi } from "../../scripts/lib/store-api"

/** An active promotion taking 10 % off a NOK cart's items, spread across them; answers its code. */
export async function createTenPercentOffItems(container: MedusaContainer): Promise<string> {
  const code = "TIPROSENT"
  await createPromotionsWorkflow(container).run({
    input: {
      promotionsData: [
        {
          code,
          type: "standard",
          status: "active",
          application_method: { type: "percentage", target_type: "items", allocation: "across", value: 10, currency_code: "nok" },
        } as any,
      ],
    },
  })
  return code
}

/** Applies promotion codes to a cart through the Store API, as a storefront does; answers the raw response. */
export function applyPromotions(store: StoreApi, publishableKey: string, cartId: string, codes: string[]) {
  return store.http.post(`/store/carts/${cartId}/promotions`, { promo_codes: codes }, { headers: { "x-publishable-api-key": publishableKey } })
}
