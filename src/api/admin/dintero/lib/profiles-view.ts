import type { PaymentProfileSettings } from "../../../../mapping/payment-profile"
import type { PaymentProfileView } from "./wire-types"

export type { PaymentProfileView }

/** The payment profiles the plugin chooses from, as the settings page lists them: entries as configured, then the default. */
export function paymentProfilesView(settings: PaymentProfileSettings): PaymentProfileView[] {
  const rows: PaymentProfileView[] = (settings.profiles ?? []).map((p) => ({
    profile_id: p.id,
    currency: p.currency,
    countries: p.countries ?? [],
    regions: p.regions ?? [],
    scope: p.countries?.length || p.regions?.length ? "markets" : "currency",
  }))
  if (settings.profileId) {
    rows.push({ profile_id: settings.profileId, currency: null, countries: [], regions: [], scope: "default" })
  }
  return rows
}
