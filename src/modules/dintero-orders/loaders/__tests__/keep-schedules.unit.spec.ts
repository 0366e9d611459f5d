import { scheduleKeeping } from "../keep-schedules"

// Stand-ins named as Medusa's two engines name their storage classes (the decision reads only the name and the queue).
class RedisDistributedTransactionStorage {
  constructor(readonly jobQueue?: unknown) {}
}
class InMemoryDistributedTransactionStorage {}

describe("scheduleKeeping", () => {
  const queue = { getRepeatableJobs: async () => [] }

  it("watches the queue wherever the storage has one", () => {
    expect(scheduleKeeping(new RedisDistributedTransactionStorage(queue) as never, "worker")).toEqual({ kind: "watch", queue })
    expect(scheduleKeeping(new RedisDistributedTransactionStorage(queue) as never, undefined)).toEqual({ kind: "watch", queue })
  })

  it("has nothing to keep with the in-memory engine, without a scheduler, or on a server (it runs no job)", () => {
    expect(scheduleKeeping(new InMemoryDistributedTransactionStorage() as never, "worker")).toEqual({ kind: "none" })
    expect(scheduleKeeping(undefined, "shared")).toEqual({ kind: "none" })
    expect(scheduleKeeping(new RedisDistributedTransactionStorage(undefined) as never, "server")).toEqual({ kind: "none" })
  })

  it("says the jobs cannot be watched when a worker's Redis storage has no queue where it used to be", () => {
    expect(scheduleKeeping(new RedisDistributedTransactionStorage(undefined) as never, "worker")).toEqual({ kind: "unreadable" })
    expect(scheduleKeeping(new RedisDistributedTransactionStorage({ add: () => undefined }) as never, "shared")).toEqual({ kind: "unreadable" })
  })

  it("stays quiet when the process's mode is unknown (it may be a server)", () => {
    expect(scheduleKeeping(new RedisDistributedTransactionStorage(undefined) as never, undefined)).toEqual({ kind: "none" })
  })
})
