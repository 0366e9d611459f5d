import { WorkflowResponse, createWorkflow, transform, type WorkflowData } from "@medusajs/framework/workflows-sdk"
import { enqueueDinteroOperationsStep, ensureDinteroOrderMirrorStep, type EnqueueInput } from "./steps/enqueue-operations"
import { moveKeptAuthorizationStep } from "./steps/move-kept-authorization"
import { processDinteroOutboxStep, resetDinteroOperationsStep } from "./steps/process-outbox"
import {
  resolveOrderCanceledStep,
  resolveOrderEditStep,
  resolveOrderPlacedStep,
  resolvePaymentRecordsStep,
} from "./steps/resolve-operations"

/*
 * One workflow per Medusa event. Each only WRITES the outbox (database work, no Dintero call); sending is
 * processDinteroOrderOutboxWorkflow's job, which the subscribers then run and await (src/workflows/lib/enqueue-then-send.ts),
 * so a process that dies mid-send leaves a claimed row the retry job resumes.
 */

/** The order's mirror (found or created, and linked to the order), then the outbox rows. */
function enqueue(toEnqueue: WorkflowData<EnqueueInput>) {
  ensureDinteroOrderMirrorStep(toEnqueue)
  return enqueueDinteroOperationsStep(toEnqueue)
}

export const mirrorOrderPlacedWorkflow = createWorkflow("dintero-mirror-order-placed", (input: { order_id: string }) => {
  const toEnqueue = resolveOrderPlacedStep(input)
  return new WorkflowResponse(enqueue(toEnqueue))
})

export const mirrorPaymentRecordsWorkflow = createWorkflow(
  "dintero-mirror-payment-records",
  (input: { payment_id: string; kind: "capture" | "refund" }) => {
    const toEnqueue = resolvePaymentRecordsStep(input)
    return new WorkflowResponse(enqueue(toEnqueue))
  }
)

export const mirrorOrderEditWorkflow = createWorkflow(
  "dintero-mirror-order-edit",
  (input: { order_id: string; actions?: { action?: string; order_change_id?: string }[] }) => {
    const toEnqueue = resolveOrderEditStep(input)
    return new WorkflowResponse(enqueue(toEnqueue))
  }
)

export const mirrorOrderCanceledWorkflow = createWorkflow("dintero-mirror-order-canceled", (input: { order_id: string }) => {
  const toEnqueue = resolveOrderCanceledStep(input)
  return new WorkflowResponse(enqueue(toEnqueue))
})

/** Sends due operations: of the given orders, or of every order with something due (the scheduled job). */
export const processDinteroOrderOutboxWorkflow = createWorkflow(
  "dintero-process-order-outbox",
  (input: { order_ids?: string[]; force?: boolean }) => new WorkflowResponse(processDinteroOutboxStep(input))
)

/** Admin retry: makes the order's stuck operations due and runs them now. */
export const retryDinteroOrderOperationsWorkflow = createWorkflow(
  "dintero-retry-order-operations",
  (input: { order_id: string; operation_id?: string }) => {
    const reset = resetDinteroOperationsStep(input)
    const which = transform({ input, reset }, ({ input }) => ({ order_ids: [input.order_id] }))
    processDinteroOutboxStep(which)
    return new WorkflowResponse(reset)
  }
)

/**
 * After an order edit on an authorized, uncaptured Dintero payment: move the kept authorization to the order's new
 * payment collection (Medusa issue #14984; see steps/move-kept-authorization.ts).
 */
export const moveDinteroAuthorizationAfterEditWorkflow = createWorkflow(
  "dintero-move-authorization-after-edit",
  (input: { order_id: string }) => new WorkflowResponse(moveKeptAuthorizationStep(input))
)
