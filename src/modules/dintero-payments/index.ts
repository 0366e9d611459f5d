import { Module } from "@medusajs/framework/utils"
import DinteroPaymentsService from "./service"

/** The payment provider's own records that must hold across processes (order-edit authorization grants). */
export const DINTERO_PAYMENTS_MODULE = "dinteroPayments"

export default Module(DINTERO_PAYMENTS_MODULE, {
  service: DinteroPaymentsService,
})

export { DinteroPaymentsService }
