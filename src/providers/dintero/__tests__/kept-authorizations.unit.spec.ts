import { inProcessKeptAuthorizations } from "../kept-authorizations"

describe("kept authorizations (in-process store)", () => {
  let t = 0
  const store = () => {
    t = 1_000_000
    return inProcessKeptAuthorizations(() => t)
  }

  it("keeps a transaction for an order until released", async () => {
    const s = store()
    await s.keep("T1.tx", "order_1")
    await s.keep("T2.tx", "order_2")
    expect(await s.keptFor("T1.tx")).toBe("order_1")
    await s.release("order_1")
    expect(await s.keptFor("T1.tx")).toBeUndefined()
    expect(await s.keptFor("T2.tx")).toBe("order_2")
  })

  it("forgets a mark two minutes after it was made", async () => {
    const s = store()
    await s.keep("T1.tx", "order_1")
    t += 120_000
    expect(await s.keptFor("T1.tx")).toBe("order_1")
    t += 1
    expect(await s.keptFor("T1.tx")).toBeUndefined()
  })

  it("hands a reuse grant out once, and not after it expired", async () => {
    const s = store()
    await s.grantReuse("pay_col_1", "T1.tx", 30000)
    expect(await s.takeReuse("pay_col_1")).toEqual({ transactionId: "T1.tx", amount: 30000 })
    expect(await s.takeReuse("pay_col_1")).toBeUndefined()
    await s.grantReuse("pay_col_2", "T1.tx", 100)
    t += 120_001
    expect(await s.takeReuse("pay_col_2")).toBeUndefined()
  })
})
