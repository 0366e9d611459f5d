import { randomInt } from "node:crypto"

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/** `options.generate_order_id: "ALPHANUMERIC_9"`: nine random upper-case letters and digits. */
export function alphanumeric9(): string {
  let id = ""
  for (let i = 0; i < 9; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]
  return id
}
