import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import fc from "fast-check"
import {
  apportion,
  currencyDecimals,
  decimalText,
  fromMinorUnits,
  lastRunningTotalPart,
  runningTotalParts,
  scaledToString,
  sumMinor,
  sumToMinorUnits,
  toMinorUnits,
  toScaledInteger,
} from "../money"

describe("currencyDecimals", () => {
  it.each([
    ["NOK", 2],
    ["sek", 2],
    ["DKK", 2],
    ["eur", 2],
    ["USD", 2],
    ["JPY", 0],
    ["krw", 0],
    ["ISK", 0],
    ["CLP", 0],
    ["VND", 0],
    ["BHD", 3],
    ["IQD", 3],
    ["JOD", 3],
    ["kwd", 3],
    ["LYD", 3],
    ["OMR", 3],
    ["TND", 3],
    ["CLF", 4],
  ])("%s has %i decimals", (currency, decimals) => {
    expect(currencyDecimals(currency)).toBe(decimals)
  })

  // Where CLDR (Intl) shows fewer digits than ISO 4217 counts: the admin once showed HUF 100x off.
  it.each([
    ["HUF", 2],
    ["COP", 2],
    ["IDR", 2],
    ["PKR", 2],
  ])("%s has ISO's %i decimals, not Intl's display digits", (currency, decimals) => {
    expect(currencyDecimals(currency)).toBe(decimals)
  })

  it.each(["", "NO", "NOKK", "12A", "N0K", "ABC", "XAU", "XXX"])("rejects %p", (code) => {
    expect(() => currencyDecimals(code)).toThrow(/Invalid currency code/)
  })

  it("agrees with every currency of ISO 4217's published list (list one, as the package ships it)", () => {
    const xml = readFileSync(join(dirname(require.resolve("currency-codes/package.json")), "iso-4217-list-one.xml"), "utf8")
    const entries = [...xml.matchAll(/<CcyNtry>([\s\S]*?)<\/CcyNtry>/g)].map((m) => ({
      country: /<CtryNm>([^<]*)</.exec(m[1])?.[1] ?? "",
      code: /<Ccy>([^<]*)</.exec(m[1])?.[1],
      units: /<CcyMnrUnts>([^<]*)</.exec(m[1])?.[1],
    }))
    const payable = entries.filter((e) => e.code && /^\d+$/.test(e.units ?? "") && !/^ZZ/i.test(e.country))
    expect(payable.length).toBeGreaterThan(150)
    for (const e of payable) {
      expect([e.code, currencyDecimals(e.code!)]).toEqual([e.code, Number(e.units)])
    }
  })
})

describe("toMinorUnits", () => {
  it.each<[unknown, string, number]>([
    [398, "NOK", 39800],
    [99.5, "NOK", 9950],
    ["49.5", "NOK", 4950],
    [0.29, "NOK", 29], // 0.29 * 100 = 28.999999999999996 in floats
    [1.005, "NOK", 101], // the float 1.005 prints as "1.005": half away from zero
    [4.35, "EUR", 435],
    ["318.40000000000001", "NOK", 31840],
    ["0.005", "NOK", 1],
    ["0.00499999", "NOK", 0],
    ["-0.005", "NOK", -1],
    ["-12.345", "NOK", -1235],
    ["-0.001", "NOK", 0],
    [0, "NOK", 0],
    ["0", "NOK", 0],
    [1e-7, "NOK", 0],
    ["1.5e3", "NOK", 150000],
    ["2.5E-1", "NOK", 25],
    [".5", "NOK", 50],
    ["5.", "NOK", 500],
    ["+7", "NOK", 700],
    [" 12.30 ", "NOK", 1230],
    [500, "JPY", 500],
    ["500.5", "JPY", 501],
    ["-500.5", "jpy", -501],
    ["1.2345", "KWD", 1235],
    ["1.2344", "KWD", 1234],
    [12, "BHD", 12000],
    ["90071992547409.91", "NOK", 9007199254740991],
  ])("%p %s → %p", (amount, currency, minor) => {
    expect(toMinorUnits(amount as string, currency)).toBe(minor)
  })

  it("never returns -0", () => {
    expect(Object.is(toMinorUnits("-0.001", "NOK"), 0)).toBe(true)
    expect(Object.is(toMinorUnits("-0", "NOK"), 0)).toBe(true)
  })

  it("reads Medusa's raw BigNumber shape and BigNumber-like objects", () => {
    expect(toMinorUnits({ value: "49.5", precision: 20 } as { value: string }, "NOK")).toBe(4950)
    expect(toMinorUnits({ value: 12.34 }, "NOK")).toBe(1234)
    // bignumber.js' toPrecision(20) yields exponent notation for small values
    expect(toMinorUnits({ value: "1.0000000000000000000e-7" }, "NOK")).toBe(0)
    const bigNumberLike = { raw: { value: "318.40000000000001", precision: 20 }, numeric: 318.4 }
    expect(toMinorUnits(bigNumberLike, "NOK")).toBe(31840)
    const withToString = { toString: () => "12.005" }
    expect(toMinorUnits(withToString, "NOK")).toBe(1201)
    expect(toMinorUnits({ numeric: 3.5 } as unknown as string, "NOK")).toBe(350)
  })

  it("handles numbers that print in exponent notation", () => {
    expect(String(5e-324)).toBe("5e-324")
    expect(toMinorUnits(5e-324, "NOK")).toBe(0)
    expect(toMinorUnits(-4.9e-3, "NOK")).toBe(0)
    expect(String(-5e-7)).toBe("-5e-7")
    expect(toMinorUnits(5e-7, "KWD")).toBe(0)
    expect(String(1e21)).toBe("1e+21")
    expect(() => toMinorUnits(1e21, "JPY")).toThrow(/MAX_SAFE_INTEGER/)
  })

  it.each<[unknown, RegExp]>([
    [NaN, /not a finite number/],
    [Infinity, /not a finite number/],
    [-Infinity, /not a finite number/],
    ["", /not a decimal number/],
    ["abc", /not a decimal number/],
    ["1,5", /not a decimal number/],
    ["0x10", /not a decimal number/],
    ["1.2.3", /not a decimal number/],
    ["-", /not a decimal number/],
    [".", /not a decimal number/],
    ["e5", /not a decimal number/],
    ["NaN", /not a decimal number/],
    ["Infinity", /not a decimal number/],
    ["1e99999", /out-of-range exponent/],
    [null, /not a decimal value/],
    [undefined, /not a decimal value/],
    [{}, /not a decimal value/],
  ])("rejects %p", (amount, message) => {
    expect(() => toMinorUnits(amount as string, "NOK")).toThrow(message)
  })

  it("refuses results beyond Number.MAX_SAFE_INTEGER", () => {
    expect(() => toMinorUnits("90071992547409.92", "NOK")).toThrow(/MAX_SAFE_INTEGER/)
    expect(() => toMinorUnits(1.5e21, "NOK")).toThrow(/MAX_SAFE_INTEGER/)
    expect(() => toMinorUnits("-1e300", "NOK")).toThrow(/MAX_SAFE_INTEGER/)
  })

  it("rejects an invalid currency", () => {
    expect(() => toMinorUnits(1, "kroner")).toThrow(/Invalid currency code/)
  })
})

describe("fromMinorUnits", () => {
  it.each<[number | bigint, string, string]>([
    [39800, "NOK", "398.00"],
    [9950, "nok", "99.50"],
    [5, "NOK", "0.05"],
    [-5, "NOK", "-0.05"],
    [0, "NOK", "0.00"],
    [-39800, "NOK", "-398.00"],
    [500, "JPY", "500"],
    [-1, "JPY", "-1"],
    [1234, "KWD", "1.234"],
    [1, "KWD", "0.001"],
    [12345678901234567890n, "NOK", "123456789012345678.90"],
  ])("%p %s → %p", (minor, currency, text) => {
    expect(fromMinorUnits(minor, currency)).toBe(text)
  })

  it.each([1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1])("rejects %p", (minor) => {
    expect(() => fromMinorUnits(minor, "NOK")).toThrow(/not a safe integer/)
  })
})

describe("sumMinor", () => {
  it("adds integers", () => {
    expect(sumMinor([])).toBe(0)
    expect(sumMinor([39800, -1000, 1])).toBe(38801)
  })
  it("rejects non-integers and unsafe sums", () => {
    expect(() => sumMinor([1, 0.5])).toThrow(/not an integer amount/)
    expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(/MAX_SAFE_INTEGER/)
    expect(() => sumMinor([NaN])).toThrow(/not an integer amount/)
  })
})

describe("decimalText / toScaledInteger / scaledToString", () => {
  it("prefers full-precision text over floats", () => {
    expect(decimalText({ value: "0.10000000000000000001" })).toBe("0.10000000000000000001")
    expect(decimalText(0.1)).toBe("0.1")
  })
  it("rounds half away from zero at any scale", () => {
    expect(toScaledInteger("12.345", 2)).toBe(1235n)
    expect(toScaledInteger("-12.345", 2)).toBe(-1235n)
    expect(toScaledInteger("12.344999", 2)).toBe(1234n)
    expect(toScaledInteger("25", 2)).toBe(2500n)
    expect(() => toScaledInteger("1", -1)).toThrow(/decimal places/)
  })
  it("formats with fixed decimals", () => {
    expect(scaledToString(7n, 3)).toBe("0.007")
    expect(scaledToString(-1234n, 2)).toBe("-12.34")
    expect(scaledToString(42n, 0)).toBe("42")
  })
})

describe("properties", () => {
  const currencies = fc.constantFrom("NOK", "SEK", "EUR", "JPY", "ISK", "KWD", "BHD")
  const safeMinor = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })

  it("minor → major text → minor is the identity", () => {
    fc.assert(
      fc.property(safeMinor, currencies, (minor, currency) => {
        expect(toMinorUnits(fromMinorUnits(minor, currency), currency)).toBe(minor)
      })
    )
  })

  it("a number with at most the currency's decimals converts exactly (no float drift)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), currencies, (minor, currency) => {
        const major = minor / 10 ** currencyDecimals(currency) // a float, as Medusa's `numeric` would be
        expect(toMinorUnits(major, currency)).toBe(minor)
        expect(toMinorUnits(String(major), currency)).toBe(minor)
      })
    )
  })

  it("extra decimals round to the nearest minor unit, ties away from zero", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.integer({ min: 1, max: 6 }),
        (coefficient, extra) => {
          // value = coefficient × 10^-(2+extra) NOK; expected rounding computed independently via divmod on |x|
          const scale = 2 + extra
          const text = scaledToString(coefficient, scale)
          const unit = 10n ** BigInt(extra)
          const abs = coefficient < 0n ? -coefficient : coefficient
          const floor = abs / unit
          const rest = abs - floor * unit
          const rounded = rest * 2n >= unit ? floor + 1n : floor
          const expected = Number(coefficient < 0n ? -rounded : rounded)
          expect(toMinorUnits(text, "NOK")).toBe(expected === 0 ? 0 : expected)
          expect(Math.abs(Number(coefficient) / Number(unit) - expected)).toBeLessThanOrEqual(0.5 + 1e-6)
        }
      )
    )
  })

  it("exponent notation means the same as plain notation", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -8, max: 6 }), (mantissa, exponent) => {
        const plain = exponent >= 0 ? String(BigInt(mantissa) * 10n ** BigInt(exponent)) : scaledToString(BigInt(mantissa), -exponent)
        expect(toMinorUnits(`${mantissa}e${exponent}`, "NOK")).toBe(toMinorUnits(plain, "NOK"))
      })
    )
  })
})

describe("apportion (largest remainder)", () => {
  it("splits a total in proportion to the weights, the parts adding up to it exactly", () => {
    expect(apportion(10n, ["a", "b", "c"], () => 1n).map(({ part }) => part)).toEqual([4n, 3n, 3n])
    expect(apportion(100n, [2500n, 1200n], (w) => w).map(({ part }) => part)).toEqual([68n, 32n])
    expect(apportion(0n, [1n, 2n], (w) => w).map(({ part }) => part)).toEqual([0n, 0n])
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 6n }), { minLength: 1, maxLength: 8 }), (total, weights) => {
        fc.pre(weights.some((w) => w > 0n))
        const sum = weights.reduce((a, b) => a + b, 0n)
        const parts = apportion(total, weights, (w) => w).map(({ part }) => part)
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(total)
        // Each part is its exact share rounded down or up, never further off.
        parts.forEach((part, i) => {
          const floor = (total * weights[i]) / sum
          expect(part === floor || part === floor + 1n).toBe(true)
        })
      })
    )
  })

  it("refuses a negative total, a negative weight and weights that add up to zero", () => {
    expect(() => apportion(-1n, [1n], (w) => w)).toThrow(/must not be negative/)
    expect(() => apportion(1n, [2n, -1n], (w) => w)).toThrow(/negative/)
    expect(() => apportion(1n, [0n, 0n], (w) => w)).toThrow(/add up to zero/)
  })
})

describe("runningTotalParts (a payment's captures or refunds in minor units)", () => {
  it("adds up to the exact total rounded once, where rounding each record loses an øre", () => {
    const thirds = ["33.3333", "33.3333", "33.3334"]
    expect(thirds.reduce((s, a) => s + toMinorUnits(a, "NOK"), 0)).toBe(9999)
    expect(runningTotalParts(thirds, "NOK")).toEqual([3333, 3334, 3333])
    expect(sumMinor(runningTotalParts(thirds, "NOK"))).toBe(10000)
  })

  it("gives 0 to a record that does not move the rounded total, and leaves whole amounts as they are", () => {
    expect(runningTotalParts(["99.9999", "0.0001"], "NOK")).toEqual([10000, 0])
    expect(runningTotalParts(["100", "49.5", { value: "0.5" }], "NOK")).toEqual([10000, 4950, 50])
    expect(runningTotalParts(["0.4", "0.4", "0.4"], "JPY")).toEqual([0, 1, 0])
    expect(runningTotalParts([], "NOK")).toEqual([])
  })

  it("the last record's part is its part of the whole sequence", () => {
    const amounts = ["10.005", "20.004", "0.003"]
    expect(lastRunningTotalPart(amounts, "NOK")).toBe(runningTotalParts(amounts, "NOK")[2])
    expect(lastRunningTotalPart(["12.34"], "NOK")).toBe(1234)
  })

  it("every prefix adds up to its exact sum rounded once; each part is its own rounding within an øre", () => {
    const amount = fc
      .tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 6 }))
      .map(([units, places]) => scaledToString(BigInt(units), places))
    fc.assert(
      fc.property(fc.constantFrom("NOK", "JPY", "KWD"), fc.array(amount, { maxLength: 12 }), (currency, amounts) => {
        const parts = runningTotalParts(amounts, currency)
        parts.forEach((part, i) => {
          expect(sumMinor(parts.slice(0, i + 1))).toBe(sumToMinorUnits(amounts.slice(0, i + 1), currency))
          expect(part).toBeGreaterThanOrEqual(0)
          expect(Math.abs(part - toMinorUnits(amounts[i]!, currency))).toBeLessThanOrEqual(1)
        })
      })
    )
  })
})
