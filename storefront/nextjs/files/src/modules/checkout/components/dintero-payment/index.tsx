"use client"

// The review step's pay button for Dintero: the embedded Dintero checkout (Web SDK) and, below it, the way to pay on
// Dintero's own page (redirect). Keep both or remove one. Either way the shopper ends at the return Route Handler,
// which completes the cart.
import { embed } from "@dintero/checkout-web-sdk"
import { DINTERO_CHECKOUT_ENDPOINT, DINTERO_PROVIDER_ID, dinteroReturnPath } from "@lib/dintero/config"
import { registerOpenDinteroCheckout } from "@lib/dintero/open-checkout"
import { HttpTypes } from "@medusajs/types"
import { Button } from "@modules/common/components/ui"
import ErrorMessage from "@modules/checkout/components/error-message"
import { useParams } from "next/navigation"
import { useEffect, useRef, useState } from "react"

type Props = {
  cart: HttpTypes.StoreCart
  notReady: boolean
  "data-testid"?: string
}

export default function DinteroPaymentButton({ cart, notReady, "data-testid": dataTestId }: Props) {
  const { countryCode } = useParams<{ countryCode: string }>()
  const container = useRef<HTMLDivElement>(null)
  const [error, setError] = useState<string | null>(null)
  const session = cart.payment_collection?.payment_sessions?.find(
    (s) => s.provider_id === DINTERO_PROVIDER_ID && s.status === "pending"
  )
  const sid = typeof session?.data?.dintero_session_id === "string" ? session.data.dintero_session_id : undefined
  const checkoutUrl = typeof session?.data?.checkout_url === "string" ? session.data.checkout_url : undefined

  useEffect(() => {
    if (!sid || notReady || !container.current) return
    let destroyed = false
    let checkout: { destroy: () => void } | undefined
    let forget: (() => void) | undefined
    const leave = (query: Record<string, string | undefined>) =>
      window.location.assign(dinteroReturnPath(countryCode, { merchant_reference: cart.id, ...query }))
    embed({
      container: container.current,
      sid,
      endpoint: DINTERO_CHECKOUT_ENDPOINT,
      language: "en",
      // The SDK shows Dintero's result in the frame and calls these; the return Route Handler does the rest.
      onPayment: (event) =>
        leave({ transaction_id: event.transaction_id, merchant_reference: event.merchant_reference || cart.id }),
      onPaymentError: (event) => leave({ error: event.error || "failed" }),
      onSessionCancel: () => leave({ error: "cancelled" }),
    })
      .then((instance) => {
        if (destroyed) return instance.destroy()
        checkout = instance
        // A cart change elsewhere on the page locks and refreshes this checkout (open-checkout.ts); a new session id
        // after it re-runs this effect, which mounts the new session.
        forget = registerOpenDinteroCheckout(sid, instance)
      })
      .catch((e: unknown) => setError(`The Dintero checkout could not be loaded: ${e instanceof Error ? e.message : e}`))
    return () => {
      destroyed = true
      forget?.()
      checkout?.destroy()
    }
  }, [sid, notReady, countryCode, cart.id])

  if (!sid || !checkoutUrl) {
    return <ErrorMessage error="The Dintero payment session is missing: go back to the payment step." data-testid="dintero-missing-session" />
  }
  return (
    <div className="flex flex-col gap-y-4" data-testid={dataTestId}>
      <div ref={container} data-testid="dintero-embedded-checkout" />
      <Button
        variant="secondary"
        size="large"
        disabled={notReady}
        onClick={() => window.location.assign(checkoutUrl)}
        data-testid="dintero-redirect-button"
      >
        Pay on Dintero&apos;s page
      </Button>
      <ErrorMessage error={error} data-testid="dintero-payment-error-message" />
    </div>
  )
}
