export {
  mirrorOrderPlacedWorkflow,
  mirrorPaymentRecordsWorkflow,
  mirrorOrderEditWorkflow,
  mirrorOrderCanceledWorkflow,
  moveDinteroAuthorizationAfterEditWorkflow,
  processDinteroOrderOutboxWorkflow,
  retryDinteroOrderOperationsWorkflow,
} from "./mirror-order"
export { processOrderOutbox, settleOutbox } from "./outbox/schedule"
