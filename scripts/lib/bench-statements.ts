/**
 * Statements the database ran, counted by PostgreSQL itself (pg_stat_statements): unlike CPU time on this shared
 * machine, a count does not drift from one window to the next, so a cut of one statement per checkout shows as
 * exactly one. Needs the server started with the library preloaded (dev store option `statementStatistics`).
 */
// A marker in this counter's own query, so its reads are not counted.
const MARK = "/* bench statement count */"

export class StatementCounter {
  private constructor(private readonly client: { query(text: string): Promise<{ rows: { n: string | null }[] }>; end(): Promise<void> }) {}

  /** A counter on `databaseUrl`, or why there is none (an external server without the library preloaded). */
  static async open(databaseUrl: string): Promise<StatementCounter | { unavailable: string }> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require("pg")
    const client = new Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      await client.query("create extension if not exists pg_stat_statements")
      const counter = new StatementCounter(client)
      await counter.read()
      return counter
    } catch (e) {
      await client.end().catch(() => undefined)
      return { unavailable: `pg_stat_statements: ${(e as Error).message}` }
    }
  }

  /** Statements finished so far in this database (every process's, BEGIN and COMMIT included). */
  async read(): Promise<number> {
    const { rows } = await this.client.query(
      `select coalesce(sum(calls), 0) as n from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database()) and query not like '%${MARK}%' ${MARK}`
    )
    return Number(rows[0]?.n ?? 0)
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined)
  }
}
