// The PostgreSQL schema is SQLite's, column for column, with the same foreign keys; its tokens are sealed the same way.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/store/db.js'
import { openPostgresStore, type PostgresTarget } from '../../src/store/postgres/index.js'
import { openPool } from '../../src/store/postgres/sql.js'
import { rotateTokenKeyPg } from '../../src/store/postgres/token-sealing.js'
import type { PortalInstall } from '../../src/store/portals.js'
import { isSealed, Sealer } from '../../src/store/sealed.js'
import { placeOf, WrongTokenKeyError } from '../../src/store/token-sealing.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from './postgres-target.js'

const now = () => new Date('2026-12-01T09:00:00.000Z')
const key = randomBytes(32)
const portal: PortalInstall = {
  memberId: 'a223c6b3710f85df22e9377d6c4f7553', domain: 'acme.bitrix24.ru', clientEndpoint: 'https://acme.bitrix24.ru/rest/',
  serverEndpoint: 'https://oauth.bitrix.info/rest/', accessToken: `access-${randomBytes(8).toString('hex')}`, refreshToken: 'refresh-1',
  expiresAt: 1_800_000_000, applicationToken: 'app-1', scope: 'crm', adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru',
}

if (TEST_DATABASE_URL === undefined) {
  describe('the PostgreSQL schema', () => sayPostgresSkipped('schema and tokens'))
} else {
  const url = TEST_DATABASE_URL
  const schemas = freshSchemas(url)
  afterAll(() => schemas.dropAll())
  // Runs `sql` on its own connection, in the target's schema.
  const query = async <R>(target: PostgresTarget, sql: string, params: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${target.schema}` })
    await client.connect()
    try {
      return (await client.query(sql, params)).rows as R[]
    } finally {
      await client.end()
    }
  }

  describe('the PostgreSQL schema', () => {
    it('has SQLite’s tables and columns, in the same order, and every per-portal table goes with its portal', async () => {
      const target = schemas.next()
      await (await openPostgresStore(target, now)).close()
      const sqlite = openDatabase(':memory:')
      const sqliteTables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>)
        .map(({ name }) => [name, (sqlite.prepare(`PRAGMA table_info(${name})`).all() as Array<{ name: string }>).map((column) => column.name)])
      const columns = await query<{ table_name: string; names: string[] }>(target, `
        SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS names FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name <> 'schema_migrations' GROUP BY table_name ORDER BY table_name COLLATE "C"`)
      expect(columns.map((table) => [table.table_name, table.names])).toEqual(sqliteTables)
      const cascades = await query<{ table_name: string }>(target, `
        SELECT c.conrelid::regclass::text AS table_name FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid = 'portals'::regclass AND c.confdeltype = 'c' ORDER BY 1`)
      const perPortal = sqliteTables.filter(([, names]) => names!.includes('member_id')).map(([name]) => name).filter((name) => name !== 'portals' && name !== 'journal')
      expect(cascades.map((row) => row.table_name).sort()).toEqual([...perPortal].sort())
    })

    it('keeps the tokens sealed under the key, refuses another key, and seals a row written in clear at the next open', async () => {
      const target = schemas.next()
      const store = await openPostgresStore(target, now, key)
      await store.portals.install(portal)
      await store.close()
      const [row] = await query<{ access_token: string }>(target, 'SELECT access_token FROM portals')
      expect(isSealed(row!.access_token)).toBe(true)
      expect(new Sealer(key).open(row!.access_token, placeOf('access_token', portal.memberId))).toBe(portal.accessToken)

      await expect(openPostgresStore(target, now, randomBytes(32))).rejects.toBeInstanceOf(WrongTokenKeyError)

      await query(target, "UPDATE portals SET refresh_token = 'refresh-in-clear'")
      const again = await openPostgresStore(target, now, key)
      expect(await again.portals.get(portal.memberId)).toMatchObject({ accessToken: portal.accessToken, refreshToken: 'refresh-in-clear' })
      await again.close()
      const [resealed] = await query<{ refresh_token: string }>(target, 'SELECT refresh_token FROM portals')
      expect(isSealed(resealed!.refresh_token)).toBe(true)
    })

    it('re-seals every token under a new key, all or none, and refuses a rotation from a key that is not theirs', async () => {
      const target = schemas.next()
      const store = await openPostgresStore(target, now, key)
      await store.portals.install(portal)
      await store.portals.install({ ...portal, memberId: 'b5c1e0d2a7f94e3c8d6b1a0f2e4c6d8a', domain: 'beta.bitrix24.ru' })
      await store.close()
      const newKey = randomBytes(32)
      const pool = openPool(target)
      try {
        await expect(rotateTokenKeyPg(pool, new Sealer(randomBytes(32)), new Sealer(newKey))).rejects.toBeInstanceOf(WrongTokenKeyError)
        expect(await rotateTokenKeyPg(pool, new Sealer(key), new Sealer(newKey))).toEqual({ resealed: 6 })
      } finally {
        await pool.end()
      }
      await expect(openPostgresStore(target, now, key)).rejects.toBeInstanceOf(WrongTokenKeyError)
      const rotated = await openPostgresStore(target, now, newKey)
      expect(await rotated.portals.get(portal.memberId)).toMatchObject({ accessToken: portal.accessToken, refreshToken: portal.refreshToken })
      await rotated.close()
    })
  })
}
