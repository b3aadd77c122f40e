// Answers kept for one shared read (store/read-scope.ts ReadMemo): a portal's facts and its directory's sync time and lead
// statuses are read once while one read lasts, and never stand after a write or past the turn of the event loop.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { withSqliteFile } from './sqlite-file.js'
import { A, install, START } from './fixtures.js'

const now = () => new Date(START)
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

describe('answers kept for one shared read', () => {
  let dir: string | undefined
  let store: Store | undefined

  afterEach(() => {
    store?.sync.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    store = undefined
    dir = undefined
  })

  const open = (): { store: Store; file: string } => {
    dir = mkdtempSync(join(tmpdir(), 'read-memo-'))
    const file = join(dir, 'app.db')
    store = openStore(file, now)
    store.sync.portals.install(install(A, 'vector.bitrix24.ru'))
    return { store, file }
  }

  it('sees the store’s own write at once: the portal marked for re-authorisation, its lead statuses replaced', async () => {
    const { store } = open()
    expect((await store.portals.about(A))?.status).toBe('active')
    store.sync.portals.markNeedsReauth(A, 'refresh failed')
    expect((await store.portals.about(A))?.status).toBe('needs_reauth')
    expect(await store.directory.leadStatuses(A)).toEqual([])
    store.sync.directory.replaceLeadStatuses(A, [{ statusId: 'NEW', sort: 10, semantics: null }])
    expect(await store.directory.leadStatuses(A)).toEqual([{ statusId: 'NEW', sort: 10, semantics: null }])
    expect(await store.directory.syncedAt(A)).toBeUndefined()
    store.sync.directory.replace(A, [], [], new Date(START))
    expect(await store.directory.syncedAt(A)).toEqual(new Date(START))
  })

  it('sees another connection’s write once the event loop has turned (the shared read has ended)', async () => {
    const { store, file } = open()
    expect((await store.portals.about(A))?.language).toBe('ru')
    withSqliteFile(file, (db) => db.prepare("UPDATE portals SET language = 'en' WHERE member_id = ?").run(A))
    // Still the same read: the same snapshot answers, as the database itself would.
    expect((await store.portals.about(A))?.language).toBe('ru')
    await nextTurn()
    expect((await store.portals.about(A))?.language).toBe('en')
  })

  it('answers the same as an uncached read, read-only, and nothing for a portal it does not know', async () => {
    const { store } = open()
    store.sync.directory.replaceLeadStatuses(A, [{ statusId: 'NEW', sort: 10, semantics: null }])
    await nextTurn()
    const about = await store.portals.about(A)
    expect(await store.portals.about(A)).toBe(about)
    const { accessToken: _access, refreshToken: _refresh, applicationToken: _application, ...whole } = (await store.portals.get(A))!
    expect(about).toEqual(whole)
    expect(Object.isFrozen(about)).toBe(true)
    const statuses = await store.directory.leadStatuses(A)
    expect(Object.isFrozen(statuses) && Object.isFrozen(statuses[0])).toBe(true)
    expect(await store.portals.about('unknown')).toBeUndefined()
  })
})
