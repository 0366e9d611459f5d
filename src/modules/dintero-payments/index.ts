import { Module } from "@medusajs/framework/utils"
import { DINTERO_PAYMENTS_MODULE } from "./module-name"
import DinteroPaymentsService from "./service"

export { DINTERO_PAYMENTS_MODULE }

export default Module(DINTERO_PAYMENTS_MODULE, {
  service: DinteroPaymentsService,
})

export { DinteroPaymentsService }
