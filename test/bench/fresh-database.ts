// The PostgreSQL part of the bench: where it runs (BENCH_DATABASE_URL, else TEST_DATABASE_URL), a fresh database on
// that server for each app process or store it measures, dropped afterwards, and the server settings its figures depend on.
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The server the PostgreSQL part runs on, if one is given. */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined

// One statement on the server's own database (CREATE and DROP DATABASE cannot run inside the database they name).
async function admin<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

/** A database of its own on the server at `url` (its URL), dropped by `drop()` even while connections are open. */
export async function freshDatabase(url: string, prefix = 'bench'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`
  await admin(url, `CREATE DATABASE ${name}`)
  const own = new URL(url)
  own.pathname = `/${name}`
  return { url: own.toString(), drop: async () => { await admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) } }
}

/** The server's version and durability settings, for the set-up line: with fsync off a commit waits for no disk. */
export async function serverSettings(url: string): Promise<string> {
  const rows = await admin<{ name: string; setting: string }>(url,
    "SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit') ORDER BY name DESC")
  return rows.map((row) => `${row.name}=${row.setting}`).join(', ')
}
