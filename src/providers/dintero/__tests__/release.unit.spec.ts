import { releaseOf } from "../money-movement"

// How the rest of a reused authorization is released, per payment product (Dintero Node SDK
// src/generated/payments.d.ts: final_capture "only applies to dintero_psp"; "void on part capture" list).
describe("releaseOf", () => {
  it("uses final_capture for Dintero's own PSP only", () => {
    expect(releaseOf("dintero_psp.creditcard")).toBe("final_capture")
    expect(releaseOf("dintero_psp.applepay")).toBe("final_capture")
    expect(releaseOf("dintero_pspx.card")).toBe("none")
  })

  it("voids the remainder for the products that support a void after a part capture", () => {
    for (const p of ["klarna.klarna", "klarna.billie", "vipps", "payex.creditcard", "payex.mobilepay", "payex.vipps", "payex.applepay", "payex.clicktopay", "payex.googlepay"]) {
      expect(releaseOf(p)).toBe("void")
    }
  })

  it("leaves the rest authorized for the others, and when the product is unknown", () => {
    for (const p of ["collector.invoice", "collector.installment", "instabank.finance", "swish.swish", "payex.swish", undefined]) {
      expect(releaseOf(p)).toBe("none")
    }
  })
})
