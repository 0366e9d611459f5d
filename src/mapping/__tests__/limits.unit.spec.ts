import { DINTERO_LIMITS, lengthProblem, metadataProblems } from "../limits"

describe("Dintero length limits", () => {
  it("states for every limit whether Dintero documents it and where", () => {
    for (const [field, limit] of Object.entries(DINTERO_LIMITS)) {
      expect(limit.max).toBeGreaterThan(0)
      expect(limit.source).toMatch(/SPEC-TS:\d+/)
      if (!limit.documented) expect(`${field}: ${limit.source}`).toMatch(/none found/)
    }
    expect(DINTERO_LIMITS.metadata_key).toMatchObject({ max: 128, documented: true })
    expect(DINTERO_LIMITS.metadata_value).toMatchObject({ max: 256, documented: true })
  })

  it("accepts Medusa-sized ids and names the field and the kind of limit when too long", () => {
    expect(lengthProblem("merchant_reference", "cart_01JABCDEFGHJKMNPQRSTVWXYZ0")).toBeUndefined()
    const tooLong = lengthProblem("line_id", "x".repeat(65))
    expect(tooLong).toMatch(/^line_id is 65 characters, above 64: this plugin's cap; Dintero documents no limit/)
    expect(lengthProblem("metadata_value", "v".repeat(257))).toMatch(/Dintero's limit \(SPEC-TS:5278/)
  })

  it("checks metadata keys and values", () => {
    expect(metadataProblems({ ext_ok: "fine", n: 12 })).toEqual([])
    const problems = metadataProblems({ ["k".repeat(129)]: "x", ext_v: "v".repeat(300) })
    expect(problems).toHaveLength(2)
    expect(problems[1]).toMatch(/^metadata\.ext_v: metadata_value is 300 characters/)
  })
})
