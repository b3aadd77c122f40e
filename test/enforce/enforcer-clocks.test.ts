// The clock engine on an injected clock (no sleeps): steps at their instants, the rule asked again first, pauses,
// a restart that missed due points, settings that change, quiet time, the install's audit and the outcomes kept.
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import type { RuleSettings } from '../../rules/catalogue.js'
import type { Entity, Snapshot } from '../../rules/types.js'
import { loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { ClockEngine } from '../../src/enforce/clock-engine.js'
import { Enforcer } from '../../src/enforce/enforcer.js'
import { portalCalendars } from '../../src/settings/portal-calendars.js'
import { fixedSettings } from '../../src/settings/portal-settings.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'
import { itOnSqlite, openTestStore, syncOf, type TestStore } from '../helpers/test-store.js'

const MEMBER = 'a223c6b3710f85df22e9377d6c4f7553'
const logger = pino({ level: 'silent' })
const production = loadProductionCalendars()
// Only the deadline rules under test; the others stay quiet.
const QUIET = { 'LEAD-TITLE': { mode: 'off' }, 'LEAD-FIELDS': { mode: 'off' }, 'LEAD-COMPANY-NAME': { mode: 'off' }, 'CLIENT-DUPLICATE': { mode: 'off' } }
const DISPATCH = { officeManagers: { users: ['3'], departments: [] }, escalate: ['PT0S', 'PT30M'] }

/** A portal with its store, its rules and its clocks, all on one clock the test moves. */
class World {
  t: number
  store!: TestStore
  readonly refreshed: string[][] = []
  /** What the portal holds now; the engine's re-read brings it into the mirror. */
  readonly portal = new Map<string, Snapshot>()
  enforcer!: Enforcer
  engine!: ClockEngine
  readonly now = () => new Date(this.t)

  private constructor(start: string) {
    this.t = Date.parse(start)
  }

  /** A world at `start` with one installed portal and its directory, its engine running `rules`. */
  static async open(start: string, rules: Record<string, unknown> = {}): Promise<World> {
    const world = new World(start)
    world.store = await openTestStore(world.now)
    await world.store.portals.install({
      memberId: MEMBER, domain: 'acme.bitrix24.ru', clientEndpoint: 'https://acme.bitrix24.ru/rest/', serverEndpoint: 'https://oauth.bitrix.info/rest/',
      accessToken: 'a', refreshToken: 'r', expiresAt: 1_900_000_000, applicationToken: 't', scope: 'crm', adminUserId: 1, appStatus: 'L',
      licenseFamily: 'project', language: 'ru',
    })
    await world.store.directory.replace(MEMBER, [
      { id: '2', name: 'Елена Директорова', active: true, departments: ['1'] },
      { id: '3', name: 'Ольга Секретарёва', active: true, departments: ['2'] },
      { id: '4', name: 'Дмитрий Соколов', active: true, departments: ['2'] },
      { id: '5', name: 'Анна Морозова', active: true, departments: ['2'] },
    ], [{ id: '1', name: 'Компания', parentId: null, headId: '2' }, { id: '2', name: 'Отдел продаж', parentId: '1', headId: '4' }])
    world.restart(rules)
    return world
  }

  /** A new enforcer and engine over the same store, as after a restart (with new settings, if given). */
  restart(rules: Record<string, unknown>, calendar: Record<string, unknown> = {}): void {
    const settings: RuleSettings = resolveRuleSettings({ calendar, rules: { ...QUIET, ...rules } })
    const calendarFor = portalCalendars(settings, production, 'RULES_FILE')
    this.enforcer = new Enforcer({ store: this.store, settings: fixedSettings(settings, calendarFor), logger, now: this.now })
    const worker = {
      refresh: async (memberId: string, records: ReadonlyArray<{ entity: Entity; entityId: string }>) => {
        this.refreshed.push(records.map((record) => `${record.entity}:${record.entityId}`))
        for (const record of records) {
          const current = this.portal.get(`${record.entity}:${record.entityId}`)
          const before = (await this.store.mirror.get(memberId, record.entity, record.entityId))?.snapshot
          if (current && JSON.stringify(current) !== JSON.stringify(before)) await this.change(record.entity, record.entityId, current, ['CLOCK'])
        }
      },
    }
    this.engine = new ClockEngine({ store: this.store, enforcer: this.enforcer, worker, now: this.now })
  }

  /** A record changes on the portal and its event comes in (as the worker hands it on: decided, then stored with its plans). */
  async change(entity: Entity, id: string, current: Snapshot, events = ['ONCRM']): Promise<void> {
    this.portal.set(`${entity}:${id}`, current)
    const previous = (await this.store.mirror.get(MEMBER, entity, id))?.snapshot
    const plans = await this.enforcer.onChange({ memberId: MEMBER, entity, entityId: id, events, previous, current, diff: {} })
    await this.store.applyChanges([{ mirror: { memberId: MEMBER, record: { entity, entityId: id, snapshot: current, deleted: false, modifiedAt: null } }, eventIds: [], plans }])
  }

  /** Moves the clock to `at` and lets the engine take what fell due. */
  async at(at: string): Promise<void> {
    this.t = Date.parse(at)
    await this.engine.runDue()
  }

  /** Every notice planned so far, as "userId: first line". */
  async notices(): Promise<string[]> {
    const actions = [...await this.store.actions.inState(MEMBER, 'pending'), ...await this.store.actions.inState(MEMBER, 'folded')]
    return actions.filter((action) => action.kind === 'notify').map((action) => `${action.payload.userId}: ${String(action.payload.message).split('\n')[0]}`)
  }
}

const lead = (fields: Snapshot = {}): Snapshot => ({
  ID: '45', TITLE: 'Вектор: 20 ноутбуков', STATUS_ID: 'NEW', STATUS_SEMANTIC_ID: 'P', ASSIGNED_BY_ID: '3',
  DATE_CREATE: '2026-12-07T09:00:00+03:00', ...fields,
})

let world: World
afterEach(() => world?.store.close())

describe('the clock engine', () => {
  it('warns at the warning point and tells the supervisor at the breach, each at its instant, after re-reading the record', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': DISPATCH })
    await world.change('lead', '45', lead())
    expect((await world.store.clocks.nextAt())?.toISOString()).toBe('2026-12-07T06:08:00.000Z')
    await world.at('2026-12-07T09:07:59+03:00')
    expect(await world.notices()).toEqual([])
    await world.at('2026-12-07T09:08:00+03:00')
    expect(await world.notices()).toEqual(['3: [B]Подходит срок: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)'])
    await world.at('2026-12-07T09:10:00+03:00')
    expect((await world.notices()).slice(1)).toEqual(['4: [B]Эскалация: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)'])
    await world.at('2026-12-07T09:40:00+03:00')
    expect((await world.notices()).slice(2)).toEqual(['2: [B]Эскалация: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)'])
    // Each due point re-read the record once.
    expect(world.refreshed).toEqual([['lead:45'], ['lead:45'], ['lead:45']])
    const escalation = (await world.store.actions.inState(MEMBER, 'pending')).find((action) => action.payload.userId === '4')
    expect(String(escalation?.payload.message)).toContain('Лид ждёт распределения 10 мин рабочего времени (норма — 10 мин).')
    // Working time: at 09:40 the first step is long past, nothing more waits.
    expect(await world.store.clocks.nextAt()).toBeUndefined()
  })

  it('asks the rule again first: a lead dispatched while its event was lost warns nobody, and its clock ends met', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': DISPATCH })
    await world.change('lead', '45', lead())
    world.portal.set('lead:45', lead({ STATUS_ID: 'IN_PROCESS', ASSIGNED_BY_ID: '5' }))
    await world.at('2026-12-07T09:08:00+03:00')
    expect(await world.notices()).toEqual([])
    const [clock] = await world.store.clocks.all(MEMBER)
    expect(clock).toMatchObject({ outcome: 'met', elapsedMs: 8 * 60_000, breachedAt: null, told: [] })
  })

  it('clocks due together are re-read together, one re-read per portal and due point', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': DISPATCH })
    for (const id of ['45', '46', '47']) await world.change('lead', id, lead({ ID: id, ASSIGNED_BY_ID: '5' }))
    await world.at('2026-12-07T09:08:00+03:00')
    expect(world.refreshed).toEqual([['lead:45', 'lead:46', 'lead:47']])
    expect(await world.notices()).toHaveLength(3)
  })

  it('a round telling one person more than the budget lets through: five warnings and a digest of the rest, in one store call', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': DISPATCH })
    const ids = ['45', '46', '47', '48', '49', '50', '51', '52']
    for (const id of ids) await world.change('lead', id, lead({ ID: id, ASSIGNED_BY_ID: '5' }))
    const storeCalls: number[] = []
    const applyEach = world.store.applyEach.bind(world.store)
    world.store.applyEach = (plans) => {
      storeCalls.push(plans.length)
      return applyEach(plans)
    }
    await world.at('2026-12-07T09:08:00+03:00')
    const warning = '3: [B]Подходит срок: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)'
    // The default budget (five in ten minutes): five on their own, the other three in one digest.
    expect(await world.notices()).toEqual([...Array(5).fill(warning), '3: [B]Правила компании: сводка предупреждений о сроках[/B]', ...Array(3).fill(warning)])
    const digest = (await world.store.actions.inState(MEMBER, 'pending')).find((action) => action.payload.digest === true)
    const leadsIn = (lines: unknown) => (lines as string[]).map((line) => /\/lead\/details\/(\d+)\//.exec(line)?.[1])
    expect(leadsIn(digest?.payload.lines)).toEqual(['50', '51', '52'])
    expect((await world.store.actions.inState(MEMBER, 'folded')).map((action) => action.payload.line).every((line) => String(line).startsWith('• LEAD-DISPATCH-SLA'))).toBe(true)
    expect(storeCalls).toEqual([8])
  })

  itOnSqlite('the unreadable clocks are stood in for in SQLite\'s synchronous repository')('a record that cannot be decided holds up nobody else, and stays due to be tried again', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': DISPATCH })
    for (const id of ['45', '46']) await world.change('lead', id, lead({ ID: id, ASSIGNED_BY_ID: '5' }))
    // Lead 45's clocks cannot be read, whether alone or with the round's other records.
    const clocks = syncOf(world.store).clocks
    const runningFor = clocks.runningFor.bind(clocks)
    const runningForMany = clocks.runningForMany.bind(clocks)
    clocks.runningFor = (memberId, entity, entityId) => {
      if (entityId === '45') throw new Error('disk I/O error')
      return runningFor(memberId, entity, entityId)
    }
    clocks.runningForMany = (memberId, entity, entityIds) => {
      if (entityIds.includes('45')) throw new Error('disk I/O error')
      return runningForMany(memberId, entity, entityIds)
    }
    await world.at('2026-12-07T09:08:00+03:00')
    expect(await world.notices()).toEqual(['3: [B]Подходит срок: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)'])
    expect((await world.store.clocks.all(MEMBER)).map((clock) => [clock.entityId, clock.nextAt])).toEqual([['45', '2026-12-07T06:08:00.000Z'], ['46', '2026-12-07T06:10:00.000Z']])
    clocks.runningFor = runningFor
    clocks.runningForMany = runningForMany
    await world.at('2026-12-07T09:08:30+03:00')
    expect(await world.notices()).toHaveLength(2)
  })

  it('counts working time only: a lead at 17:55 on Friday warns on Monday at 09:03', async () => {
    world = await World.open('2026-12-04T17:55:00+03:00', { 'LEAD-DISPATCH-SLA': DISPATCH })
    await world.change('lead', '45', lead({ DATE_CREATE: '2026-12-04T17:55:00+03:00' }))
    expect((await world.store.clocks.nextAt())?.toISOString()).toBe('2026-12-07T06:03:00.000Z')
  })

  it('pauses and resumes: a deal held in a waiting stage keeps its clock, which moves on by the pause', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'DEAL-NEXT-STEP': { pausedStages: ['ON_HOLD'] } })
    const deal = (fields: Snapshot = {}): Snapshot => ({ ID: '12', TITLE: 'Серверы', STAGE_ID: 'NEW', STAGE_SEMANTIC_ID: 'P', CLOSED: 'N', ASSIGNED_BY_ID: '5', DATE_CREATE: '2026-12-07T09:00:00+03:00', ...fields })
    await world.change('deal', '12', deal())
    await world.at('2026-12-07T09:30:00+03:00')
    await world.change('deal', '12', deal({ STAGE_ID: 'ON_HOLD' }))
    await world.at('2026-12-07T12:00:00+03:00')
    expect(await world.notices()).toEqual([])
    await world.change('deal', '12', deal({ STAGE_ID: 'NEW' }))
    const [clock] = await world.store.clocks.all(MEMBER)
    // Half an hour of the hour was left: due at 12:30.
    expect(clock).toMatchObject({ dueAt: '2026-12-07T09:30:00.000Z', pausedMs: 2.5 * 3_600_000, pauses: [{ from: '2026-12-07T06:30:00.000Z', to: '2026-12-07T09:00:00.000Z' }] })
    await world.at('2026-12-07T12:29:59+03:00')
    expect(await world.notices()).toEqual([])
    await world.at('2026-12-07T12:30:00+03:00')
    expect(await world.notices()).toEqual(['5: [B]Правило компании: У сделки есть следующий шаг[/B] (DEAL-NEXT-STEP)'])
  })

  it('after a restart that missed three due points, takes each step once: the late warning is only recorded', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': DISPATCH })
    await world.change('lead', '45', lead())
    // Down from 09:05 to 10:00: the warning (09:08), the breach and the supervisor (09:10), the next level (09:40) were missed.
    world.restart({ 'LEAD-DISPATCH-SLA': DISPATCH })
    await world.at('2026-12-07T10:00:00+03:00')
    expect(await world.notices()).toEqual([
      '4: [B]Эскалация: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)',
      '2: [B]Эскалация: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)',
    ])
    const [clock] = await world.store.clocks.all(MEMBER)
    expect(clock?.steps.map((step) => [step.kind, step.silent ?? false])).toEqual([['warning', true], ['breach', false], ['escalation', false], ['escalation', false]])
    expect(clock?.told.map((told) => told.userId)).toEqual(['4', '2'])
    // Another restart, another run: nothing twice.
    world.restart({ 'LEAD-DISPATCH-SLA': DISPATCH })
    await world.at('2026-12-07T10:05:00+03:00')
    await world.change('lead', '45', lead({ TITLE: 'Вектор: 25 ноутбуков' }))
    expect(await world.notices()).toHaveLength(2)
    expect(await world.store.violations.all(MEMBER)).toHaveLength(1)
  })

  it('a rule changed in the settings applies to new clocks only', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': { ...DISPATCH, warnAt: [] } })
    await world.change('lead', '45', lead())
    world.restart({ 'LEAD-DISPATCH-SLA': { ...DISPATCH, warnAt: [], within: 'PT20M' } })
    await world.change('lead', '46', lead({ ID: '46', ASSIGNED_BY_ID: '5' }))
    const due = async () => (await world.store.clocks.all(MEMBER)).map((clock) => [clock.entityId, clock.dueAt])
    expect(await due()).toEqual([['45', '2026-12-07T06:10:00.000Z'], ['46', '2026-12-07T06:20:00.000Z']])
    await world.at('2026-12-07T09:10:00+03:00')
    expect((await world.store.violations.all(MEMBER)).map((violation) => violation.entityId)).toEqual(['45'])
  })

  it('keeps the outcome: met or late, the elapsed working time, who was told when, from the event on', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': DISPATCH })
    await world.change('lead', '45', lead())
    await world.change('lead', '46', lead({ ID: '46' }))
    await world.at('2026-12-07T09:08:00+03:00')
    await world.change('lead', '45', lead({ STATUS_ID: 'IN_PROCESS' }))
    await world.at('2026-12-07T09:12:00+03:00')
    await world.change('lead', '46', lead({ ID: '46', STATUS_ID: 'IN_PROCESS' }))
    const [met, late] = await world.store.clocks.all(MEMBER)
    expect(met).toMatchObject({ outcome: 'met', elapsedMs: 8 * 60_000, eventAt: '2026-12-07T06:00:00.000Z', told: [{ step: 0, userId: '3', at: '2026-12-07T06:08:00.000Z' }] })
    expect(late).toMatchObject({ outcome: 'late', elapsedMs: 12 * 60_000, breachedAt: '2026-12-07T06:10:00.000Z' })
    expect(late?.told.map((told) => `${told.userId}@${told.at}`)).toEqual(['3@2026-12-07T06:08:00.000Z', '4@2026-12-07T06:12:00.000Z'])
    expect(await world.store.violations.get(late!.violationId!)).toMatchObject({ resolution: 'complies' })
  })
})

describe('an upgrade from the escalator', () => {
  it('a LEAD-TITLE violation opened before clocks existed is kept by its clock, not opened or told again', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-TITLE': { mode: 'notify', escalateAfter: 'PT1H' }, 'LEAD-DISPATCH-SLA': { mode: 'off' } })
    const text = { ru: 'x', en: 'x' }
    const old = await world.store.violations.open(MEMBER, { ruleId: 'LEAD-TITLE', ruleVersion: 1, entity: 'lead', entityId: '45', variant: '', responsibleId: '5', message: { problem: text, todo: text } })
    await world.change('lead', '45', lead({ TITLE: 'Новый лид', ASSIGNED_BY_ID: '5' }))
    expect(await world.notices()).toEqual([])
    expect(await world.store.clocks.all(MEMBER)).toMatchObject([{ violationId: old, nextAt: '2026-12-07T07:00:00.000Z' }])
    await world.at('2026-12-07T10:00:00+03:00')
    expect(await world.notices()).toEqual(['4: [B]Эскалация: Название лида раскрывает суть обращения[/B] (LEAD-TITLE)'])
    expect(await world.store.violations.all(MEMBER)).toHaveLength(1)
  })
})

describe('a new responsible', () => {
  it('starts the contact time again: the first clock ends restarted, the new one runs from the reassignment', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-CONTACT-SLA': {} })
    const assigned = lead({ STATUS_ID: 'IN_PROCESS', ASSIGNED_BY_ID: '5', MOVED_TIME: '2026-12-07T09:00:00+03:00' })
    await world.change('lead', '45', assigned)
    await world.at('2026-12-07T09:12:00+03:00')
    expect(await world.notices()).toEqual(['5: [B]Подходит срок: С клиентом по лиду связались вовремя[/B] (LEAD-CONTACT-SLA)'])
    await world.change('lead', '45', { ...assigned, ASSIGNED_BY_ID: '3' })
    const [first, second] = await world.store.clocks.all(MEMBER)
    expect(first).toMatchObject({ variant: 'to:5', outcome: 'restarted', elapsedMs: 12 * 60_000 })
    expect(second).toMatchObject({ variant: 'to:3', startedAt: '2026-12-07T06:12:00.000Z', dueAt: '2026-12-07T06:27:00.000Z', outcome: null })
  })
})

describe('an office manager holding several undispatched leads', () => {
  it('is told on the second lead, once, and the count comes from the mirror', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': DISPATCH })
    await world.change('lead', '45', lead())
    expect(await world.notices()).toEqual([])
    await world.change('lead', '46', lead({ ID: '46' }))
    await world.change('lead', '46', lead({ ID: '46', TITLE: 'Вектор: 25 ноутбуков' }))
    expect(await world.notices()).toEqual(['3: [B]Правило компании: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)'])
    const message = (await world.store.actions.inState(MEMBER, 'pending')).find((action) => action.kind === 'notify')?.payload.message
    expect(String(message)).toContain('У офис-менеджера одновременно 2 нераспределённых лида (допускается один).')
  })
})

describe('quiet time', () => {
  it('an ordinary notice after hours waits for the next working morning; a deadline does not', async () => {
    world = await World.open('2026-12-07T20:00:00+03:00', { 'LEAD-TITLE': { mode: 'notify' } })
    await world.change('lead', '45', lead({ TITLE: 'Новый лид', ASSIGNED_BY_ID: '5', DATE_CREATE: '2026-12-07T20:00:00+03:00' }))
    expect(await world.notices()).toEqual(['5: [B]Правило компании: Название лида раскрывает суть обращения[/B] (LEAD-TITLE)'])
    // The timeline comment disturbs nobody and goes at once; the message waits.
    const sent = async () => (await world.store.actions.claim(MEMBER, 10)).map((action) => `${action.kind} ${action.payload.userId ?? ''}`.trim())
    expect(await sent()).toEqual(['comment'])
    world.t = Date.parse('2026-12-08T08:59:59+03:00')
    expect(await sent()).toEqual([])
    world.t = Date.parse('2026-12-08T09:00:00+03:00')
    expect(await sent()).toEqual(['notify 5'])
  })

  it('a warning or an escalation goes out at once, at any hour', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00', { 'LEAD-DISPATCH-SLA': { ...DISPATCH, time: '24/7' } })
    world.t = Date.parse('2026-12-07T22:00:00+03:00')
    await world.change('lead', '45', lead({ DATE_CREATE: '2026-12-07T22:00:00+03:00' }))
    await world.at('2026-12-07T22:08:00+03:00')
    expect((await world.store.actions.claim(MEMBER, 10)).map((action) => action.payload.userId)).toEqual(['3'])
  })
})

describe('the first-install audit', () => {
  const oldDeal = { ID: '12', TITLE: 'Серверы', STAGE_ID: 'NEW', STAGE_SEMANTIC_ID: 'P', CLOSED: 'N', ASSIGNED_BY_ID: '5', DATE_CREATE: '2026-11-20T10:00:00+03:00' }

  it('starts clocks of open records at their true start; what is already breached is recorded, nobody told', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00')
    await world.change('deal', '12', oldDeal, ['AUDIT'])
    const [clock] = await world.store.clocks.all(MEMBER)
    expect(clock).toMatchObject({ audit: true, startedAt: '2026-11-20T07:00:00.000Z', breachedAt: '2026-11-20T08:00:00.000Z', nextAt: null })
    expect(clock?.steps.every((step) => step.silent)).toBe(true)
    expect(await world.store.violations.all(MEMBER)).toMatchObject([{ ruleId: 'DEAL-NEXT-STEP', resolvedAt: null }])
    expect(await world.notices()).toEqual([])
    expect(await world.store.actions.inState(MEMBER, 'pending')).toEqual([])
  })

  it('the same deal found by a later sweep (its event lost) is told', async () => {
    world = await World.open('2026-12-07T09:00:00+03:00')
    await world.change('deal', '12', oldDeal, ['SWEEP'])
    expect(await world.notices()).toEqual([
      '5: [B]Правило компании: У сделки есть следующий шаг[/B] (DEAL-NEXT-STEP)',
      '4: [B]Эскалация: У сделки есть следующий шаг[/B] (DEAL-NEXT-STEP)',
    ])
  })
})
