/**
 * Medusa order → Dintero Orders API drafts.
 *
 * The Orders API records what was sold; it never edits a line in place. A change is a new draft on the same
 * order (`options.order_id`) that reverses the old line (same item, negative amounts, `related_item`) and adds
 * the line as it is now. Orders `line_id`s are integers that must never be reused, so the mirror keeps a
 * snapshot of what it last sent and the next free line id.
 */
import { DecimalInput, apportion, assertMinor, scaledToString, toMinorUnits, toScaledInteger } from "./money"
import { reduced, spreadReduction } from "./orders-mirror/carry-reduction"
import {
  LineItemInput,
  ShippingMethodInput,
  TaxLineInput,
  articleId,
  effectiveRate,
  inCreationOrder,
  nonEmpty,
  quantityOf,
  variantLabel,
} from "./lines"

import { ROUNDING_LINE_ID } from "./session"
import type {
  OrdersDraftCreate,
  OrdersItem,
  OrdersOperationItem,
  OrdersPaymentOperationCreate,
  OrdersTaxLine as DinteroOrdersTaxLine,
} from "../dintero/types"

export interface OrderForMirror {
  id: string
  currency_code: string
  items: LineItemInput[]
  shipping_methods?: ShippingMethodInput[] | null
}

/** The Orders API's tax line, as its contract (src/dintero/contract/orders.ts) defines it. */
export type OrdersTaxLine = Pick<DinteroOrdersTaxLine, "amount" | "percentage">

export interface MirroredLine {
  /** Medusa line item id, or `shipping:<shipping method id>`. */
  medusa_id: string
  line_id: number
  /** Article number: SKU, variant id or Medusa id. */
  id: string
  quantity: number
  /** Line total incl. tax after discounts, minor units. */
  gross_amount: number
  tax_lines: OrdersTaxLine[]
  description: string
  description_alias?: string
  /**
   * The part of this Medusa line's total that pays for the Checkout session's negative lines (its rounding down, its
   * gift card / store credit): `gross_amount` is the Medusa total minus this. Set only on lines that carry one.
   */
  checkout_reduction?: number
}

export interface MirrorSnapshot {
  lines: MirroredLine[]
  next_line_id: number
  /**
   * The Medusa order's rounding when these lines were recorded (orderRounding): what its total says beyond its rounded
   * lines. An edit moves the Orders order's rounding by what it changed since (src/mapping/orders-mirror/edit-rounding.ts).
   * Absent on snapshots recorded before it was kept.
   */
  rounding?: number
  /**
   * The part of the session's negative lines no line could carry when these lines were recorded (an edit that lowered
   * the lines below the gift card; EditDraft.credit_beyond_lines): it still stands, so a later edit that raises the
   * lines carries it again. Absent when 0.
   */
  credit_beyond_lines?: number
}

/**
 * What the Orders order's rounding line must carry now, as the session's rounding line would (checkoutOnlyLines /
 * checkoutReduction in src/mapping/orders-mirror/checkout-lines.ts): `lines`, the positive rounding line (none at 0);
 * `reduction`, what a rounding below zero takes off the Medusa lines (carryReduction); `rounding`, orderRounding of the
 * order the edit brings the lines to.
 */
export interface EditRounding {
  rounding: number
  lines: Omit<MirroredLine, "line_id">[]
  reduction: number
}

/** An Orders draft line as the mirror builds it: the contract's item with the fields we always fill. */
export type OrdersDraftItem = OrdersItem & Required<Pick<OrdersItem, "id" | "quantity" | "tax_lines" | "description">>

/** A draft create body (contract: OrdersDraftCreate) whose items are the mirror's lines. */
export type OrdersDraftBody = OrdersDraftCreate & {
  options: NonNullable<OrdersDraftCreate["options"]>
  order: OrdersDraftCreate["order"] & { items: OrdersDraftItem[] }
}

export interface ReversedLine {
  /** The new (reversal) line's id. */
  line_id: number
  /** The line it reverses. */
  reverses_line_id: number
  medusa_id: string
  /** Negative. */
  gross_amount: number
}

export interface EditDraft {
  body: OrdersDraftBody
  snapshot: MirrorSnapshot
  reversed: ReversedLine[]
  added: MirroredLine[]
  /** What the merchant should read about this draft: Medusa lines below zero, recorded at zero (atLeastZero). */
  notes: string[]
  /**
   * What the session's negative lines (a gift card / store credit) take off beyond everything the edited lines are
   * worth (minor units, > 0 only then): Medusa's order total is this much below 0. The lines are recorded at 0 and
   * this part is no Dintero money (docs/orders-mirror.md, "An edit below the gift card").
   */
  credit_beyond_lines?: number
}

/** An authorization/capture/refund/cancellation body (contract: OrdersPaymentOperationCreate) as the mirror sends it. */
export type PaymentOperationBody = OrdersPaymentOperationCreate & {
  items: OrdersOperationItem[]
  payment_details: { payment_id: string }
  success: true
}

/**
 * Medusa's records cannot be written as a Dintero Orders record (e.g. a placement whose Checkout transaction would be
 * worth less than 0): the same data gives the same answer, so a retry changes nothing; the outbox stops and tells
 * the merchant (needs_action).
 */
export class OrdersMappingError extends Error {
  override name = "OrdersMappingError"
}

export const SHIPPING_MEDUSA_PREFIX = "shipping:"
/**
 * Lines the Checkout session had that are no Medusa line (its rounding line, its gift card / store credit line):
 * `checkout:<Checkout line id>`. They belong to the payment as placed, so edits carry them unchanged.
 */
export const CHECKOUT_MEDUSA_PREFIX = "checkout:"
/** The Orders line of the session's rounding line when it rounds up (checkoutOnlyLines). */
export const ROUNDING_MEDUSA_ID = `${CHECKOUT_MEDUSA_PREFIX}${ROUNDING_LINE_ID}`

/**
 * The first draft of an order: lines 1..n, items in creation order, then shipping methods, then `checkoutOnly`
 * (the session's non-product lines, so that the Orders order's total is the Checkout transaction's).
 */
export function buildInitialDraft(
  order: OrderForMirror,
  options: { generateOrderId: boolean },
  checkoutOnly: Omit<MirroredLine, "line_id">[] = [],
  /** What the session's negative lines take off (positive, minor units): carried as reductions (carryReduction). */
  reduction = 0,
  /**
   * The lines' indices (at their Medusa totals, in line order) in the order Checkout's partial captures reach them
   * (inCheckoutOrder, src/mapping/orders-mirror/checkout-lines.ts): the reduction is carried by the last of them, so
   * no partial capture or refund takes more from a rounding's line than its Orders line holds. Default: line order.
   */
  checkoutOrder?: (lines: Omit<MirroredLine, "line_id">[]) => number[]
): { body: OrdersDraftBody; snapshot: MirrorSnapshot } {
  const atTotals = currentLines(order)
  const carryOrder = checkoutOrder ? checkoutOrder(atTotals) : atTotals.map((_, i) => i)
  if (carryOrder.length !== atTotals.length || new Set(carryOrder).size !== atTotals.length || carryOrder.some((i) => !atTotals[i])) {
    throw new Error(`buildInitialDraft: the Checkout order ${JSON.stringify(carryOrder)} is no order of the ${atTotals.length} lines`)
  }
  const { lines: medusa } = carryReduction(atTotals, new Array<number>(atTotals.length).fill(0), reduction, [carryOrder])
  const lines = [...medusa, ...checkoutOnly].map((line, index) => ({ ...line, line_id: index + 1 }))
  return {
    body: {
      options: options.generateOrderId ? { generate_order_id: "ALPHANUMERIC_9" } : {},
      order: { currency: currencyOf(order), items: lines.map(draftItem) },
    },
    snapshot: { lines, next_line_id: lines.length + 1, rounding: orderRounding(order) },
  }
}

/**
 * Medusa's rounding of an order: its total minus the sum of its line totals each rounded to minor units. Medusa keeps
 * every amount unrounded (BigNumber, 20 significant digits) and its order total is the sum of the unrounded line
 * totals (items and shipping, less credit lines), rounded only where money is paid. A line total has a fraction of a
 * minor unit whenever prices exclude VAT (25 % of an odd øre) or a promotion is spread over the lines (a fixed amount
 * `across` the items: amount × line subtotal / items subtotal); the lines, rounded one by one, then miss the total by
 * up to half a minor unit each, in either direction. The Checkout session states it as its rounding line; an edit
 * that changes a line changes it too (docs/orders-mirror.md, "Rounding after an edit").
 *
 * The total is rounded as the payments round it (medusaTotalToMinorUnits): Medusa's divisions leave noise in the last
 * of its 20 digits, and a total that is a whole half øre can come out a hair below it.
 */
export function orderRounding(order: OrderForMirror): number {
  const currency = currencyOf(order)
  const totals = [...order.items.map((item) => item.total), ...(order.shipping_methods ?? []).map((method) => method.total)]
  return medusaTotalToMinorUnits(totals, currency) - totals.reduce<number>((sum, total) => sum + toMinorUnits(total, currency), 0)
}

/** Significant digits of a Medusa amount that are not noise of its own arithmetic (a JS number keeps 15 exactly). */
const MEDUSA_EXACT_DIGITS = 15

/**
 * Σ of Medusa's unrounded amounts, rounded as what Medusa asks for is: first to 15 significant digits, then half up to
 * minor units. Medusa computes in 20 significant digits, so a promotion's share carries noise in its last digits: in
 * the ledger property's seed 1234, 21st run (SEK, a fixed promotion across the items, 15.06 raised 1 → 2) the edited
 * lines summed to 1539.224999999999993 (Medusa's own `raw_current_order_total` too) for a total that is exactly
 * 1539.225: its payment collection, read as a number, asked 1539.23 (the link 18.83), while the exact sum rounds to
 * 1539.22, the mirror saw no rounding move, and the link's authorization found 18.82 of room.
 */
export function medusaTotalToMinorUnits(amounts: DecimalInput[], currency: string): number {
  const places = 24
  const sum = amounts.reduce<bigint>((acc, amount) => acc + toScaledInteger(amount, places), 0n)
  const magnitude = sum < 0n ? -sum : sum
  const drop = magnitude.toString().length - MEDUSA_EXACT_DIGITS
  let kept = magnitude
  if (drop > 0) {
    // Half up at the 15th significant digit.
    const unit = 10n ** BigInt(drop)
    kept = (magnitude / unit + ((magnitude % unit) * 2n >= unit ? 1n : 0n)) * unit
  }
  return toMinorUnits(scaledToString(sum < 0n ? -kept : kept, places), currency)
}

/**
 * The draft that brings an existing Dintero order from `previous` to `current`, or null when nothing that
 * the Orders API records has changed. A line counts as changed when its quantity, gross amount or tax
 * amounts or its article id differ (a new description alone is cosmetic). Reversals come first (previous order), then the
 * new versions of changed lines and the added lines (current order).
 */
export function buildEditDraft(
  dinteroOrderId: string,
  previous: MirrorSnapshot,
  current: OrderForMirror,
  /**
   * The rounding line the edited Orders order needs (editRounding, src/mapping/orders-mirror/edit-rounding.ts), so
   * that it stays worth Medusa's total to the øre; without it the previous rounding line is carried unchanged.
   */
  rounding?: EditRounding
): EditDraft | null {
  if (!nonEmpty(dinteroOrderId)) throw new Error("buildEditDraft needs the Dintero order id")
  assertLineId(previous.next_line_id, "next_line_id")
  let nextLineId = Math.max(previous.next_line_id, ...previous.lines.map((line) => line.line_id + 1))

  const before = new Map(previous.lines.map((line) => [line.medusa_id, line]))
  // The session's negative lines stand as long as the payment does, as reductions of Medusa lines (carryReduction):
  // a line that stays as recorded keeps its reduction; what reversed lines carried moves to the lines this edit
  // sends anyway, and only what those cannot carry makes an unchanged line change.
  const notes: string[] = []
  const atTotals = currentLines(current, notes)
  let moving = rounding?.reduction ?? 0
  for (const old of previous.lines) moving += old.checkout_reduction ?? 0
  moving += previous.credit_beyond_lines ?? 0
  const carried = new Array<number>(atTotals.length).fill(0)
  const changed: number[] = []
  const unchanged: number[] = []
  atTotals.forEach((line, index) => {
    const old = before.get(line.medusa_id)
    const kept = old?.checkout_reduction ?? 0
    if (old && kept > 0 && kept <= line.gross_amount && !recordedDifferently(old, reduced(line, kept))) {
      carried[index] = kept
      moving -= kept
      unchanged.push(index)
    } else if (old && !recordedDifferently(old, line)) unchanged.push(index)
    else changed.push(index)
  })
  // An edit may leave the lines worth less than the gift card (Medusa's total below 0): they all go to 0, never below.
  const { lines: medusa, beyond } = carryReduction(atTotals, carried, moving, [changed, unchanged], { clamp: true })
  // The Checkout session's own positive lines (a rounding up) are Orders lines of their own, kept unchanged; the
  // rounding line takes the amount the edited order's rounding needs.
  const sessionLines = previous.lines.filter((line) => line.medusa_id.startsWith(CHECKOUT_MEDUSA_PREFIX) && !(rounding && line.medusa_id === ROUNDING_MEDUSA_ID))
  const now = [...medusa, ...sessionLines, ...(rounding?.lines ?? [])]
  const nowById = new Map(now.map((line) => [line.medusa_id, line]))

  const items: OrdersDraftItem[] = []
  const reversed: ReversedLine[] = []
  // A removal is a replacement only when the same edit brings a line the order did not have.
  const replaces = now.some((line) => !before.has(line.medusa_id))
  for (const old of previous.lines) {
    const line = nowById.get(old.medusa_id)
    if (line && !recordedDifferently(old, line)) continue
    const reversal: OrdersDraftItem = {
      ...draftItem(old),
      line_id: nextLineId++,
      gross_amount: -old.gross_amount,
      tax_lines: old.tax_lines.map((tax) => ({ amount: -tax.amount, percentage: tax.percentage })),
      reversed_reason: reversalReason(old, line, replaces),
      related_item: { line_id: old.line_id, type: "reversed" },
    }
    items.push(reversal)
    reversed.push({
      line_id: reversal.line_id,
      reverses_line_id: old.line_id,
      medusa_id: old.medusa_id,
      gross_amount: reversal.gross_amount,
    })
  }

  const lines: MirroredLine[] = []
  const added: MirroredLine[] = []
  for (const line of now) {
    const old = before.get(line.medusa_id)
    if (old && !recordedDifferently(old, line)) {
      lines.push(old) // unchanged: keeps its line id (and its recorded description)
      continue
    }
    const fresh = { ...line, line_id: nextLineId++ }
    lines.push(fresh)
    added.push(fresh)
    items.push(draftItem(fresh))
  }

  if (items.length === 0) return null
  return {
    body: { options: { order_id: dinteroOrderId }, order: { currency: currencyOf(current), items } },
    snapshot: {
      lines,
      next_line_id: nextLineId,
      ...(rounding ? { rounding: rounding.rounding } : previous.rounding !== undefined && { rounding: previous.rounding }),
      ...(beyond > 0 && { credit_beyond_lines: beyond }),
    },
    reversed,
    added,
    notes,
    ...(beyond > 0 && { credit_beyond_lines: beyond }),
  }
}

/**
 * The session's negative lines (a rounding down, a gift card) as reductions of the Medusa lines `atTotals`
 * (spreadReduction, src/mapping/orders-mirror/carry-reduction.ts): `carried` is what each line keeps from the last
 * record; `amount` more is spread over `groups`. The lines as they are recorded, each carrying its part, and what
 * they could not carry (`beyond`). A placement cannot leave any (its Checkout transaction is worth at least 0): it
 * throws. An edit (`clamp`) can, when it lowers the lines below the gift card: every line is then at 0 and `beyond`
 * is the part of the credit the order no longer has lines for.
 */
function carryReduction(
  atTotals: Omit<MirroredLine, "line_id">[],
  carried: number[],
  amount: number,
  groups: number[][],
  options: { clamp?: boolean } = {}
): { lines: Omit<MirroredLine, "line_id">[]; beyond: number } {
  const beyond = spreadReduction(atTotals, carried, amount, groups)
  if (beyond > 0 && !options.clamp) {
    throw new OrdersMappingError(
      `The Checkout session's gift card / rounding lines take off ${amount} (minor units), more than the order's lines can still carry (${amount - beyond}); the Orders order cannot be worth what the shopper paid`
    )
  }
  return { lines: atTotals.map((line, index) => reduced(line, carried[index] ?? 0)), beyond }
}

/** Body for Orders `authorizations` / `captures` / `refunds` / `cancellations`. */
export function buildPaymentOperation(
  lines: { line_id: number; amount: number }[],
  paymentId: string
): PaymentOperationBody {
  if (!nonEmpty(paymentId)) throw new Error("A payment operation needs the Dintero transaction id as payment_id")
  return {
    items: lines.map(({ line_id, amount }) => {
      assertLineId(line_id, "line_id")
      assertMinor(amount, `amount of line ${line_id}`)
      return { amount, line_id }
    }),
    payment_details: { payment_id: paymentId },
    success: true,
  }
}

/** The order's lines as the Orders API would record them now (without line ids); `notes` gets what the merchant should read. */
function currentLines(order: OrderForMirror, notes: string[] = []): Omit<MirroredLine, "line_id">[] {
  const currency = currencyOf(order)
  const minor = (value: DecimalInput) => toMinorUnits(value, currency)

  const items = inCreationOrder(order.items)
    .map((item) => ({ item, quantity: quantityOf(item.quantity) }))
    // An order edit that removes an item leaves it at quantity 0: for the mirror it is gone.
    .filter(({ quantity }) => quantity !== 0)
    .map(({ item, quantity }) => {
      const description = nonEmpty(item.title) ?? nonEmpty(item.product_title) ?? item.id
      const { gross, tax } = atLeastZero(minor(item.total), minor(item.tax_total), description, currency, notes)
      const alias = variantLabel(item)
      return {
        medusa_id: item.id,
        id: articleId(item),
        quantity,
        gross_amount: gross,
        tax_lines: ordersTaxLines(item.tax_lines, gross, tax),
        description,
        ...(alias && { description_alias: alias }),
      }
    })

  const shipping = inCreationOrder(order.shipping_methods ?? []).map((method) => {
    const description = nonEmpty(method.name) ?? "Shipping"
    const { gross, tax } = atLeastZero(minor(method.total), minor(method.tax_total), description, currency, notes)
    return {
      medusa_id: `${SHIPPING_MEDUSA_PREFIX}${method.id}`,
      id: nonEmpty(method.shipping_option_id) ?? method.id,
      quantity: 1,
      gross_amount: gross,
      tax_lines: ordersTaxLines(method.tax_lines, gross, tax),
      description,
    }
  })
  return [...items, ...shipping]
}

/**
 * A Medusa line total below zero is recorded as a zero line. Medusa can leave one: after an edit lowers the quantity
 * of an item that a fixed promotion discounts, the adjustment can exceed what the line is still worth (ledger
 * property, seed 1234 path 4: a NOK line at −0.47). The Orders API carries negative amounts only on reversal lines
 * (ORDERS spec, Dintero's order-edit guide; whether a plain negative line is accepted is open, docs/dintero-contract.md,
 * and the emulator refuses it), so the line is worth nothing there rather than less; the money it held moves to the refund-remaining line like any other reduction (plan-edit.ts). Its tax goes with it.
 */
function atLeastZero(gross: number, tax: number, name: string, currency: string, notes: string[]): { gross: number; tax: number } {
  if (gross >= 0) return { gross, tax }
  notes.push(
    `Medusa's line "${name}" totals ${gross} (minor units, ${currency}), below zero (a discount larger than the line); the Orders API has no negative lines, so it is recorded at 0 and what it held goes to the refund-remaining line`
  )
  return { gross: 0, tax: 0 }
}

/**
 * Orders tax lines carry an amount each. Several tax lines on one line share its base, so the line's tax is
 * split in proportion to the rates (largest remainder, so the parts add up to the line's tax exactly).
 */
export function ordersTaxLines(
  taxLines: TaxLineInput[] | null | undefined,
  grossMinor: number,
  taxMinor: number
): OrdersTaxLine[] {
  if (!taxLines || taxLines.length === 0) {
    return taxMinor === 0 ? [] : [{ amount: taxMinor, percentage: effectiveRate(grossMinor, taxMinor) }]
  }
  const rated = taxLines.map((line) => {
    const rate = toScaledInteger(line.rate, 2) // hundredths of a percent
    return { rate, percentage: Number(scaledToString(rate, 2)) }
  })
  if (taxLines.length === 1 || rated.every(({ rate }) => rate === 0n)) {
    // One rate takes all the tax; with all-zero rates, the first line holds whatever tax there is.
    return rated.map(({ percentage }, index) => ({ amount: index === 0 ? taxMinor : 0, percentage }))
  }
  const tax = BigInt(taxMinor)
  const negative = tax < 0n
  return apportion(negative ? -tax : tax, rated, ({ rate }) => rate).map(({ item, part }) => ({
    amount: Number(negative ? -part : part),
    percentage: item.percentage,
  }))
}

function draftItem(line: MirroredLine): OrdersDraftItem {
  const item: OrdersDraftItem = {
    id: line.id,
    line_id: line.line_id,
    quantity: line.quantity,
    gross_amount: line.gross_amount,
    tax_lines: line.tax_lines.map((tax) => ({ ...tax })),
    description: line.description,
  }
  if (line.description_alias) item.description_alias = line.description_alias
  return item
}

/** What happened to a reversed line, in the words a merchant (and an invoice customer) reads on the order. */
export function reversalReason(old: MirroredLine, now: Omit<MirroredLine, "line_id"> | undefined, replaces: boolean): string {
  if (!now) return replaces ? "Replace item" : "Item removed"
  if (now.quantity < old.quantity) return "Quantity decreased"
  if (now.quantity > old.quantity) return "Quantity increased"
  if (now.id !== old.id) return "Article changed"
  return now.gross_amount !== old.gross_amount ? "Price changed" : "Tax changed"
}

function recordedDifferently(old: MirroredLine, now: Omit<MirroredLine, "line_id">): boolean {
  return (
    old.quantity !== now.quantity ||
    old.gross_amount !== now.gross_amount ||
    old.id !== now.id ||
    old.tax_lines.length !== now.tax_lines.length ||
    old.tax_lines.some((tax, i) => {
      const other = now.tax_lines[i]
      return tax.amount !== other?.amount || tax.percentage !== other?.percentage
    })
  )
}

function currencyOf(order: OrderForMirror): string {
  return order.currency_code.trim().toUpperCase()
}

function assertLineId(value: unknown, what: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`Invalid ${what}: ${String(value)} (Orders line ids are positive integers)`)
  }
}
