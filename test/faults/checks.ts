// The fault suite's checks after the day: nothing lost, the mirror equal to the portal, and everything people see done once.
import { expect } from 'vitest'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import { headedDepartments } from '../../src/reports/delivery.js'
import { deriveTokenKey } from '../../src/shared/token-key.js'
import type { FakeCall, FakeDelivery } from '../fake-portal/index.js'
import { inspect } from '../helpers/app-db.js'
import { sqliteRows } from '../store/sqlite-file.js'
import type { Day } from './day.js'

const params = (call: FakeCall) => call.params as Record<string, unknown>
const idOf = (delivery: FakeDelivery) => new URLSearchParams(delivery.body).get('data[FIELDS][ID]') ?? ''
// An event is known by what the inbox keeps it by: code, record and the portal's ts.
const keyOf = (delivery: FakeDelivery) => `${delivery.event}|${idOf(delivery)}|${new URLSearchParams(delivery.body).get('ts')}`
// A call the portal carried out: answered 200, or done and its answer lost (chaos timeout, or a cut after the work).
const executed = (call: FakeCall) => call.httpStatus === 200

/** The figures the suite prints. */
export type Figures = Record<string, number>

/** Every CRM event answered 200 is in the inbox and done; nothing pending or parked. */
export function checkInbox(day: Day, figures: Figures): void {
  const crm = day.log.deliveries.filter((d) => d.event.startsWith('ONCRM'))
  const accepted = new Set(crm.filter((d) => d.status === 200).map(keyOf))
  const rows = sqliteRows<{ event: string; entity_id: string; ts: string; state: string }>(day.databasePath,
    'SELECT event, entity_id, ts, state FROM inbox WHERE member_id = ?', day.portal.memberId)
  const state = new Map(rows.map((row) => [`${row.event}|${row.entity_id}|${row.ts}`, row.state]))
  const lost = [...accepted].filter((key) => state.get(key) !== 'done')
  figures['events accepted'] = crm.filter((d) => d.status === 200).length
  figures['events dropped by the portal'] = crm.filter((d) => d.dropped === true).length
  figures['events missed while the app was down'] = crm.filter((d) => d.status === 0 && d.dropped !== true).length
  figures.lost = lost.length
  expect.soft(lost, 'answered 200 but not processed').toEqual([])
  const stats = sqliteRows<{ pending: number; parked: number }>(day.databasePath,
    "SELECT sum(state = 'pending') AS pending, sum(state = 'parked') AS parked FROM inbox WHERE member_id = ?", day.portal.memberId)[0]
  expect.soft({ pending: stats?.pending ?? 0, parked: stats?.parked ?? 0 }).toEqual({ pending: 0, parked: 0 })
}

/** Every lead and deal of the day is mirrored exactly as the portal holds it. */
export function checkMirror(day: Day, figures: Figures): void {
  const { portal } = day
  let equal = 0
  inspect(day.databasePath, deriveTokenKey(portal.clientSecret), (store) => {
    for (const [entity, ids, read] of [['lead', day.leads, portal.data.lead], ['deal', day.deals, portal.data.deal]] as const) {
      const kind = ENTITIES[entity]!
      for (const id of ids) {
        // What the app reads besides the record (a deal's newest stage-history row) is not in the record's own answer.
        const { [kind.extra?.field ?? '']: _extra, ...mirrored } = store.sync.mirror.get(portal.memberId, entity, id)?.snapshot ?? {}
        expect.soft(project(kind, mirrored), `${entity} ${id}`).toEqual(project(kind, read(id) ?? {}))
        equal += 1
      }
    }
  })
  figures['records mirrored equal to the portal'] = equal
}

interface ActionRow { id: number; key: string; kind: string; state: string; payload: string; last_error: string | null; digest_id: number | null }

/** Each fix written once, each notice shown once (alone or in one sent digest), each comment at most once; nothing unsent. */
export function checkEffects(day: Day, figures: Figures): void {
  const { portal, log } = day
  const all = sqliteRows<ActionRow>(day.databasePath, 'SELECT id, key, kind, state, payload, last_error, digest_id FROM actions WHERE member_id = ?', portal.memberId)
  const byId = new Map(all.map((a) => [a.id, a]))
  expect.soft(all.filter((a) => a.state === 'pending' || a.state === 'sending'), 'actions never sent').toEqual([])
  const twice = sqliteRows(day.databasePath,
    'SELECT rule_id, entity_id, variant, count(*) AS n FROM violations WHERE member_id = ? GROUP BY rule_id, entity, entity_id, variant HAVING n > 1', portal.memberId)
  expect.soft(twice, 'violations opened twice').toEqual([])
  let fixesTwice = 0
  let noticesResent = 0
  let commentsGivenUp = 0
  for (const action of all) {
    const payload = JSON.parse(action.payload) as Record<string, unknown>
    if (action.state === 'folded') {
      const digest = byId.get(action.digest_id ?? -1)
      expect.soft(digest?.state, action.key).toBe('done')
      const lines = (JSON.parse(digest?.payload ?? '{}') as { lines?: string[] }).lines ?? []
      expect.soft(lines.filter((line) => line === payload.line), action.key).toHaveLength(1)
    } else if (action.kind === 'notify') {
      expect.soft(action.state, action.key).toBe('done')
      expect.soft(portal.data.notifications.filter((n) => n.tag === `rules|${action.key}`), action.key).toHaveLength(1)
      const sends = log.calls.filter((c) => c.method === 'im.notify.system.add' && executed(c) && params(c).TAG === `rules|${action.key}`).length
      if (sends > 1) noticesResent += 1
    } else if (action.kind === 'comment') {
      const shown = portal.data.timelineComments.filter((c) => String(c.entityId) === payload.entityId && c.comment === payload.comment).length
      if (action.state === 'done') expect.soft(shown, action.key).toBe(1)
      else {
        commentsGivenUp += 1
        expect.soft(shown, `${action.key} (${action.state}: ${action.last_error})`).toBeLessThanOrEqual(1)
      }
    } else if (action.kind === 'fix') {
      expect.soft(action.state, action.key).toBe('done')
      const writes = log.calls.filter((c) => c.method === `crm.${String(payload.entity)}.update` && executed(c) && String(params(c).id) === payload.entityId)
      if (writes.length > 1) fixesTwice += 1
      const record = payload.entity === 'deal' ? portal.data.deal(String(payload.entityId)) : portal.data.lead(String(payload.entityId))
      expect.soft(record, action.key).toMatchObject(payload.fields as object)
    }
  }
  // What a person sees twice: two notifications of the app with the same text to the same person.
  const seen = new Map<string, number>()
  for (const n of portal.data.notifications) seen.set(`${n.userId}|${n.message}`, (seen.get(`${n.userId}|${n.message}`) ?? 0) + 1)
  figures.fixes = all.filter((a) => a.kind === 'fix').length
  figures['fixes written twice'] = fixesTwice
  figures.notices = all.filter((a) => a.kind === 'notify').length
  figures['duplicated notices'] = [...seen.values()].filter((count) => count > 1).length
  figures['notices re-sent after a lost answer (replaced by their TAG)'] = noticesResent
  figures['timeline comments'] = all.filter((a) => a.kind === 'comment' && a.state === 'done').length
  figures['comments given up (answer lost, at most once)'] = commentsGivenUp
  expect.soft(figures['duplicated notices'], 'notifications shown twice').toBe(0)
  expect.soft(fixesTwice, 'fixes written twice').toBe(0)
}

/** Each deadline step that came was taken once; each breach and escalation told once. */
export function checkClocks(day: Day, figures: Figures): void {
  const clocks = sqliteRows<{ entity_id: string; steps: string; stopped_at: string | null }>(day.databasePath,
    "SELECT entity_id, steps, stopped_at FROM clocks WHERE member_id = ? AND rule_id = 'DEAL-NEXT-STEP'", day.portal.memberId)
  const now = new Date().toISOString()
  let taken = 0
  let told = 0
  for (const clock of clocks) {
    const steps = JSON.parse(clock.steps) as Array<{ kind: string; level: number; at: string; doneAt: string | null; silent?: boolean }>
    // The deal's notices (alone, or a line of a digest): its breach to the responsible, its escalation to the supervisor.
    const title = `«${day.portal.data.deal(clock.entity_id)?.TITLE as string}»`
    const about = day.portal.data.notifications.filter((n) => n.message.includes(title))
    // An escalation is told alone («Эскалация: …») or as a line of the escalations' digest («сводка эскалаций»).
    const escalation = (message: string) => /эскалац/i.test(message)
    const count = { escalation: about.filter((n) => escalation(n.message)).length, breach: about.filter((n) => !escalation(n.message)).length }
    for (const step of steps) {
      const name = `deal ${clock.entity_id} ${step.kind} ${step.level}`
      if (clock.stopped_at === null && step.at <= now) expect.soft(step.doneAt, name).not.toBeNull()
      if (step.doneAt === null) continue
      taken += 1
      if (step.silent === true || (step.kind !== 'breach' && step.kind !== 'escalation')) continue
      expect.soft(count[step.kind], `${name}: told`).toBe(1)
      told += 1
    }
    expect.soft(count.breach + count.escalation, `deal ${clock.entity_id}: notices`).toBeLessThanOrEqual(2)
  }
  figures['deadline clocks'] = clocks.length
  figures['deadline steps taken'] = taken
  figures['deadline steps told (once each)'] = told
}

/** Each head's report of each period on the Disk and told once. */
export function checkReports(day: Day, figures: Figures): void {
  const { portal } = day
  const heads = inspect(day.databasePath, deriveTokenKey(portal.clientSecret), (store) => headedDepartments(store.sync.directory.load(portal.memberId)))
  const rows = sqliteRows<{ kind: string; period_from: string; supervisor_id: string; state: string; file_id: string | null; file_name: string | null; notified_at: string | null }>(
    day.databasePath, 'SELECT kind, period_from, supervisor_id, state, file_id, file_name, notified_at FROM report_deliveries WHERE member_id = ?', portal.memberId)
  expect.soft(rows).toHaveLength(heads.length * 2)
  let copies = 0
  for (const row of rows) {
    expect.soft(row, `${row.kind} ${row.supervisor_id}`).toMatchObject({ state: 'uploaded', notified_at: expect.any(String) })
    expect.soft(portal.data.files.some((file) => String(file.id) === row.file_id)).toBe(true)
    const tag = `RULES_REPORT|${portal.memberId}|${row.kind}|${row.period_from}|${row.supervisor_id}`
    expect.soft(portal.data.notifications.filter((n) => n.tag === tag), tag).toHaveLength(1)
    const base = (row.file_name ?? '').replace(/\.xlsx$/, '')
    copies += portal.data.files.filter((file) => file.name !== row.file_name && file.name.startsWith(`${base} (`)).length
  }
  figures['weekly and monthly reports delivered'] = rows.length
  figures['report files uploaded twice'] = copies
}
