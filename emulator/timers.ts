/**
 * Every timer the emulator starts goes through here, so close() can clear them all and jest exits cleanly.
 * Sleeps resolve `false` when the emulator closes, so async loops (callback retries) stop instead of hanging.
 */
export class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>()
  private closed = false

  get isClosed(): boolean {
    return this.closed
  }

  after(ms: number, fn: () => void): void {
    if (this.closed) return
    const handle = setTimeout(() => {
      this.pending.delete(handle)
      fn()
    }, Math.max(0, ms))
    this.pending.set(handle, () => undefined)
  }

  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    return new Promise((resolve) => {
      const handle = setTimeout(() => {
        this.pending.delete(handle)
        resolve(!this.closed)
      }, Math.max(0, ms))
      this.pending.set(handle, () => resolve(false))
    })
  }

  /** Cancels pending timers (their sleeps resolve false) but keeps accepting new ones (used by reset). */
  cancelAll(): void {
    for (const [handle, onCancel] of this.pending) {
      clearTimeout(handle)
      onCancel()
    }
    this.pending.clear()
  }

  close(): void {
    this.closed = true
    this.cancelAll()
  }
}
