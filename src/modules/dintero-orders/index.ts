import { Module } from "@medusajs/framework/utils"
import keepDinteroSchedules from "./loaders/keep-schedules"
import validateDinteroOrdersOptions from "./loaders/validate-options"
import DinteroOrdersService from "./service"

export const DINTERO_ORDERS_MODULE = "dinteroOrders"

export default Module(DINTERO_ORDERS_MODULE, {
  service: DinteroOrdersService,
  loaders: [validateDinteroOrdersOptions, keepDinteroSchedules],
})

export { DinteroOrdersService }
export type { DinteroOrdersModuleOptions, MirrorOptions } from "./options"
