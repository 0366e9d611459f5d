/**
 * Test fault points: named places where a crash test stops Medusa in the middle of its work, to SIGKILL it exactly
 * there (integration-tests/crash/). Only when the environment variable DINTERO_TEST_FAULT_POINT names the point, which
 * nothing but those tests sets: the process then says so on its log (the test waits for that line) and the work
 * waits forever, until the test kills the process. Anywhere else this is one comparison with an unset variable.
 *
 * Points: `move-kept-authorization` (steps/move-kept-authorization.ts: Medusa cancelled the kept payment, nothing of
 * the move is done yet).
 */
export const TEST_FAULT_POINT_ENV = "DINTERO_TEST_FAULT_POINT"

export async function testFaultPoint(name: string, log: (line: string) => void): Promise<void> {
  if (process.env[TEST_FAULT_POINT_ENV] !== name) return
  log(`[dintero] test fault point ${name} reached: waiting to be killed`)
  await new Promise<never>(() => {})
}
