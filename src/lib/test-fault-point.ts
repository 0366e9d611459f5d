/**
 * Test fault points: named places where a test stops Medusa in the middle of its work. Only when the environment
 * variable DINTERO_TEST_FAULT_POINT names the point, which nothing but tests sets. Anywhere else this is one comparison
 * with an unset variable.
 * - `<name>`: the crash tests (integration-tests/crash/) SIGKILL the process there: it says so on its log (the test
 *   waits for that line) and the work waits forever, until the test kills the process;
 * - `<name>:throw`: the work throws there, as a failure at that point would (an http test that leaves the half-done
 *   state without a crash, then checks what repairs it).
 *
 * Points: `move-kept-authorization` (steps/move-kept-authorization.ts: Medusa cancelled the kept payment, nothing of
 * the move is done yet); `move-kept-authorization-link` (lib/move-kept-authorization.ts: the kept authorizations are
 * reused on the new collection, the payment link for the rest is not opened yet).
 */
export const TEST_FAULT_POINT_ENV = "DINTERO_TEST_FAULT_POINT"
/** Set to the point's name when a `:throw` point has thrown, so an in-process test can wait for the work to get there. */
export const TEST_FAULT_POINT_THROWN_ENV = "DINTERO_TEST_FAULT_POINT_THROWN"

export async function testFaultPoint(name: string, log: (line: string) => void): Promise<void> {
  const point = process.env[TEST_FAULT_POINT_ENV]
  if (point === `${name}:throw`) {
    process.env[TEST_FAULT_POINT_THROWN_ENV] = name
    throw new Error(`test fault point ${name}`)
  }
  if (point !== name) return
  log(`[dintero] test fault point ${name} reached: waiting to be killed`)
  await new Promise<never>(() => {})
}
