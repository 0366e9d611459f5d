import { Module } from "@medusajs/framework/utils"
import DinteroOrdersService from "./service"

export const DINTERO_ORDERS_MODULE = "dinteroOrders"

export default Module(DINTERO_ORDERS_MODULE, {
  service: DinteroOrdersService,
})

export { DinteroOrdersService }
export type { DinteroOrdersModuleOptions } from "./service"
