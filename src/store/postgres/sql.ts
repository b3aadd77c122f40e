// The PostgreSQL adapter's one way to the server: a pool whose every piece of work is one transaction on one client.
import pg from 'pg'
import type { WorkAsker } from '../port.js'

/** Queries on one client inside its transaction; the repositories see nothing else of the driver. */
export interface Sql {
  /** Every row the statement answers. */
  rows<R>(text: string, params?: readonly unknown[]): Promise<R[]>
  /** The first row, or undefined. */
  row<R>(text: string, params?: readonly unknown[]): Promise<R | undefined>
  /** How many rows the statement wrote. */
  run(text: string, params?: readonly unknown[]): Promise<number>
  /** Notes that the transaction leaves work for a portal's lanes: its job is asked for before the commit (see inTransaction). */
  leavesWork(memberId: string): void
}

// bigint (ids, counts) as a number, as SQLite answers them: ids and counts stay far below 2^53. Everything else as pg
// parses it (text stays text, jsonb becomes values).
const INT8 = 20
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

/** Where the store's tables are: a connection string, and a schema of their own when several stores share one database. */
export interface PostgresTarget {
  connectionString: string
  schema?: string
  /** How many connections the pool keeps at the most (default 10). */
  max?: number
}

/** A pool on `target`, its sessions on the schema named (created by the migrations when absent). */
export function openPool(target: PostgresTarget): pg.Pool {
  const options = target.schema === undefined ? undefined : `-c search_path=${quoteName(target.schema)}`
  const pool = new pg.Pool({ connectionString: target.connectionString, max: target.max ?? 10, types, ...(options ? { options } : {}) })
  // An idle client that loses its server (a restart, a failover) is dropped by the pool and the next query connects
  // anew; unheard, the pool's 'error' event would end the process.
  pool.on('error', () => {})
  return pool
}

/** An identifier quoted for SQL. */
export function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * Queries on the pool, each statement alone and committed by itself (no BEGIN … COMMIT around it): for work that is one
 * statement and should hold its row locks no longer than that statement (the REST budget, taken at every request).
 */
export function singleStatements(pool: pg.Pool): Sql {
  return sqlOn(pool)
}

function sqlOn(client: pg.PoolClient | pg.Pool, leavesWork: (memberId: string) => void = () => {}): Sql {
  // Without parameters, the simple protocol: a migration's several statements go as one text.
  const query = (text: string, params: readonly unknown[]) => (params.length === 0 ? client.query(text) : client.query(text, [...params]))
  return {
    rows: async <R>(text: string, params: readonly unknown[] = []) => (await query(text, params)).rows as R[],
    row: async <R>(text: string, params: readonly unknown[] = []) => (await query(text, params)).rows[0] as R | undefined,
    run: async (text: string, params: readonly unknown[] = []) => (await query(text, params)).rowCount ?? 0,
    leavesWork,
  }
}

/**
 * Runs `work` in one transaction on one pooled client: COMMIT when it returns, ROLLBACK when it throws. With `asker`
 * (several instances), each portal the work left work for gets its job asked for in the same transaction: the job
 * commits with the work or neither does.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (sql: Sql, savepoint: Savepoints) => Promise<T>, asker?: WorkAsker): Promise<T> {
  const client = await pool.connect()
  const portals = new Set<string>()
  let broken: unknown
  try {
    await client.query('BEGIN')
    const result = await work(sqlOn(client, (memberId) => portals.add(memberId)), savepoints(client))
    if (asker) await askWithin(client, asker, portals)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch((rollback: unknown) => { broken = rollback })
    throw error
  } finally {
    // A client whose ROLLBACK failed may be mid-transaction: it is closed rather than handed out again.
    client.release(broken instanceof Error ? broken : undefined)
  }
}

// Writes each portal's job into the open transaction. An engine that refuses before writing anything (not started)
// leaves the work to its look for portals with work; a job's statement that fails fails the whole transaction (after a
// failed statement PostgreSQL would answer COMMIT with a silent ROLLBACK).
async function askWithin(client: pg.PoolClient, asker: WorkAsker, portals: ReadonlySet<string>): Promise<void> {
  let failed: { error: unknown } | undefined
  const within = {
    executeSql: (text: string, values?: unknown[]) => client.query(text, values).catch((error: unknown) => {
      failed ??= { error }
      throw error
    }),
  }
  for (const memberId of portals) await asker(within, memberId).catch(() => undefined)
  if (failed) throw failed.error
}

/** Runs a part of a transaction that, when it throws, undoes only itself (the transaction goes on). */
export type Savepoints = <T>(work: () => Promise<T>) => Promise<T>

function savepoints(client: pg.PoolClient): Savepoints {
  let depth = 0
  return async (work) => {
    const name = `part_${++depth}`
    await client.query(`SAVEPOINT ${name}`)
    try {
      const result = await work()
      await client.query(`RELEASE SAVEPOINT ${name}`)
      return result
    } catch (error) {
      await client.query(`ROLLBACK TO SAVEPOINT ${name}`)
      throw error
    }
  }
}

/** `column` ordered as SQLite's CAST(column AS INTEGER) orders it: its leading whole number, 0 when it has none. */
export function asInteger(column: string): string {
  return `coalesce(substring(${column} from '^\\s*[-+]?[0-9]+')::numeric, 0)`
}
