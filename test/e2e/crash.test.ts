// Crash safety over real processes: the app SIGKILLed mid-stream keeps every event it answered 200, acts on it once, and catches up after a restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { deriveTokenKey } from '../../src/shared/token-key.js'
import type { Store } from '../../src/store/index.js'
import { sqliteRows } from '../store/sqlite-file.js'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import { killAfterAccepted, startAppProcess, waitHealthy, type AppProcess } from '../bench/app-process.js'
import { inspect, settled } from '../helpers/app-db.js'
import { startFakePortal, type FakeDelivery, type FakePortal } from '../fake-portal/index.js'
import { freePort } from '../helpers/harness.js'

const leadKind = ENTITIES.lead!
const LEADS = 80

const isLeadEvent = (delivery: FakeDelivery) => delivery.event.startsWith('ONCRMLEAD')
const idOf = (delivery: FakeDelivery) => new URLSearchParams(delivery.body).get('data[FIELDS][ID]') ?? ''
// An event is known by what the inbox keeps it by: code, record and the portal's ts.
const keyOf = (delivery: FakeDelivery) => `${delivery.event}|${idOf(delivery)}|${new URLSearchParams(delivery.body).get('ts')}`

interface InboxRow { event: string; entity_id: string; ts: string; state: string }

// Every event answered 200 is in the inbox, done; nothing pending or parked; no event twice; no row the portal never sent.
function expectInboxKeptEverything(store: Store, databasePath: string, portal: FakePortal, kills: number): void {
  const deliveries = portal.deliveries.filter(isLeadEvent)
  const accepted = new Set(deliveries.filter((d) => d.status === 200).map(keyOf))
  const attempted = new Set(deliveries.map(keyOf))
  const rows = sqliteRows<InboxRow>(databasePath, "SELECT event, entity_id, ts, state FROM inbox WHERE member_id = ? AND entity = 'lead'", portal.memberId)
  const byKey = new Map(rows.map((row) => [`${row.event}|${row.entity_id}|${row.ts}`, row]))
  expect([...accepted].filter((key) => !byKey.has(key)), 'answered 200 but not in the inbox').toEqual([])
  expect([...accepted].filter((key) => byKey.get(key)?.state !== 'done'), 'answered 200 but not done').toEqual([])
  expect(store.sync.inbox.stats(portal.memberId)).toMatchObject({ pending: 0, parked: 0 })
  const twice = sqliteRows(databasePath, 'SELECT event, entity, entity_id, ts, count(*) AS n FROM inbox GROUP BY member_id, event, entity, entity_id, ts HAVING n > 1')
  expect(twice, 'event rows stored twice').toEqual([])
  // A delivery cut by the kill may have been stored without its 200 reaching the portal: at most one per kill.
  const unanswered = [...byKey.keys()].filter((key) => !accepted.has(key))
  expect(unanswered.length).toBeLessThanOrEqual(kills)
  expect(unanswered.filter((key) => !attempted.has(key)), 'inbox rows the portal never sent').toEqual([])
}

// Each lead whose latest event got a 200 is mirrored exactly as the portal holds it now; returns how many.
function expectMirrorFollowsAccepted(store: Store, portal: FakePortal): number {
  const latest = new Map<string, FakeDelivery>()
  for (const delivery of portal.deliveries.filter(isLeadEvent)) latest.set(idOf(delivery), delivery)
  let checked = 0
  for (const [id, delivery] of latest) {
    if (delivery.status !== 200) continue
    expect(store.sync.mirror.get(portal.memberId, 'lead', id)?.snapshot, `lead ${id}`).toEqual(project(leadKind, portal.data.lead(id) ?? {}))
    checked += 1
  }
  return checked
}

interface ActionRow {
  id: number; key: string; kind: string; state: string; payload: string; attempts: number; last_error: string | null; digest_id: number | null
}

// What people see happened once: one violation per record and rule, each notification shown once, each fix in
// the record, each timeline comment once; nothing left unsent. (A comment whose send a kill interrupted is looked for on
// the portal before it goes again; an older version gave it up instead, which the check still tolerates: at most once.)
function expectEffectsOnce(databasePath: string, portal: FakePortal): Record<string, number> {
  const { memberId } = portal
  const twice = sqliteRows(databasePath, 'SELECT rule_id, entity_id, variant, count(*) AS n FROM violations WHERE member_id = ? GROUP BY rule_id, entity, entity_id, variant HAVING n > 1', memberId)
  // Nothing here makes a record comply and then break the same rule again.
  expect(twice, 'violations opened twice').toEqual([])
  const all = sqliteRows<ActionRow>(databasePath, 'SELECT id, key, kind, state, payload, attempts, last_error, digest_id FROM actions WHERE member_id = ?', memberId)
  // A notice folded into a digest is told once, inside that digest, which was sent.
  const byId = new Map(all.map((a) => [a.id, a]))
  const folded = all.filter((a) => a.state === 'folded')
  for (const notice of folded) {
    const digest = byId.get(notice.digest_id ?? -1)
    expect(digest?.state, notice.key).toBe('done')
    const lines = (JSON.parse(digest?.payload ?? '{}') as { lines?: string[] }).lines ?? []
    expect(lines.filter((line) => line === (JSON.parse(notice.payload) as { line: string }).line), notice.key).toHaveLength(1)
  }
  // The run goes past the digest limit (80 leads of one responsible), so some notices are folded.
  expect(folded.length, 'notices folded into digests').toBeGreaterThan(0)
  const actions = all.filter((a) => a.state !== 'folded')
  expect(actions.filter((a) => a.state === 'pending' || a.state === 'sending'), 'actions never sent').toEqual([])
  // Only a comment cut by a kill may be given up (sending it again could show it twice).
  const givenUp = (a: ActionRow) => a.kind === 'comment' && a.state === 'failed' && /interrupted by a restart/.test(a.last_error ?? '')
  expect(actions.filter((a) => a.state !== 'done' && !givenUp(a)), 'actions that failed').toEqual([])
  const counts: Record<string, number> = { fix: 0, notify: 0, comment: 0 }
  let commentsShown = 0
  for (const action of actions) {
    const payload = JSON.parse(action.payload) as Record<string, unknown>
    counts[action.kind] = (counts[action.kind] ?? 0) + 1
    if (action.kind === 'notify') {
      expect(portal.data.notifications.filter((n) => n.tag === `rules|${action.key}`), action.key).toHaveLength(1)
    } else if (action.kind === 'comment') {
      const shown = portal.data.timelineComments.filter((c) => String(c.entityId) === payload.entityId && c.comment === payload.comment).length
      commentsShown += shown
      if (givenUp(action)) expect(shown, action.key).toBeLessThanOrEqual(1)
      else expect(shown, action.key).toBe(1)
    } else {
      // A fix cut by a kill is written again (the same write); never more often than it was tried.
      const writes = portal.calls.filter((c) => c.method === `crm.${String(payload.entity)}.update` && String((c.params as { id?: unknown }).id) === payload.entityId)
      expect(writes.length, action.key).toBeGreaterThanOrEqual(1)
      expect(writes.length, action.key).toBeLessThanOrEqual(action.attempts)
      expect(portal.data.lead(String(payload.entityId)), action.key).toMatchObject(payload.fields as object)
    }
  }
  expect(portal.data.notifications.filter((n) => n.tag?.startsWith('rules|')), 'notifications').toHaveLength(counts.notify ?? 0)
  expect(portal.data.timelineComments, 'timeline comments').toHaveLength(commentsShown)
  return counts
}

describe('crash', () => {
  it('SIGKILL mid-stream, twice: each event answered 200 is processed, and acted on, once; the mirror equals the portal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-crash-'))
    const databasePath = join(dir, 'app.db')
    const portal = await startFakePortal()
    const port = await freePort()
    const env = {
      DATABASE_PATH: databasePath,
      B24_CLIENT_ID: portal.clientId,
      B24_CLIENT_SECRET: portal.clientSecret,
      B24_ALLOWED_HOSTS: '127.0.0.1',
      B24_TIMEOUT_MS: '5000',
      WORKER_RETRY_BASE_MS: '200',
      // No scheduled sweep: what reaches the mirror here must come through the events.
      SWEEP_CRON: '0 0 1 1 *',
      // Past five notices a person gets digests; a short window lets them go out within the test.
      RULES_FILE: join(dir, 'rules.json'),
    }
    writeFileSync(env.RULES_FILE, JSON.stringify({ calendar: { hours: '24/7' }, notifications: { digest: { limit: 5, window: 'PT1S' } } }))
    let app: AppProcess = startAppProcess({ port, env })
    const restart = async () => {
      app = startAppProcess({ port, env })
      await waitHealthy(app)
    }
    const leadEventsSince = (from: number) => portal.deliveries.slice(from).filter(isLeadEvent)
    try {
      await waitHealthy(app)
      await portal.installApp({ installUrl: `${app.url}/install` })
      await settled(app, portal, databasePath)

      // Stream 1: 80 leads created and changed twice (240 events); killed after 100 answers, while the
      // rules' fixes, notifications and comments for the new leads are being sent. Every change is made
      // before the first delivery, so any re-read sees the change its event is about.
      let from = portal.deliveries.length
      const ids = Array.from({ length: LEADS }, (_, i) =>
        portal.data.addLead({ TITLE: `Заявка ${i}`, COMPANY_TITLE: `ООО «Вектор-${i}»`, OPPORTUNITY: 1000 * i }, { byUserId: 5 }))
      for (const round of [1, 2]) ids.forEach((id, i) => portal.data.updateLead(id, { TITLE: `Заявка ${i}, правка ${round}`, OPPORTUNITY: 1000 * i + round }))
      await killAfterAccepted(app, portal, { from, accepted: 100, counted: isLeadEvent })
      // The rest meet a closed port; the portal never retries them.
      await portal.flushEvents()
      expect(leadEventsSince(from).some((d) => d.status === 0), 'the kill landed mid-stream').toBe(true)
      await restart()
      await settled(app, portal, databasePath)

      // Stream 2: two more changes of every lead (160 events, past the first status: more notices);
      // killed after 120 answers, so about half the leads have their latest change answered and the rest lost it.
      from = portal.deliveries.length
      for (const round of [3, 4]) ids.forEach((id, i) => portal.data.updateLead(id, { STATUS_ID: 'IN_PROCESS', COMMENTS: `правка ${round}`, OPPORTUNITY: 1000 * i + round }))
      await killAfterAccepted(app, portal, { from, accepted: 120, counted: isLeadEvent })
      await portal.flushEvents()
      expect(leadEventsSince(from).some((d) => d.status === 0), 'the kill landed mid-stream').toBe(true)
      await restart()
      await settled(app, portal, databasePath)
      const checked = inspect(databasePath, deriveTokenKey(portal.clientSecret), (store) => {
        expectInboxKeptEverything(store, databasePath, portal, 2)
        expectEffectsOnce(databasePath, portal)
        return expectMirrorFollowsAccepted(store, portal)
      })
      expect(checked).toBeGreaterThan(0)

      // Stream 3: one more change of every lead, all answered, so every lead ends up mirrored.
      from = portal.deliveries.length
      ids.forEach((id, i) => portal.data.updateLead(id, { TITLE: `Заявка ${i}, итог`, OPPORTUNITY: 1000 * i + 5 }))
      await settled(app, portal, databasePath)
      expect(leadEventsSince(from).every((d) => d.status === 200)).toBe(true)
      inspect(databasePath, deriveTokenKey(portal.clientSecret), (store) => {
        expectInboxKeptEverything(store, databasePath, portal, 2)
        expect(expectMirrorFollowsAccepted(store, portal)).toBe(LEADS)
        for (const id of ids) expect(store.sync.mirror.get(portal.memberId, 'lead', id)?.snapshot.TITLE).toMatch(/итог$/)
        const acted = expectEffectsOnce(databasePath, portal)
        // Each kind of effect happened at all, so the checks above are not empty.
        for (const kind of ['fix', 'notify', 'comment']) expect(acted[kind], kind).toBeGreaterThan(0)
      })
    } finally {
      await app.stop('SIGKILL')
      await portal.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000)
})
