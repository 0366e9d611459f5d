import { DinteroError } from "../../dintero"
import { messageOf } from "../error-message"

describe("messageOf", () => {
  it("takes an Error's message, a subclass's too", () => {
    expect(messageOf(new TypeError("bad input"))).toBe("bad input")
    const dintero = new DinteroError({ kind: "http", status: 502, method: "GET", path: "/v1/x", retryable: true })
    expect(messageOf(dintero)).toBe(dintero.message)
  })

  it("takes a plain object's string message", () => {
    expect(messageOf({ message: "from a library", code: 7 })).toBe("from a library")
  })

  it("says what was thrown when it has no message: a string, null, undefined, a number, an object", () => {
    expect(messageOf("just text")).toBe("just text")
    expect(messageOf(null)).toBe("null")
    expect(messageOf(undefined)).toBe("undefined")
    expect(messageOf(42)).toBe("42")
    expect(messageOf({ message: 3 })).toBe("[object Object]")
  })
})
