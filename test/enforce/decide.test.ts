// decide() and fold() as tables, without a database: a record's input in, the plan's steps out.
import { describe, expect, it } from 'vitest'
import { ROUND_THE_CLOCK } from '../../rules/calendar/business-calendar.js'
import type { Snapshot } from '../../rules/types.js'
import { decide, stepsOf } from '../../src/enforce/decide.js'
import { fold, foldEach } from '../../src/enforce/digest.js'
import type { Budget } from '../../src/store/plan.js'
import type { DecisionInput } from '../../src/enforce/load.js'
import { actionKey, keyText, type Plan } from '../../src/store/plan.js'
import { ruleSettingsFor } from '../../src/enforce/settings.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'
import type { Clock } from '../../src/store/clocks.js'
import type { Violation } from '../../src/store/violations.js'

const MEMBER = 'm1'
const QUIET = { 'LEAD-TITLE': { mode: 'off' }, 'LEAD-FIELDS': { mode: 'off' }, 'LEAD-COMPANY-NAME': { mode: 'off' }, 'CLIENT-DUPLICATE': { mode: 'off' }, 'LEAD-DISPATCH-SLA': { mode: 'off' } }
// The contact time round the clock, 15 minutes, no warning, no escalation: the breach tells the responsible.
const INSTALLED = '2026-01-01T00:00:00.000Z'
const settings = ruleSettingsFor({ installedAt: INSTALLED }, resolveRuleSettings({ rules: { ...QUIET, 'LEAD-CONTACT-SLA': { time: '24/7', warnAt: [], escalate: [] } } }))
const ASSIGNED = '2026-12-07T09:00:00.000Z'

const lead = (fields: Snapshot = {}): Snapshot => ({
  ID: '45', TITLE: 'Вектор: 20 ноутбуков', STATUS_ID: 'IN_PROCESS', STATUS_SEMANTIC_ID: 'P', ASSIGNED_BY_ID: '5',
  DATE_CREATE: '2026-12-07T08:55:00.000Z', MOVED_TIME: ASSIGNED, ...fields,
})

/** The input of a decision about lead 45 at `at`: nothing open, nothing running, unless `extra` says. */
function input(at: string, extra: Partial<DecisionInput> = {}): DecisionInput {
  const current = extra.current === undefined && 'current' in extra ? undefined : extra.current ?? lead()
  return {
    now: new Date(at), portal: { memberId: MEMBER, language: 'ru', clientEndpoint: 'https://acme.bitrix24.ru/rest/', installedAt: INSTALLED },
    settings, calendar: ROUND_THE_CLOCK,
    directory: { users: new Map([['5', { id: '5', name: 'Анна Морозова', active: true, departments: [] }]]), departments: new Map() },
    entity: 'lead', id: '45', previous: current, arrival: { audit: false, eventAt: at }, open: [], clocks: [], contactKeys: undefined,
    context: { firstLeadStatus: 'NEW', leadStatuses: [], peers: [], activities: [], leadsHeld: 0, sameTasks: [] },
    ...extra, current,
  }
}

/** The clock that `plan` starts, as the store would hold it under `id`. */
function started(plan: Plan, id: number, change: Partial<Clock> = {}): Clock {
  const [start] = stepsOf(plan, 'clock.start')
  return {
    ...start!.clock, id, memberId: MEMBER, pausedMs: 0, pauses: [], createdAt: ASSIGNED, breachedAt: null, violationId: null,
    stoppedAt: null, outcome: null, elapsedMs: null, told: [], ...change,
  }
}

const violation = (change: Partial<Violation> = {}): Violation => ({
  id: 9, ruleId: 'LEAD-CONTACT-SLA', ruleVersion: 1, entity: 'lead', entityId: '45', variant: 'to:5', responsibleId: '5',
  message: { problem: { ru: 'п', en: 'p' }, todo: { ru: 'т', en: 't' } }, openedAt: ASSIGNED, escalatedAt: null,
  excusedAt: null, excusedBy: null, excuse: null, resolvedAt: null, resolution: null, ...change,
})

const ops = (plan: Plan) => plan.steps.map((step) => step.op)
const first = decide(input('2026-12-07T09:01:00.000Z'))
const call = { ID: '7', TYPE_ID: '2', COMPLETED: 'Y', CREATED: '2026-12-07T09:05:00.000Z', OWNER_TYPE_ID: '1', OWNER_ID: '45' }

describe('decide', () => {
  const rows: Array<{ name: string; plan: Plan; ops: string[] }> = [
    { name: 'a lead nobody contacted starts a clock, due 15 minutes after the assignment', plan: first, ops: ['clock.start'] },
    { name: 'a lead already contacted starts nothing', plan: decide(input('2026-12-07T09:06:00.000Z', { context: { ...input(ASSIGNED).context, activities: [call] } })), ops: [] },
    {
      name: 'a due breach opens a violation, tells the responsible, comments the timeline, and steps the clock',
      plan: decide(input('2026-12-07T09:16:00.000Z', { clocks: [started(first, 7)] })),
      ops: ['violation.open', 'notice', 'action', 'clock.update'],
    },
    {
      name: 'a record that complies resolves its violation and stops its clock (late: it was breached)',
      plan: decide(input('2026-12-07T09:20:00.000Z', {
        open: [violation()], clocks: [started(first, 7, { breachedAt: '2026-12-07T09:15:00.000Z', violationId: 9 })],
        context: { ...input(ASSIGNED).context, activities: [{ ...call, CREATED: '2026-12-07T09:18:00.000Z' }] },
      })),
      ops: ['violation.resolve', 'clock.stop'],
    },
    { name: 'an excused violation starts no clock and tells nobody', plan: decide(input('2026-12-07T09:16:00.000Z', { open: [violation({ excusedAt: ASSIGNED })] })), ops: [] },
    { name: 'a deleted record resolves and stops everything', plan: decide(input('2026-12-07T09:16:00.000Z', { current: undefined, open: [violation()], clocks: [started(first, 7)] })), ops: ['violation.resolve', 'clock.stop'] },
    { name: 'a closed lead the install’s audit found starts no clock', plan: decide(input('2026-12-07T09:16:00.000Z', { current: lead({ STATUS_SEMANTIC_ID: 'S', STATUS_ID: 'CONVERTED' }), arrival: { audit: true, eventAt: ASSIGNED } })), ops: [] },
  ]
  it.each(rows)('$name', ({ plan, ops: expected }) => {
    expect(ops(plan)).toEqual(expected)
  })

  it('the clock it starts runs from the assignment, and the breach is its one step', () => {
    const [start] = stepsOf(first, 'clock.start')
    expect(start?.clock).toMatchObject({ ruleId: 'LEAD-CONTACT-SLA', variant: 'to:5', startedAt: ASSIGNED, dueAt: '2026-12-07T09:15:00.000Z', nextAt: '2026-12-07T09:15:00.000Z' })
  })

  it('the breach names the violation it opens in its keys; the store gives the id', () => {
    const plan = decide(input('2026-12-07T09:16:00.000Z', { clocks: [started(first, 7)] }))
    const [open] = stepsOf(plan, 'violation.open')
    const [notice] = stepsOf(plan, 'notice')
    const [update] = stepsOf(plan, 'clock.update')
    const ids = { violation: (ref: object) => ('ref' in ref && ref.ref === open?.ref ? 31 : undefined), clock: () => 7 }
    expect(keyText(notice!.key, ids)).toBe('v31:notify:5')
    expect(notice?.payload).toMatchObject({ userId: '5', priority: 'notice', violation: { ref: open?.ref } })
    expect(update?.change).toMatchObject({ breachedAt: '2026-12-07T09:15:00.000Z', violation: { ref: open?.ref }, nextAt: null })
    expect(update?.change.told).toEqual([{ step: 0, userId: '5', at: '2026-12-07T09:16:00.000Z' }])
  })

  it('a user the directory does not know is named for a refresh after commit', () => {
    expect(decide(input('2026-12-07T09:16:00.000Z', { clocks: [started(first, 7)] })).unknownUsers).toEqual([])
    const breach = decide(input('2026-12-07T09:16:00.000Z', { clocks: [started(first, 7)], directory: { users: new Map(), departments: new Map() } }))
    expect(breach.unknownUsers).toEqual(['5'])
  })
})

describe('fold', () => {
  const words = () => ({ heading: '[B]Сводка[/B]', more: '… и ещё {n}' })
  const noticePlan = (count: number, priority: 'notice' | 'deadline' = 'notice'): Plan => ({
    memberId: MEMBER, unknownUsers: [],
    steps: Array.from({ length: count }, (_, i) => ({
      op: 'notice' as const, key: actionKey({ violation: { id: i + 1 } }, 'notify', '5'),
      payload: { kind: 'notify' as const, userId: '5', message: `notice ${i + 1}`, line: `• line ${i + 1}`, violation: { id: i + 1 }, priority, notBefore: null, then: [] },
    })),
  })
  const none: Budget = { n: 0, digests: 0, oldest: null, open: {} }
  const now = new Date('2026-12-01T09:00:00.000Z')
  const policy = { limit: 3, windowMs: 600_000, words }

  it.each([
    { name: 'within the limit every notice goes on its own', count: 3, budget: none, ops: ['notice.send', 'notice.send', 'notice.send'] },
    { name: 'past the limit the rest fold into one digest', count: 5, budget: none, ops: ['notice.send', 'notice.send', 'notice.send', 'digest.open', 'notice.fold', 'digest.update', 'notice.fold'] },
    { name: 'two sent within the window leave room for one', count: 2, budget: { ...none, n: 2, oldest: '2026-12-01T08:55:00.000Z' }, ops: ['notice.send', 'digest.open', 'notice.fold'] },
    { name: 'while a digest reaches the person, every notice folds', count: 1, budget: { ...none, n: 1, digests: 1, oldest: '2026-12-01T08:58:00.000Z' }, ops: ['digest.open', 'notice.fold'] },
  ])('$name', ({ count, budget, ops: expected }) => {
    expect(ops(fold(noticePlan(count), new Map([['5', budget]]), policy, now))).toEqual(expected)
  })

  it('an ordinary digest waits for the window; escalations gather a minute', () => {
    const budget = { ...none, n: 3, oldest: '2026-12-01T08:55:00.000Z' }
    const [notice] = stepsOf(fold(noticePlan(1), new Map([['5', budget]]), policy, now), 'digest.open')
    expect(notice).toMatchObject({ key: 'digest:5:2026-12-01T09:00:00.000Z', notBefore: '2026-12-01T09:05:00.000Z' })
    const [escalation] = stepsOf(fold(noticePlan(1, 'deadline'), new Map([['5', budget]]), policy, now), 'digest.open')
    expect(escalation).toMatchObject({ key: 'digest:5:escalations:2026-12-01T09:00:00.000Z', notBefore: '2026-12-01T09:01:00.000Z' })
  })

  it('joins the digest already waiting, and lists thirty lines, counting the rest', () => {
    const waiting = { id: 44, payload: { userId: '5', digest: true as const, heading: '[B]Сводка[/B]', more: '… и ещё {n}', lines: ['• old'], message: '', then: [] } }
    const plan = fold(noticePlan(40), new Map([['5', { ...none, n: 3, open: { notice: waiting } }]]), policy, now)
    const updates = stepsOf(plan, 'digest.update')
    expect(updates).toHaveLength(40)
    expect(updates.every((update) => 'id' in update.digest && update.digest.id === 44)).toBe(true)
    const lines = updates.at(-1)!.payload.message.split('\n')
    expect(lines).toHaveLength(1 + 30 + 1)
    expect(lines.at(-1)).toBe('… и ещё 11')
  })

  it('plans landing together fold as if each had landed before the next: counted in, a digest joined by its key', () => {
    const [first, second, third] = foldEach([noticePlan(2), noticePlan(2), noticePlan(1)].map((plan) => ({ plan, now })), new Map(), policy)
    expect([first, second, third].map((plan) => ops(plan!))).toEqual([['notice.send', 'notice.send'], ['notice.send', 'digest.open', 'notice.fold'], ['digest.update', 'notice.fold']])
    const [opened] = stepsOf(second!, 'digest.open')
    const [joined] = stepsOf(third!, 'digest.update')
    expect(joined?.digest).toEqual({ key: opened?.key })
    expect(joined?.payload.lines).toEqual(['• line 2', '• line 1'])
  })

  it('leaves out a notice whose key is planned already', () => {
    expect(fold(noticePlan(2), new Map(), policy, now, (step) => keyText(step.key, { violation: (ref) => ('id' in ref ? ref.id : undefined), clock: () => undefined }) === 'v1:notify:5').steps).toHaveLength(1)
  })
})
