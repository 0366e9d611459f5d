/**
 * Which Dintero payment profile a payment session uses, in a store that sells in several markets.
 *
 * Pure: the caller reads the session's currency, region and country from Medusa and passes them in.
 *
 * A profile entry names the one currency it takes and, optionally, the markets it serves (countries and/or Medusa
 * regions). An entry matches a session only in its own currency. Among the entries in that currency the most specific
 * statement wins:
 *
 *   country  >  region  >  currency  >  default (`profileId`)
 *
 * Each level is contained in the next: a shipping country belongs to exactly one Medusa region (Medusa refuses an
 * address outside the cart's region), a region has exactly one currency, and the default covers every currency. So a
 * country entry carves an exception out of its region's entry, a region entry out of its currency's entry, and so on,
 * and no two levels can claim the same session with the same weight.
 */

/**
 * The currencies the plugin lets Dintero take. ASSUMPTION: no Dintero source lists the currencies Checkout accepts
 * (the payments spec types `order.currency` as any ISO 4217 code, and says payment types are "configured for a given
 * currency" on the account). These are the currencies of the Nordic markets Dintero's documentation, plugins and
 * payment methods address (Vipps/NOK, Swish/SEK, MobilePay/DKK and EUR). See docs/payment-profiles.md.
 */
export const DINTERO_CURRENCIES = ["NOK", "SEK", "DKK", "EUR"] as const

export function isDinteroCurrency(code: string): boolean {
  return (DINTERO_CURRENCIES as readonly string[]).includes(code.trim().toUpperCase())
}

export interface PaymentProfile {
  /** Dintero payment profile id. */
  id: string
  /** ISO 4217, upper case: the only currency this entry is used for. */
  currency: string
  /** ISO 3166-1 alpha-2, upper case: shipping countries served by this entry. */
  countries?: string[]
  /** Medusa region ids served by this entry. */
  regions?: string[]
}

export interface PaymentProfileSettings {
  /** The profile for every session no entry matches; takes any currency Dintero takes. */
  profileId?: string
  profiles?: PaymentProfile[]
}

/** What Medusa knows about the session's market. */
export interface PaymentMarket {
  currency: string
  regionId?: string | null
  /** The shipping country (or the billing country without a shipping address). */
  countryCode?: string | null
}

export type ProfileMatch = "country" | "region" | "currency" | "default"

export type PaymentProfileChoice =
  | { ok: true; profileId: string; matchedBy: ProfileMatch }
  | { ok: false; problem: "unsupported_currency" | "no_profile"; message: string }

const list = (codes: readonly string[]) =>
  codes.length <= 1 ? codes.join("") : `${codes.slice(0, -1).join(", ")} and ${codes[codes.length - 1]}`

/** The payment profile for a session, or why Dintero must not be asked (a message the storefront can show). */
export function choosePaymentProfile(settings: PaymentProfileSettings, market: PaymentMarket): PaymentProfileChoice {
  const currency = market.currency.trim().toUpperCase()
  if (!isDinteroCurrency(currency)) {
    return {
      ok: false,
      problem: "unsupported_currency",
      message: `Dintero cannot take payments in ${currency} (it takes ${list(DINTERO_CURRENCIES)}). Please choose another payment method.`,
    }
  }
  const country = market.countryCode?.trim().toUpperCase() || undefined
  const region = market.regionId || undefined
  const inCurrency = (settings.profiles ?? []).filter((p) => p.currency === currency)

  const byCountry = country && inCurrency.find((p) => p.countries?.includes(country))
  if (byCountry) return { ok: true, profileId: byCountry.id, matchedBy: "country" }
  const byRegion = region && inCurrency.find((p) => p.regions?.includes(region))
  if (byRegion) return { ok: true, profileId: byRegion.id, matchedBy: "region" }
  const byCurrency = inCurrency.find((p) => !p.countries?.length && !p.regions?.length)
  if (byCurrency) return { ok: true, profileId: byCurrency.id, matchedBy: "currency" }
  if (settings.profileId) return { ok: true, profileId: settings.profileId, matchedBy: "default" }

  return {
    ok: false,
    problem: "no_profile",
    message:
      `Dintero is not set up in this store for payments in ${currency}${country ? ` for ${country}` : ""} ` +
      `(no payment profile is configured for them). Please choose another payment method.`,
  }
}

/**
 * Why a list of profile entries cannot be used, as [path below `profiles`, message]: a currency Dintero does not take,
 * or two entries claiming the same (currency, country), (currency, region) or currency-wide slot, which would make the
 * choice depend on the order of the list.
 */
export function profileConflicts(profiles: PaymentProfile[]): Array<[(string | number)[], string]> {
  const problems: Array<[(string | number)[], string]> = []
  const claimed = new Map<string, number>()
  const claim = (key: string, index: number, path: (string | number)[], what: string) => {
    const earlier = claimed.get(key)
    if (earlier !== undefined) problems.push([path, `${what} is already served by profiles[${earlier}]`])
    else claimed.set(key, index)
  }
  profiles.forEach((p, i) => {
    if (!isDinteroCurrency(p.currency)) {
      problems.push([[i, "currency"], `must be one of ${list(DINTERO_CURRENCIES)} (the currencies Dintero takes)`])
    }
    p.countries?.forEach((c, j) => claim(`${p.currency}|country|${c}`, i, [i, "countries", j], `${c} in ${p.currency}`))
    p.regions?.forEach((r, j) => claim(`${p.currency}|region|${r}`, i, [i, "regions", j], `region ${r} in ${p.currency}`))
    if (!p.countries?.length && !p.regions?.length) {
      claim(`${p.currency}|all`, i, [i, "currency"], `every market in ${p.currency}`)
    }
  })
  return problems
}

/** One payment profile to test, in the currency it will be used in. */
export interface ProfileProbe {
  profileId: string
  currency: string
}

/**
 * Every configured profile with the currency to test it in: each entry in its own currency (an id used for several
 * currencies is tested in each), and the default profile in `defaultCurrency` unless an entry already tests it there.
 */
export function profileProbes(settings: PaymentProfileSettings, defaultCurrency: string): ProfileProbe[] {
  const probes: ProfileProbe[] = []
  const add = (profileId: string, currency: string) => {
    if (!probes.some((p) => p.profileId === profileId && p.currency === currency)) probes.push({ profileId, currency })
  }
  if (settings.profileId) add(settings.profileId, defaultCurrency.toUpperCase())
  for (const p of settings.profiles ?? []) add(p.id, p.currency)
  return probes
}
