// Where the PostgreSQL suites run: TEST_DATABASE_URL, each store on a fresh schema of its own, dropped afterwards.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { it } from 'vitest'
import type { PostgresTarget } from '../../src/store/postgres/index.js'

/** The database the PostgreSQL suites use, if one is given. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined

/** Says, on the run's output and as a skipped test, that a PostgreSQL suite did not run and how to run it. */
export function sayPostgresSkipped(suite: string): void {
  const message = `${suite}: PostgreSQL suites skipped — TEST_DATABASE_URL is not set; start a PostgreSQL and set TEST_DATABASE_URL=postgres://user@host:port/db to run them (README, "The store on PostgreSQL")`
  console.warn(message)
  it.skip(message, () => {})
}

/** Fresh schemas on TEST_DATABASE_URL: `next()` names a new one, `dropAll()` drops every one named. */
export function freshSchemas(url: string): { next(): PostgresTarget; named(schema: string): string; dropAll(): Promise<void> } {
  const made: string[] = []
  return {
    // A schema made by something else (the job engine's), dropped with the others.
    named: (schema) => {
      made.push(schema)
      return schema
    },
    next: () => {
      const schema = `test_${randomBytes(6).toString('hex')}`
      made.push(schema)
      return { connectionString: url, schema, max: 4 }
    },
    dropAll: async () => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        for (const schema of made.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}
