// What the PostgreSQL store guarantees to several instances on one database: one schema however many start at once,
// an action claimed by one of them only, an event accepted twice kept once, a portal's token refresh leased to one.
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import pg from 'pg'
import type { StorePort } from '../../src/store/port.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { postgresMigrations } from '../../src/store/postgres/migrate.js'
import type { PostgresTarget } from '../../src/store/postgres/index.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from './postgres-target.js'

const A = 'a223c6b3710f85df22e9377d6c4f7553'
const now = () => new Date('2026-12-01T09:00:00.000Z')
const install = {
  memberId: A, domain: 'acme.bitrix24.ru', clientEndpoint: 'https://acme.bitrix24.ru/rest/', serverEndpoint: 'https://oauth.bitrix.info/rest/',
  accessToken: 'access', refreshToken: 'refresh', expiresAt: 1_800_000_000, applicationToken: 'app', scope: 'crm',
  adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru',
}

if (TEST_DATABASE_URL === undefined) {
  describe('PostgreSQL store shared by instances', () => sayPostgresSkipped('instances'))
} else {
  const url = TEST_DATABASE_URL
  const schemas = freshSchemas(url)
  const opened: StorePort[] = []
  const open = async (target: PostgresTarget, count: number) => {
    const stores = await Promise.all(Array.from({ length: count }, () => openPostgresStore(target, now)))
    opened.push(...stores)
    return stores
  }
  afterEach(async () => { await Promise.all(opened.splice(0).map((store) => store.close())) })
  afterAll(() => schemas.dropAll())

  describe('PostgreSQL store shared by instances', () => {
    it('migrates once when several instances start at the same moment', async () => {
      const target = schemas.next()
      await open(target, 4)
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        const rows = await client.query(`SELECT version FROM ${target.schema}.schema_migrations ORDER BY version`)
        expect(rows.rows).toEqual(postgresMigrations().map(({ version }) => ({ version })))
      } finally {
        await client.end()
      }
    })

    it('hands each due action to one instance only, however many claim at once', async () => {
      const [first, second, third] = await open(schemas.next(), 3)
      await first!.installPortal(install, { kind: 'app.installed', detail: {} })
      for (let n = 0; n < 30; n += 1) await first!.actions.plan(A, `v${n}:notify:5`, 'notify', { userId: '5', message: `notice ${n}` })
      const claims = await Promise.all([first!, second!, third!, first!, second!, third!].map((store) => store.claimActions(A, 7)))
      const keys = claims.flat().map((action) => action.key)
      expect(new Set(keys).size).toBe(keys.length)
      expect(keys.length).toBe(30)
      expect(await third!.actions.stats(A)).toEqual({ pending: 0, sending: 30, failed: 0 })
    })

    it('leases a portal’s token refresh to one instance at a time, however many ask at once', async () => {
      const stores = await open(schemas.next(), 3)
      await stores[0]!.installPortal(install, { kind: 'app.installed', detail: {} })
      const until = new Date(now().getTime() + 30_000)
      const taken = await Promise.all([...stores, ...stores].map((store) => store.portals.takeRefreshLease(A, until)))
      expect(taken.filter(Boolean)).toHaveLength(1)
      await stores[1]!.portals.saveTokens(A, { accessToken: 'access-2', refreshToken: 'refresh-2', expiresAt: 1_800_003_600, clientEndpoint: install.clientEndpoint, serverEndpoint: install.serverEndpoint, scope: 'crm' })
      expect(await stores[2]!.portals.storedTokens(A)).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' })
      expect(await stores[2]!.portals.takeRefreshLease(A, until)).toBe(true)
    })

    it('keeps an event the portal sent to two instances at once as one row', async () => {
      const [first, second] = await open(schemas.next(), 2)
      await first!.installPortal(install, { kind: 'app.installed', detail: {} })
      const event = { memberId: A, event: 'ONCRMLEADUPDATE', entity: 'lead' as const, entityId: '7', ts: '1766047124', data: { FIELDS: { ID: '7' } } }
      const answers = await Promise.all([first!.acceptEvents([event]), second!.acceptEvents([event]), first!.inbox.accept(event), second!.inbox.accept(event)])
      expect(answers.flat().filter(Boolean)).toHaveLength(1)
      expect(await second!.inbox.count(A)).toBe(1)
    })

    it('writes a portal’s job in the transaction that leaves it work: a job that fails to be written fails the work too', async () => {
      const [store] = await open(schemas.next(), 1)
      await store!.installPortal(install, { kind: 'app.installed', detail: {} })
      const event = (entityId: string) => ({ memberId: A, event: 'ONCRMLEADUPDATE', entity: 'lead' as const, entityId, ts: '1766047124', data: {} })
      const asked: string[] = []
      store!.askWorkWithin!(async (within, memberId) => {
        // In the same transaction: the event's row is there to see before the commit.
        const seen = await within.executeSql('SELECT count(*)::int AS n FROM inbox WHERE member_id = $1', [memberId])
        asked.push(`${memberId}:${(seen.rows[0] as { n: number }).n}`)
      })
      await store!.acceptEvents([event('1'), event('2')])
      expect(asked).toEqual([`${A}:2`])
      // An engine that refuses before writing anything: the events land, its look finds them later.
      store!.askWorkWithin!(async () => { throw new Error('the job engine has not started') })
      await store!.acceptEvents([event('3')])
      // A job whose statement fails: nothing of the transaction lands (no event without its job).
      store!.askWorkWithin!(async (within) => { await within.executeSql('SELECT 1 / 0') })
      await expect(store!.acceptEvents([event('4')])).rejects.toThrow(/division by zero/)
      expect(await store!.inbox.count(A)).toBe(3)
    })

    it('takes a login state once, whichever instances it is brought to at once', async () => {
      const stores = await open(schemas.next(), 3)
      const until = new Date(now().getTime() + 600_000)
      const spent = await Promise.all([...stores, ...stores].map((store) => store.loginStates.spend('nonce-1', until)))
      expect(spent.filter(Boolean)).toHaveLength(1)
    })

    it('a clean uninstall leaves nothing of a portal that another instance was writing at that moment, its journal included', async () => {
      const target = schemas.next()
      const [store] = await open(target, 1)
      await store!.installPortal(install, { kind: 'app.installed', detail: {} })
      // Another instance's directory refresh: its rows and its journal line written, not yet committed.
      const other = new pg.Client({ connectionString: url })
      await other.connect()
      try {
        await other.query('BEGIN')
        await other.query(`INSERT INTO ${target.schema}.directory_syncs (member_id, synced_at) VALUES ($1, $2)`, [A, now().toISOString()])
        await other.query(`INSERT INTO ${target.schema}.journal (at, member_id, kind, detail) VALUES ($1, $2, 'directory.refreshed', '{}')`, [now().toISOString(), A])
        const uninstalled = store!.uninstallPortal(A, true)
        // The uninstall is under way (waiting for the refresh's commit) when the refresh commits.
        await new Promise((resolve) => setTimeout(resolve, 300))
        await other.query('COMMIT')
        await uninstalled
      } finally {
        await other.end()
      }
      expect(await store!.portals.get(A)).toBeUndefined()
      expect(await store!.directory.syncedAt(A)).toBeUndefined()
      expect((await store!.journal.recent(A)).map((entry) => entry.kind)).toEqual(['app.uninstalled'])
    })
  })
}
