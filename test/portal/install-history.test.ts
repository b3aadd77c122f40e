// The install's audit reaches into history: the first sweep mirrors what changed in `reports.history`, closed records
// too, so a report on the month before the install is right on the day of install — and nobody hears of old records.
import { afterEach, describe, expect, it } from 'vitest'
import { resolvedCalendarSettings } from '../../rules/calendar/portal-calendar.js'
import { prepareReport } from '../../src/reports/report.js'
import { addDays, localDateOf } from '../../src/shared/zoned-days.js'
import type { FakeCall } from '../fake-portal/index.js'
import { settle, startHarness, testSettings, type Harness } from '../helpers/harness.js'

const DAY = 24 * 3_600_000
const ANNA = 5
// More junk leads than one 50-row page holds, so the history listing pages.
const JUNK = 55
// What would tell someone or change a record in the portal.
const SENDS = /^(im\.|crm\.timeline\.comment\.add$|task\.commentitem\.add$|tasks\.task\.chat\.|crm\.(lead|deal|contact|company)\.update$|tasks\.task\.update$)/

let h: Harness
afterEach(async () => h?.close())

interface Ids { openLead: string; openDeal: string; openTask: string; lead: string; deal: string; task: string; oldLead: string; oldDeal: string; oldTask: string; junk: string[] }

/**
 * A portal with a past, on a clock the test moves: records closed 120 days before the install, records created 40 and
 * closed 30 days before it, and records still open; then the install (with `rules` as RULES_FILE) and its first sweep.
 */
async function installOnPortalWithPast(rules: Record<string, unknown>): Promise<{ ids: Ids; installedAt: number }> {
  let offset = -121 * DAY
  const now = () => Date.now() + offset
  h = await startHarness({ portal: { now }, app: { now: () => new Date(now()), rules } })
  const data = h.portal.data
  const by = { byUserId: ANNA }
  const oldLead = data.addLead({ TITLE: 'Старый лид', ASSIGNED_BY_ID: ANNA }, by)
  const oldDeal = data.addDeal({ TITLE: 'Старая сделка', ASSIGNED_BY_ID: ANNA, OPPORTUNITY: 10, CURRENCY_ID: 'RUB' }, by)
  const oldTask = data.addTask({ TITLE: 'Старая задача', RESPONSIBLE_ID: ANNA }, by)
  offset = -120 * DAY
  data.updateLead(oldLead, { STATUS_ID: 'CONVERTED' }, by)
  data.updateDeal(oldDeal, { STAGE_ID: 'WON' }, by)
  data.updateTask(oldTask, { STATUS: 5 }, by)
  offset = -40 * DAY
  // Converted with empty fields: LEAD-FIELDS (on every lead here) finds it, and must tell nobody about history.
  const lead = data.addLead({ TITLE: 'Вектор: ноутбуки', ASSIGNED_BY_ID: ANNA }, by)
  const deal = data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA, OPPORTUNITY: 1000, CURRENCY_ID: 'RUB' }, by)
  const task = data.addTask({ TITLE: 'РЗ Подготовить КП', RESPONSIBLE_ID: ANNA, DEADLINE: new Date(now() + 5 * DAY).toISOString() }, by)
  const junk = Array.from({ length: JUNK }, (_, i) => data.addLead({ TITLE: `Спам ${i}`, ASSIGNED_BY_ID: ANNA }, by))
  offset = -30 * DAY
  data.updateLead(lead, { STATUS_ID: 'CONVERTED' }, by)
  data.updateDeal(deal, { STAGE_ID: 'WON' }, by)
  data.updateTask(task, { STATUS: 5 }, by)
  for (const id of junk) data.updateLead(id, { STATUS_ID: 'JUNK' }, by)
  offset = -3_600_000
  const openLead = data.addLead({ TITLE: 'Ромашка: стулья', ASSIGNED_BY_ID: ANNA }, by)
  const openDeal = data.addDeal({ TITLE: 'Ромашка: столы', ASSIGNED_BY_ID: ANNA }, by)
  const openTask = data.addTask({ TITLE: 'РЗ Позвонить', RESPONSIBLE_ID: ANNA }, by)
  offset = 0
  const installedAt = now()
  await h.portal.installApp({ installUrl: `${h.url}/install` })
  await settle(h)
  return { ids: { openLead, openDeal, openTask, lead, deal, task, oldLead, oldDeal, oldTask, junk }, installedAt }
}

// A filter instant in the portal's form (to the second, with its offset) within seconds of `at` (the sweep ran a moment after).
function reachesBack(value: unknown, at: number): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/.test(value)) return false
  const ms = Date.parse(value)
  return ms >= at - 1000 && ms <= at + 30_000
}

const mirrored = (entity: string, id: string) => h.store.mirror.get(h.portal.memberId, entity, id)
const listCalls = (method: string) => h.portal.calls.filter((call) => call.method === method)
const filterOf = (call: FakeCall) => (call.params as { filter?: Record<string, unknown> }).filter ?? {}

describe('the first sweep after install mirrors the recent history', () => {
  it('takes open records and those closed within 90 days, not older ones; tells nobody; the month before reports right', { timeout: 60_000 }, async () => {
    const { ids, installedAt } = await installOnPortalWithPast(testSettings({ rules: { 'LEAD-FIELDS': { since: 'all' } } }))
    const memberId = h.portal.memberId

    for (const [entity, id] of [['lead', ids.openLead], ['deal', ids.openDeal], ['task', ids.openTask], ['lead', ids.lead], ['deal', ids.deal], ['task', ids.task]] as const) {
      expect(await mirrored(entity, id), `${entity} ${id}`).toMatchObject({ deleted: false })
    }
    expect((await mirrored('lead', ids.lead))?.snapshot).toMatchObject({ STATUS_SEMANTIC_ID: 'S' })
    expect((await mirrored('deal', ids.deal))?.snapshot).toMatchObject({ STAGE_SEMANTIC_ID: 'S', CLOSED: 'Y' })
    expect((await mirrored('task', ids.task))?.snapshot).toMatchObject({ status: '5' })
    for (const id of ids.junk) expect((await mirrored('lead', id))?.snapshot.STATUS_SEMANTIC_ID).toBe('F')
    expect(await mirrored('lead', ids.oldLead)).toBeUndefined()
    expect(await mirrored('deal', ids.oldDeal)).toBeUndefined()
    expect(await mirrored('task', ids.oldTask)).toBeUndefined()

    // Each kind with an open filter is listed twice (open; changed since install − 90 days), the history in 50-row pages.
    const history = (key: string) => (filter: Record<string, unknown>) => reachesBack(filter[key], installedAt - 90 * DAY)
    const leadLists = listCalls('crm.lead.list').map(filterOf)
    expect(leadLists.filter((filter) => filter.STATUS_SEMANTIC_ID === 'P')).toHaveLength(1)
    expect(leadLists.filter(history('>=DATE_MODIFY'))).toHaveLength(2)
    expect(listCalls('crm.deal.list').map(filterOf).some(history('>=DATE_MODIFY'))).toBe(true)
    expect(listCalls('crm.activity.list').map(filterOf).some(history('>=LAST_UPDATED'))).toBe(true)
    expect(listCalls('tasks.task.list').map(filterOf).some(history('>=CHANGED_DATE'))).toBe(true)
    expect(listCalls('crm.contact.list')).toHaveLength(1)

    // The history is the install's audit: recorded, nobody told, no clock left running on a closed record.
    expect(h.portal.calls.filter((call) => SENDS.test(call.method))).toEqual([])
    expect(await h.store.actions.inState(memberId, 'pending')).toEqual([])
    const fields = await h.store.violations.openFor(memberId, 'lead', ids.lead)
    expect(fields.map((violation) => violation.ruleId)).toEqual(['LEAD-FIELDS'])
    for (const [entity, id] of [['lead', ids.lead], ['deal', ids.deal], ['task', ids.task]] as const) {
      expect(await h.store.clocks.runningFor(memberId, entity, id)).toEqual([])
    }
    // The open lead, changed within the window too, is listed by both and taken once.
    expect(await h.store.sweeps.get(memberId, 'lead')).toMatchObject({ listed: JUNK + 2, found: JUNK + 2, error: null })

    // A report on the month the history happened in counts the converted lead and the won deal.
    const portal = (await h.store.portals.get(memberId))!
    const { timeZone } = resolvedCalendarSettings((await h.app.portalSettings.of(memberId)).calendar, portal.language)
    const month = localDateOf(installedAt - 40 * DAY, timeZone)
    const from = { year: month.year, month: month.month, day: 1 }
    const next = addDays(from, 31)
    const period = { from, to: { year: next.year, month: next.month, day: 1 } }
    const scope = { departmentId: null, name: 'все', people: 'all' as const }
    const { data } = await prepareReport({ store: h.store, settings: h.app.portalSettings, directory: await h.store.directory.load(memberId) }, portal, scope, period)
    expect(data.total.leads).toMatchObject({ created: JUNK + 1, converted: 1, junk: JUNK })
    expect(data.total.deals).toMatchObject({ created: 1, won: 1 })
    expect(data.leads.find((row) => row.id === ids.lead)).toMatchObject({ outcome: 'converted' })
    expect(data.deals.find((row) => row.id === ids.deal)).toMatchObject({ outcome: 'won', amount: 1000 })
    expect(data.tasks.map((row) => row.id)).toContain(ids.task)

    // The next sweep takes only what changed since the newest change seen: no history again.
    h.portal.clearCalls()
    const report = await h.app.sweeper.sweep(memberId)
    await settle(h)
    expect(report.filter((state) => state.error !== null || state.found > 0)).toEqual([])
    const again = listCalls('crm.lead.list').map(filterOf)
    expect(again.length).toBeGreaterThan(0)
    for (const filter of again) {
      expect(Date.parse(String(filter['>=DATE_MODIFY']))).toBeGreaterThan(installedAt - 2 * DAY)
      expect(filter.STATUS_SEMANTIC_ID).toBeUndefined()
    }
  })

  it('an audit cut short is done again whole by the next sweep', { timeout: 60_000 }, async () => {
    let offset = -30 * DAY
    const now = () => Date.now() + offset
    h = await startHarness({ portal: { now }, app: { now: () => new Date(now()), rules: testSettings() } })
    const closed = Array.from({ length: 60 }, (_, i) => h.portal.data.addLead({ TITLE: `Спам ${i}`, STATUS_ID: 'JUNK' }))
    offset = 0
    h.portal.data.addLead({ TITLE: 'Ромашка: стулья' })
    // The open listing goes through, the history's second page fails: nothing may mark the audit done.
    h.portal.faults.fail({ method: 'crm.lead.list', status: 400, error: 'INVALID_ARG_VALUE', skip: 2 })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await settle(h)
    expect(await h.store.sweeps.get(h.portal.memberId, 'lead')).toMatchObject({ cursor: null, error: expect.stringContaining('INVALID_ARG_VALUE') })
    await h.app.sweeper.sweep(h.portal.memberId)
    await settle(h)
    for (const id of closed) expect((await mirrored('lead', id))?.snapshot.STATUS_SEMANTIC_ID).toBe('F')
    expect(await h.store.sweeps.get(h.portal.memberId, 'lead')).toMatchObject({ error: null })
  })

  it.each([
    ['P7D', false],
    ['PT0S', false],
    ['P35D', true],
  ])('reports.history %s: the records closed 30 days before the install are mirrored: %s', { timeout: 60_000 }, async (history, taken) => {
    const { ids } = await installOnPortalWithPast(testSettings({ reports: { history } }))
    expect(await mirrored('lead', ids.openLead)).toBeDefined()
    expect(await mirrored('task', ids.openTask)).toBeDefined()
    expect((await mirrored('lead', ids.lead)) !== undefined).toBe(taken)
    expect((await mirrored('deal', ids.deal)) !== undefined).toBe(taken)
    expect((await mirrored('task', ids.task)) !== undefined).toBe(taken)
    expect(await mirrored('lead', ids.oldLead)).toBeUndefined()
    // Open records only: one listing per kind.
    if (history === 'PT0S') expect(listCalls('crm.lead.list').map(filterOf).every((filter) => filter.STATUS_SEMANTIC_ID === 'P')).toBe(true)
  })
})
