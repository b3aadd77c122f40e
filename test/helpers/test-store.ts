// The store the tests run the app on: SQLite in memory, or with TEST_STORE=postgres a fresh schema of TEST_DATABASE_URL.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import { openStore, type StorePort, type SyncStore } from '../../src/store/index.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { freshSchemas, TEST_DATABASE_URL } from '../store/postgres-target.js'

/** A store as the tests hold it: the port, and on SQLite its synchronous access too. */
export type TestStore = StorePort & { readonly sync?: SyncStore }

/** True when TEST_STORE=postgres: the tests run the app on PostgreSQL (TEST_DATABASE_URL must name one). */
export const onPostgres = process.env.TEST_STORE === 'postgres'

if (onPostgres && TEST_DATABASE_URL === undefined) {
  throw new Error('TEST_STORE=postgres needs TEST_DATABASE_URL=postgres://user@host:port/db (README, "The store on PostgreSQL")')
}

/**
 * Opens the test store on the clock `now`, its tokens sealed under `tokenKey`: SQLite in memory, or with TEST_STORE=postgres
 * PostgreSQL on a schema of its own, dropped when the store is closed.
 */
export async function openTestStore(now: () => Date, tokenKey?: Buffer): Promise<TestStore> {
  if (!onPostgres) return openStore(':memory:', now, tokenKey)
  const schemas = freshSchemas(TEST_DATABASE_URL!)
  const store = await openPostgresStore(schemas.next(), now, tokenKey)
  const close = async () => {
    await store.close()
    await schemas.dropAll()
  }
  return { ...store, close }
}

/** Stores as several instances of the app hold them, all over one database (a SQLite file, or one PostgreSQL schema). */
export interface SharedTestStores {
  stores: TestStore[]
  /** Closes every store and removes the database. */
  close(): Promise<void>
}

/** Opens `count` stores over one database on the clock `now`, as `count` instances of the app would (see openTestStore). */
export async function openSharedTestStores(count: number, now: () => Date, tokenKey?: Buffer): Promise<SharedTestStores> {
  const stores: TestStore[] = []
  if (!onPostgres) {
    const dir = mkdtempSync(join(tmpdir(), 'rules-shared-store-'))
    for (let i = 0; i < count; i++) stores.push(openStore(join(dir, 'app.db'), now, tokenKey))
    return { stores, close: async () => {
      await Promise.all(stores.map((store) => store.close()))
      rmSync(dir, { recursive: true, force: true })
    } }
  }
  const schemas = freshSchemas(TEST_DATABASE_URL!)
  const target = schemas.next()
  // One after the other: the first migrates the schema.
  for (let i = 0; i < count; i++) stores.push(await openPostgresStore(target, now, tokenKey))
  return { stores, close: async () => {
    await Promise.all(stores.map((store) => store.close()))
    await schemas.dropAll()
  } }
}

/** The SQLite adapter's synchronous access of `store`, for a test marked SQLite-only (itOnSqlite, describeOnSqlite). */
export function syncOf(store: TestStore): SyncStore {
  if (store.sync === undefined) throw new Error('this test needs the SQLite store (mark it itOnSqlite)')
  return store.sync
}

// Says on the run's output and as a skipped test that a test needs SQLite, and why.
function saySqliteOnly(name: string, why: string): void {
  const message = `${name} — SQLite only, skipped under TEST_STORE=postgres: ${why}`
  console.warn(message)
  it.skip(message, () => {})
}

/** `it`, for a test that needs the SQLite store itself (`why`): under TEST_STORE=postgres it is skipped, saying why. */
export function itOnSqlite(why: string): typeof it {
  if (!onPostgres) return it
  return ((name: string) => saySqliteOnly(name, why)) as unknown as typeof it
}

/** `describe`, for a suite that needs the SQLite store itself (`why`): under TEST_STORE=postgres it is skipped, saying why. */
export function describeOnSqlite(why: string): typeof describe {
  if (!onPostgres) return describe
  return ((name: string) => describe(name, () => saySqliteOnly(name, why))) as unknown as typeof describe
}
