// DATABASE_URL picks the store: PostgreSQL when it is set, the SQLite file at DATABASE_PATH when it is not.
import { afterAll, describe, expect, it } from 'vitest'
import { openStoreFor } from '../../src/store/open.js'
import { deriveTokenKey } from '../../src/shared/token-key.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from './postgres-target.js'

const now = () => new Date('2026-12-01T09:00:00.000Z')
const tokenKey = deriveTokenKey('')

describe('openStoreFor', () => {
  it('opens SQLite at DATABASE_PATH when DATABASE_URL is unset', async () => {
    const store = await openStoreFor({ databaseUrl: undefined, databasePath: ':memory:', tokenKey }, now)
    expect('sync' in store).toBe(true)
    expect(await store.portals.all()).toEqual([])
    await store.close()
  })

  if (TEST_DATABASE_URL === undefined) {
    sayPostgresSkipped('openStoreFor')
  } else {
    const testUrl = TEST_DATABASE_URL
    const schemas = freshSchemas(testUrl)
    afterAll(() => schemas.dropAll())

    it('opens PostgreSQL when DATABASE_URL is set (a schema of its own through the URL’s options)', async () => {
      const url = new URL(testUrl)
      url.searchParams.set('options', `-c search_path=${schemas.next().schema}`)
      const store = await openStoreFor({ databaseUrl: url.toString(), databasePath: ':memory:', tokenKey }, now)
      expect('sync' in store).toBe(false)
      expect(await store.portals.all()).toEqual([])
      await store.close()
    })
  }
})
