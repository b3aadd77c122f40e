// The store: migrations, portals with their tokens, the append-only journal, the inbox.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { migrate, openDatabase, readPragma } from '../../src/store/db.js'
import { ActionRepo } from '../../src/store/actions.js'
import { JournalRepo } from '../../src/store/journal.js'
import { sqlitePragma, sqliteRows, withSqliteFile } from './sqlite-file.js'
import { GroupCommit } from '../../src/store/group-commit.js'
import { systemClock } from '../../src/shared/clock.js'
import { planNotice } from './plan-notice.js'
import { openStore, type Store } from '../../src/store/index.js'
import { MIGRATIONS } from '../../src/store/migrations.js'
import { PortalRepo, type PortalInstall } from '../../src/store/portals.js'
import { Sealer } from '../../src/store/sealed.js'
import { deriveTokenKey } from '../../src/shared/token-key.js'

const portal: PortalInstall = {
  memberId: 'a223c6b3710f85df22e9377d6c4f7553',
  domain: 'acme.bitrix24.ru',
  clientEndpoint: 'https://acme.bitrix24.ru/rest',
  serverEndpoint: 'https://oauth.bitrix.info/rest/',
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  expiresAt: 1_800_000_000,
  applicationToken: 'app-token-1',
  scope: 'crm,task',
  adminUserId: 1,
  appStatus: 'L',
  licenseFamily: 'project',
  language: 'ru',
}

// A store with these portals installed: every per-portal row belongs to its portal (the schema's foreign keys).
function storeWith(now: () => Date, ...memberIds: string[]): ReturnType<typeof openStore> {
  const store = openStore(':memory:', now)
  for (const memberId of memberIds) store.sync.portals.install({ ...portal, memberId })
  return store
}

describe('store', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  it('creates a WAL database file readable by its owner only, migrated to the latest version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-store-'))
    dirs.push(dir)
    const path = join(dir, 'nested', 'app.db')
    const db = openDatabase(path)
    expect(readPragma(db, 'journal_mode')).toBe('wal')
    expect(readPragma(db, 'synchronous')).toBe(2) // FULL
    expect(readPragma(db, 'user_version')).toBe(MIGRATIONS.length)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    db.close()
    const store = openStore(path, systemClock)
    store.sync.portals.install(portal)
    store.close()
    // Re-opening migrates nothing twice and keeps the data.
    const again = openStore(path, systemClock)
    expect(again.sync.portals.get(portal.memberId)?.domain).toBe('acme.bitrix24.ru')
    again.close()
  })

  it('installs, saves refreshed tokens, marks re-authorisation and revokes', () => {
    const store = openStore(':memory:', systemClock)
    store.sync.portals.install(portal)
    expect(store.sync.portals.get(portal.memberId)).toMatchObject({ status: 'active', accessToken: 'access-1' })
    store.sync.portals.saveTokens(portal.memberId, {
      accessToken: 'access-2', refreshToken: 'refresh-2', expiresAt: 1_800_003_600,
      clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, scope: 'crm,task',
    })
    expect(store.sync.portals.get(portal.memberId)).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' })
    store.sync.portals.markNeedsReauth(portal.memberId, 'invalid_grant')
    expect(store.sync.portals.get(portal.memberId)).toMatchObject({ status: 'needs_reauth', statusReason: 'invalid_grant' })
    store.sync.portals.install({ ...portal, accessToken: 'access-3' })
    expect(store.sync.portals.get(portal.memberId)).toMatchObject({ status: 'active', statusReason: null })
    store.sync.portals.revoke(portal.memberId, 'uninstalled')
    expect(store.sync.portals.get(portal.memberId)).toMatchObject({ status: 'uninstalled', accessToken: '', refreshToken: '' })
    store.close()
  })

  it('keeps the journal append-only', () => {
    const db = openDatabase(':memory:')
    const journal = new JournalRepo(db, systemClock)
    journal.append(portal.memberId, 'app.installed', { via: 'api' })
    expect(journal.recent(portal.memberId)).toMatchObject([{ kind: 'app.installed', detail: { via: 'api' } }])
    expect(() => db.prepare("UPDATE journal SET kind = 'x'").run()).toThrow('journal is append-only')
    db.close()
  })

  it('stores a duplicate event once', () => {
    const store = storeWith(systemClock, portal.memberId)
    const event = { memberId: portal.memberId, event: 'ONCRMLEADADD', entity: 'lead' as const, entityId: '7', ts: '1766047124', data: {} }
    expect(store.sync.inbox.accept(event)).toBe(true)
    expect(store.sync.inbox.accept(event)).toBe(false)
    expect(store.sync.inbox.accept({ ...event, ts: '1766047125' })).toBe(true)
    expect(store.sync.inbox.count(portal.memberId)).toBe(2)
    store.close()
  })
})

describe('group commit', () => {
  const event = (id: string, ts = '1766047124') => ({ memberId: 'm1', event: 'ONCRMLEADUPDATE', entity: 'lead' as const, entityId: id, ts, data: {} })

  it('stores events that arrive together in one transaction and answers each once it is stored', async () => {
    const store = storeWith(systemClock, 'm1')
    const intake = new GroupCommit(store)
    const answers = Promise.all([intake.accept(event('1')), intake.accept(event('2')), intake.accept(event('1'))])
    expect(store.sync.inbox.count('m1')).toBe(0) // nothing is answered before the commit
    expect(await answers).toEqual([true, true, false])
    expect(store.sync.inbox.count('m1')).toBe(2)
    store.close()
  })

  it('fails every event of a group whose commit fails, and stores none of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-group-'))
    const path = join(dir, 'app.db')
    const store = openStore(path, systemClock)
    store.sync.portals.install({ ...portal, memberId: 'm1' })
    const intake = new GroupCommit(store)
    withSqliteFile(path, (db) => db.exec("CREATE TRIGGER no_lead_9 BEFORE INSERT ON inbox WHEN NEW.entity_id = '9' BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    const results = await Promise.allSettled([intake.accept(event('8')), intake.accept(event('9'))])
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    expect(store.sync.inbox.count('m1')).toBe(0)
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('the outbox', () => {
  it('sends a fix planned behind a backlog of notices first, then escalations, then notices oldest first', () => {
    const store = storeWith(systemClock, portal.memberId)
    const member = portal.memberId
    for (let i = 1; i <= 120; i++) store.sync.actions.plan(member, `v${i}:notify:5`, 'notify', { userId: '5', message: `notice ${i}` })
    store.sync.actions.plan(member, 'v200:escalate:4', 'notify', { userId: '4', message: 'escalation' }, 'deadline')
    store.sync.actions.plan(member, 'v201:comment', 'comment', { comment: 'timeline' })
    store.sync.actions.plan(member, 'v202:fix', 'fix', { entity: 'lead', entityId: '202', fields: { COMPANY_TITLE: 'Вектор ООО' } })
    const first = store.sync.actions.claim(member, 50)
    expect(first.slice(0, 4).map((action) => action.key)).toEqual(['v202:fix', 'v200:escalate:4', 'v1:notify:5', 'v2:notify:5'])
    // A fix planned while the first batch is out still overtakes the rest of the backlog.
    store.sync.actions.plan(member, 'v203:fix', 'fix', { entity: 'lead', entityId: '203', fields: { COMPANY_TITLE: 'Ромашка АО' } })
    expect(store.sync.actions.claim(member, 50)[0]?.key).toBe('v203:fix')
    store.close()
  })
})

// A notice planned on its own, as the enforcer plans one: folded under the policy, then applied. True when it is new.
describe('digests', () => {
  const policy = { limit: 3, windowMs: 10 * 60_000, heading: '[B]Сводка[/B]', more: '… и ещё {n}' }
  const noticeTo = (userId: string, i: number) => ({ key: `v${i}:notify:${userId}`, userId, message: `notice ${i}`, line: `• line ${i}`, violationId: i })

  it('past the limit within the window folds the rest into one digest, due when the window lets one through; keys hold', async () => {
    let now = new Date('2026-12-01T09:00:00Z')
    const store = storeWith(() => now, portal.memberId)
    const member = portal.memberId
    for (let i = 1; i <= 10; i++) {
      expect(await planNotice(store, member, noticeTo('5', i), policy, now)).toBe(true)
      now = new Date(now.getTime() + 1000)
    }
    // A retry or a duplicate event plans the same keys again: nothing new, nothing folded twice.
    for (let i = 1; i <= 10; i++) expect(await planNotice(store, member, noticeTo('5', i), policy, now)).toBe(false)
    // Another person has a limit of their own.
    expect(await planNotice(store, member, noticeTo('6', 11), policy, now)).toBe(true)
    const pending = store.sync.actions.inState(member, 'pending')
    expect(pending.map((action) => action.key)).toEqual(['v1:notify:5', 'v2:notify:5', 'v3:notify:5', expect.stringMatching(/^digest:5:/), 'v11:notify:6'])
    const digest = pending[3]!
    expect(digest.payload.message).toBe(['[B]Сводка[/B]', ...[4, 5, 6, 7, 8, 9, 10].map((i) => `• line ${i}`)].join('\n'))
    expect(store.sync.actions.inState(member, 'folded')).toHaveLength(7)
    // Not sent before the first notice leaves the window.
    expect(store.sync.actions.claim(member, 50).map((action) => action.key)).toEqual(['v1:notify:5', 'v2:notify:5', 'v3:notify:5', 'v11:notify:6'])
    expect(store.sync.actions.nextRetryAt()?.toISOString()).toBe('2026-12-01T09:10:00.000Z')
    now = new Date('2026-12-01T09:10:00Z')
    expect(store.sync.actions.claim(member, 50).map((action) => action.key)).toEqual([digest.key])
    // The window slides, but a digest reached the person within it: still a burst, so the next notices fold too, into a
    // new digest due when the window lets a message through.
    now = new Date('2026-12-01T09:10:01Z')
    for (const i of [12, 13, 14]) await planNotice(store, member, noticeTo('5', i), policy, now)
    expect(store.sync.actions.inState(member, 'pending').map((action) => action.key)).toEqual(['digest:5:2026-12-01T09:10:01.000Z'])
    expect(store.sync.actions.nextRetryAt()?.toISOString()).toBe('2026-12-01T09:10:02.000Z')
    // Ten quiet minutes after the last digest, notices go on their own again.
    now = new Date('2026-12-01T09:10:02Z')
    store.sync.actions.done(store.sync.actions.claim(member, 50)[0]!.id)
    now = new Date('2026-12-01T09:20:03Z')
    await planNotice(store, member, noticeTo('5', 15), policy, now)
    expect(store.sync.actions.inState(member, 'pending').map((action) => action.key)).toEqual(['v15:notify:5'])
    store.close()
  })

  it('one budget a person across kinds; warnings and escalations past it gather a minute, not a window', async () => {
    const now = new Date('2026-12-01T09:00:00Z')
    const store = storeWith(() => now, portal.memberId)
    const member = portal.memberId
    for (const i of [1, 2]) await planNotice(store, member, noticeTo('5', i), policy, now)
    for (const i of [3, 4, 5]) await planNotice(store, member, { ...noticeTo('5', i), priority: 'deadline' }, policy, now)
    const pending = store.sync.actions.inState(member, 'pending').map((action) => action.key)
    expect(pending).toEqual(['v1:notify:5', 'v2:notify:5', 'v3:notify:5', 'digest:5:escalations:2026-12-01T09:00:00.000Z'])
    expect(store.sync.actions.nextRetryAt()?.toISOString()).toBe('2026-12-01T09:01:00.000Z')
    store.close()
  })

  it('lists the first thirty notices and counts the rest', async () => {
    const store = storeWith(systemClock, portal.memberId)
    for (let i = 1; i <= 40; i++) await planNotice(store, portal.memberId, noticeTo('5', i), { ...policy, limit: 1 }, systemClock())
    const digest = store.sync.actions.inState(portal.memberId, 'pending').find((action) => action.payload.digest === true)
    const lines = String(digest?.payload.message).split('\n')
    expect(lines).toHaveLength(1 + 30 + 1)
    expect(lines.at(-1)).toBe('… и ещё 9')
    store.close()
  })
})

describe('the outbox migrations', () => {
  it('carries an outbox of version 4 over: fixes and escalations first, notices keep their recipient', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-outbox-'))
    const path = join(dir, 'app.db')
    const old = new Database(path)
    migrate(old, MIGRATIONS.slice(0, 4))
    old.prepare(`INSERT INTO portals (member_id, domain, client_endpoint, server_endpoint, access_token, refresh_token, expires_at,
      application_token, scope, status, installed_at, updated_at) VALUES ('m', 'acme.bitrix24.ru', '', '', '', '', 0, '', '', 'active', '', '')`).run()
    const insert = old.prepare("INSERT INTO actions (member_id, key, kind, payload, created_at) VALUES ('m', ?, ?, ?, '2026-12-01T09:00:00Z')")
    insert.run('v1:notify:5', 'notify', JSON.stringify({ userId: '5', message: 'notice' }))
    insert.run('v2:escalate:4', 'notify', JSON.stringify({ userId: '4', message: 'escalation' }))
    insert.run('v3:fix', 'fix', JSON.stringify({ entity: 'lead', entityId: '3', fields: {} }))
    old.close()
    const store = openStore(path, systemClock)
    expect(store.sync.actions.claim('m', 10).map((action) => action.key)).toEqual(['v3:fix', 'v2:escalate:4', 'v1:notify:5'])
    store.close()
    expect(sqlitePragma(path, 'user_version')).toBe(MIGRATIONS.length)
    expect(sqliteRows(path, "SELECT key, recipient FROM actions WHERE kind = 'notify' ORDER BY id")).toEqual([
      { key: 'v1:notify:5', recipient: '5' }, { key: 'v2:escalate:4', recipient: '4' },
    ])
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('statements', () => {
  it('a card tab asks who was told of any number of violations without preparing a statement per ask', async () => {
    const db = openDatabase(':memory:')
    new PortalRepo(db, systemClock, new Sealer(deriveTokenKey(''))).install({ ...portal, memberId: 'm' })
    const prepare = vi.spyOn(db, 'prepare')
    const actions = new ActionRepo(db, systemClock)
    const prepared = prepare.mock.calls.length
    for (const id of [1, 2, 3]) {
      actions.addMessage('m', { key: `v${id}:notify:5`, payload: { userId: '5', message: `m${id}`, violationId: id }, priority: 'notice', recipient: '5', state: 'pending', notBefore: null, digestId: null })
    }
    expect(actions.noticesOf('m', [1]).map((notice) => notice.violationId)).toEqual([1])
    expect(actions.noticesOf('m', [1, 3]).map((notice) => notice.violationId)).toEqual([1, 3])
    expect(actions.noticesOf('m', [2, 3, 4, 5]).map((notice) => notice.violationId)).toEqual([2, 3])
    expect(prepare.mock.calls.length).toBe(prepared)
    db.close()
  })
})
