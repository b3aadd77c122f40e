// Brings a PostgreSQL schema up to date from the one migration list, safely when several instances start at once.
import type pg from 'pg'
import { MIGRATIONS, type Migration } from '../migrations.js'
import { BASELINE_SQL, BASELINE_VERSION } from './baseline.js'
import { inTransaction, type Sql } from './sql.js'

/** One PostgreSQL step of the schema: its version, name and text. */
export interface PostgresMigration {
  version: number
  name: string
  sql: string
}

// Any fixed number will do: every instance of the app takes the same one (pg_advisory_xact_lock's key).
const MIGRATION_LOCK = 0x62_32_34_72 // 'b24r'

/**
 * The PostgreSQL side of the list: the baseline (today's schema, standing for entries 1 to BASELINE_VERSION), then
 * every later entry's PostgreSQL text; throws naming an entry above the baseline that has none.
 */
export function postgresMigrations(migrations: readonly Migration[] = MIGRATIONS): PostgresMigration[] {
  const last = migrations.find((migration) => migration.version === BASELINE_VERSION)
  const baseline = { version: BASELINE_VERSION, name: `${last?.name ?? BASELINE_VERSION}-baseline`, sql: BASELINE_SQL }
  const after = migrations.filter((migration) => migration.version > BASELINE_VERSION).map((migration) => {
    if (migration.postgres === undefined) throw new Error(`migration ${migration.name} has no PostgreSQL text`)
    return { version: migration.version, name: migration.name, sql: migration.postgres }
  })
  return [baseline, ...after]
}

/**
 * Applies, in one transaction, every migration above the highest one recorded in `schema_migrations`, recording each.
 * The transaction first takes an advisory lock, so instances starting together apply them once, one after another.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly PostgresMigration[] = postgresMigrations()): Promise<number> {
  return inTransaction(pool, async (sql) => {
    await sql.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await createSchemaOfSession(sql)
    await sql.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    const current = (await sql.row<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations'))?.version ?? 0
    let applied = 0
    for (const migration of migrations) {
      if (migration.version <= current) continue
      try {
        await sql.run(migration.sql)
      } catch (error) {
        throw new Error(`migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
      }
      await sql.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name])
      applied += 1
    }
    return applied
  })
}

// A store given a schema of its own (openPool's `schema`) creates it on first start.
async function createSchemaOfSession(sql: Sql): Promise<void> {
  const path = await sql.row<{ search_path: string }>('SHOW search_path')
  const first = path?.search_path.split(',')[0]?.trim()
  if (!first || first.startsWith('"$user"') || first === 'public') return
  await sql.run(`CREATE SCHEMA IF NOT EXISTS ${first}`)
}
