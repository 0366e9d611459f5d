/**
 * What Dintero allows per payment product, as its payments spec states it (Dintero Node SDK
 * src/generated/payments.d.ts; ../shared/reference/dintero-api.md §4.2, §4.4, §12). One definition for the client's
 * users and for the emulator.
 */

/** "Void on part capture" (cancel what a partial capture left authorized) is "only supported" for these products. */
export const VOID_ON_PART_CAPTURE_PRODUCTS: ReadonlySet<string> = new Set([
  "payex.creditcard",
  "payex.mobilepay",
  "payex.vipps",
  "payex.applepay",
  "payex.clicktopay",
  "payex.googlepay",
  "vipps",
  "klarna.klarna",
  "klarna.billie",
])
