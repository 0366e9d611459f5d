// The pure domain layer: no I/O, no Medusa imports. The provider and workflows adapt Medusa data into these types.
export * from "./money"
export * from "./lines"
export * from "./session"
export * from "./allocation"
export * from "./references"
export * from "./status"
export * from "./orders"
export * from "./payment-profile"
