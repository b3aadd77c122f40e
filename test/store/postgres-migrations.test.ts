// One migration list for both stores: PostgreSQL's side is the baseline, then every later entry's own PostgreSQL text.
import { describe, expect, it } from 'vitest'
import { MIGRATIONS, type Migration } from '../../src/store/migrations.js'
import { BASELINE_VERSION } from '../../src/store/postgres/baseline.js'
import { postgresMigrations } from '../../src/store/postgres/migrate.js'

describe('the PostgreSQL side of the migration list', () => {
  it('starts from a baseline standing for every SQLite entry up to it, and every later entry carries its PostgreSQL text', () => {
    expect(MIGRATIONS.filter((migration) => migration.version <= BASELINE_VERSION).every((migration) => migration.postgres === undefined)).toBe(true)
    expect(MIGRATIONS.filter((migration) => migration.version > BASELINE_VERSION).every((migration) => migration.postgres !== undefined)).toBe(true)
    const list = postgresMigrations()
    expect(list[0]).toMatchObject({ version: BASELINE_VERSION, name: '016-robot-calls-baseline' })
    expect(list.map((migration) => migration.version)).toEqual([BASELINE_VERSION, ...MIGRATIONS.filter((m) => m.version > BASELINE_VERSION).map((m) => m.version)])
  })

  it('refuses an entry after the baseline that has no PostgreSQL text, naming it', () => {
    const next: Migration = { version: BASELINE_VERSION + 1, name: `0${BASELINE_VERSION + 1}-sqlite-only`, sql: 'CREATE TABLE x (y TEXT);' }
    expect(() => postgresMigrations([...MIGRATIONS, next])).toThrow(`migration ${next.name} has no PostgreSQL text`)
    expect(postgresMigrations([...MIGRATIONS, { ...next, postgres: 'CREATE TABLE x (y text);' }]).at(-1)).toEqual({ version: next.version, name: next.name, sql: 'CREATE TABLE x (y text);' })
  })
})
