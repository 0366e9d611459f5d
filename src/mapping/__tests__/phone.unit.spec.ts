import { toE164 } from "../phone"

describe("toE164 (phone numbers to Dintero in E.164 or not at all)", () => {
  it.each([
    ["+4799999999", undefined, "+4799999999"],
    ["+47 999 99 999", undefined, "+4799999999"],
    ["(+47) 999-99-999", undefined, "+4799999999"],
    ["0047 99999999", undefined, "+4799999999"],
    ["999 99 999", "NO", "+4799999999"],
    ["999 99 999", "no", "+4799999999"],
    ["070-123 45 67", "SE", "+46701234567"],
    ["+1 (415) 555-2671", "NO", "+14155552671"],
  ])("%s (country %s) -> %s", (raw, country, expected) => {
    expect(toE164(raw, country)).toBe(expected)
  })

  it.each([
    ["", "NO"],
    ["   ", "NO"],
    ["call me", "NO"],
    ["+47 999 99 999 ext 12", "NO"],
    ["999 99 999", undefined],
    ["999 99 999", "ZZ"],
    ["+47 12", undefined],
    ["+0123456789", undefined],
    ["+1234567890123456", undefined],
    ["++4799999999", undefined],
  ])("%j (country %s) is not sent", (raw, country) => {
    expect(toE164(raw, country)).toBeUndefined()
  })

  it("never throws on missing input", () => {
    expect(toE164(undefined)).toBeUndefined()
    expect(toE164(null, "NO")).toBeUndefined()
  })
})
