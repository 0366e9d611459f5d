import { creditBeyondLinesNotice } from "../credit-beyond-lines"

describe("the notice of an edit below the gift card", () => {
  it("names the credit Dintero does not hold and the Dintero payment to release or refund, in the order's currency", () => {
    const text = creditBeyondLinesNotice({ beyond: 15200, released: 4700, currency: "nok" })
    expect(text).toContain("worth 152.00 NOK less than its gift card")
    expect(text).toContain("Medusa's order total is -152.00 NOK")
    expect(text).toContain("The 47.00 NOK the shopper paid through Dintero is no longer needed")
    expect(text).toContain("Dintero does not hold the 152.00 NOK")
  })

  it("says nothing of a Dintero payment when the edit released none", () => {
    expect(creditBeyondLinesNotice({ beyond: 1, released: 0, currency: "sek" })).not.toContain("paid through Dintero")
  })

  it("refuses an amount that is not above 0", () => {
    expect(() => creditBeyondLinesNotice({ beyond: 0, released: 0, currency: "nok" })).toThrow(/above 0, got 0/)
  })
})
