// A Dintero payment that did not go through (cancelled, declined, not confirmed): say so, and lead back to the
// payment step. "Try again" creates a new Dintero session for the cart (retryDinteroPayment).
import { dinteroProblemText } from "@lib/dintero/config"
import { retryDinteroPayment } from "@lib/dintero/actions"
import LocalizedClientLink from "@modules/common/components/localized-client-link"
import { Button, Heading, Text } from "@modules/common/components/ui"
import { Metadata } from "next"

export const metadata: Metadata = { title: "Payment not completed" }

export default async function DinteroProblem({
  params,
  searchParams,
}: {
  params: Promise<{ countryCode: string }>
  searchParams: Promise<{ error?: string }>
}) {
  const { countryCode } = await params
  const { error } = await searchParams
  const unknownCart = error === "unknown_cart"
  return (
    <div className="content-container py-12 flex flex-col gap-y-6 max-w-xl" data-testid="dintero-problem">
      <Heading level="h1" className="text-2xl-regular">
        {error === "cancelled" ? "Payment cancelled" : "Payment not completed"}
      </Heading>
      <Text className="text-ui-fg-subtle" data-testid="dintero-problem-text" data-error={error ?? ""}>
        {unknownCart
          ? "We could not find the cart this payment belongs to. Nothing was charged."
          : dinteroProblemText(error ?? "failed")}
      </Text>
      {!unknownCart && (
        <form action={retryDinteroPayment}>
          <input type="hidden" name="countryCode" value={countryCode} />
          <Button type="submit" size="large" data-testid="dintero-try-again">
            Try again
          </Button>
        </form>
      )}
      <LocalizedClientLink href="/checkout?step=payment" className="text-ui-fg-interactive" data-testid="dintero-other-method">
        Choose another payment method
      </LocalizedClientLink>
    </div>
  )
}
