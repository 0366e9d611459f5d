/**
 * The module of the payment provider's own records that must hold across processes (order-edit authorization
 * grants). Its own file so that kept-authorizations.ts can name it without importing the module's definition.
 */
export const DINTERO_PAYMENTS_MODULE = "dinteroPayments"
