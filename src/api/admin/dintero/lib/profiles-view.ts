import type { PaymentProfileSettings } from "../../../../mapping/payment-profile"

/**
 * The payment profiles the plugin chooses from, as the settings page lists them (no imports at run time: the dashboard
 * imports the type). Order: the entries as configured, then the default.
 */
export interface PaymentProfileView {
  profile_id: string
  /** The one currency the entry is used for; null for the default profile (any currency Dintero takes). */
  currency: string | null
  /** Shipping countries (ISO 3166-1 alpha-2) the entry serves; empty: every country in its currency. */
  countries: string[]
  /** Medusa region ids the entry serves. */
  regions: string[]
  /** How a session reaches it: a market entry, a currency-wide entry, or the default for everything else. */
  scope: "markets" | "currency" | "default"
}

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
