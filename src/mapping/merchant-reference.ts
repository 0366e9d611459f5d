/**
 * Which Medusa record a Dintero merchant_reference names, by Medusa's id prefixes. The provider chooses the reference
 * (src/providers/dintero/session-request.ts): the cart for a checkout, else the order, else its payment collection,
 * else the payment session.
 */
export function merchantReferenceKind(reference: string): "cart" | "order" | "payment_collection" | "other" {
  if (reference.startsWith("cart_")) return "cart"
  if (reference.startsWith("order_")) return "order"
  if (reference.startsWith("pay_col_")) return "payment_collection"
  return "other"
}
