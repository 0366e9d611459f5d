// A throw-away Redis for the cluster tier and the split-topology benchmark: Debian's redis-server, installed with
// apt-get when missing (as scripts/test-e2e.mjs installs chromium), started on a free port without persistence and
// stopped again. Nothing is assumed to be running on the machine.
import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import net from "node:net"

const CANDIDATES = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

function findRedisServer(): string | undefined {
  if (process.env.REDIS_SERVER_PATH) return existsSync(process.env.REDIS_SERVER_PATH) ? process.env.REDIS_SERVER_PATH : undefined
  return CANDIDATES.find((p) => existsSync(p))
}

/** The path of redis-server; installs Debian's package first when it is missing. Throws when that fails. */
export function ensureRedisServer(log: (m: string) => void = () => {}): string {
  const found = findRedisServer()
  if (found) return found
  if (process.env.REDIS_SERVER_PATH) throw new Error(`REDIS_SERVER_PATH=${process.env.REDIS_SERVER_PATH} does not exist`)
  log("redis-server is missing: installing Debian's redis-server (apt-get)")
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"]
  for (const args of [["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "redis-server"]]) {
    const cmd = [...sudo, ...args]
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } })
    if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed; install redis-server yourself or set REDIS_SERVER_PATH`)
  }
  // The package starts a system service on 6379; we never use it (our own server runs on a free port).
  const installed = findRedisServer()
  if (!installed) throw new Error("apt-get installed redis-server but no redis-server binary was found")
  return installed
}

/** Sends one inline command and resolves with the first reply line (e.g. "+PONG"); rejects on connection errors. */
export function redisCommand(port: number, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port })
    let data = ""
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`redis on ${port}: no answer to ${command} within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on("connect", () => socket.write(`${command}\r\n`))
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8")
      if (data.includes("\r\n")) {
        clearTimeout(timer)
        socket.end()
        resolve(data.split("\r\n")[0])
      }
    })
    socket.on("error", (e) => {
      clearTimeout(timer)
      reject(e)
    })
  })
}

/**
 * Starts redis-server on a free port (or `port`). `restart()` stops it (SIGKILL, as a crash would) and starts a new,
 * empty one on the same port; `stop()` ends it. Both resolve when the server is gone / answers PING.
 */
export interface RedisServer {
  port: number
  url: string
  readonly pid: number | undefined
  restart(): Promise<void>
  stop(): Promise<void>
}

export async function startRedis(opts: { log?: (m: string) => void; port?: number } = {}): Promise<RedisServer> {
  const log = opts.log ?? (() => {})
  const bin = ensureRedisServer(log)
  const port = opts.port ?? (await freePort())
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()

  const launch = async () => {
    child = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"], {
      stdio: ["ignore", "pipe", "pipe"],
    })
    const tail: string[] = []
    const keep = (c: Buffer) => {
      tail.push(...c.toString("utf8").split("\n").filter(Boolean))
      tail.splice(0, Math.max(0, tail.length - 20))
    }
    child.stdout!.on("data", keep)
    child.stderr!.on("data", keep)
    const me = child
    exited = new Promise<void>((resolve) => me.once("exit", () => resolve()))
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (me.exitCode !== null || me.signalCode !== null) break
      const pong = await redisCommand(port, "PING", 500).catch(() => undefined)
      if (pong === "+PONG") return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${tail.join("\n")}`)
  }

  const halt = async (signal: NodeJS.Signals) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    child.kill(signal)
    const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))])
    if (!gone) {
      child.kill("SIGKILL")
      await exited
    }
  }

  await launch()
  log(`redis-server listening on 127.0.0.1:${port}`)
  const onExit = () => child?.kill("SIGKILL")
  process.on("exit", onExit)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid
    },
    async restart() {
      await halt("SIGKILL")
      await launch()
    },
    async stop() {
      process.off("exit", onExit)
      await halt("SIGTERM")
    },
  }
}

// `ts-node scripts/lib/redis.ts --ensure`: only the install step (scripts/test-cluster.mjs runs it first).
if (require.main === module && process.argv.includes("--ensure")) {
  try {
    console.log(ensureRedisServer((m) => console.log(`[cluster] ${m}`)))
  } catch (e) {
    console.error(`[cluster] ${(e as Error).message}`)
    process.exit(1)
  }
}
