/**
 * The message of anything thrown, for logs, findings and stored errors: an Error's (or any object's string `message`,
 * as some libraries throw plain objects), otherwise the value itself as text. Never throws, whatever was thrown
 * (`(e as Error).message` does on a thrown null or undefined, and says "undefined" for a thrown string).
 */
export function messageOf(e: unknown): string {
  if (typeof e === "object" && e !== null && "message" in e && typeof e.message === "string") return e.message
  return String(e)
}
