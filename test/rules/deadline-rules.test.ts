// The four deadline rules, pure: which records owe what, from when, and what the people are told.
import { describe, expect, it } from 'vitest'
import type { RuleSettings } from '../../rules/catalogue.js'
import { dealNextStep } from '../../rules/deal-next-step.js'
import { dealStageStuck } from '../../rules/deal-stage-stuck.js'
import type { Directory } from '../../rules/directory.js'
import { assignedStatus, leadContactSla } from '../../rules/lead-contact-sla.js'
import { leadDispatchSla } from '../../rules/lead-dispatch-sla.js'
import { plural } from '../../rules/plural.js'
import type { LeadStatus } from '../../rules/lead-statuses.js'
import type { RecordInput, Snapshot } from '../../rules/types.js'
import { ruleContext } from './context.js'

const directory: Directory = {
  users: new Map([
    ['3', { id: '3', name: 'Ольга Секретарёва', active: true, departments: ['9'] }],
    ['5', { id: '5', name: 'Анна Морозова', active: true, departments: ['3'] }],
    ['8', { id: '8', name: 'Игорь Уволенный', active: false, departments: ['9'] }],
  ]),
  departments: new Map([['9', { id: '9', name: 'Ресепшн', parentId: null, headId: null }]]),
}
const NOW = new Date('2026-12-01T10:00:00+03:00')
const STATUSES: LeadStatus[] = [
  { statusId: 'NEW', sort: 10, semantics: null },
  { statusId: 'UC_ASSIGNED', sort: 20, semantics: null },
  { statusId: 'IN_PROCESS', sort: 30, semantics: null },
  { statusId: 'CONVERTED', sort: 50, semantics: 'S' },
  { statusId: 'JUNK', sort: 60, semantics: 'F' },
]

const context = <K extends keyof RuleSettings['rules']>(id: K, overrides: Record<string, unknown> = {}, activities: Snapshot[] = []) =>
  ruleContext(id, overrides, { now: NOW, directory, leadStatuses: STATUSES, activities })
const lead = (fields: Snapshot, previous?: Snapshot): RecordInput => ({
  entity: 'lead', id: '45',
  current: { ID: '45', TITLE: 'Вектор: 20 ноутбуков', STATUS_ID: 'NEW', STATUS_SEMANTIC_ID: 'P', ASSIGNED_BY_ID: '5', DATE_CREATE: '2026-12-01T09:50:00+03:00', ...fields },
  previous,
})
const deal = (fields: Snapshot, previous?: Snapshot): RecordInput => ({
  entity: 'deal', id: '12',
  current: { ID: '12', TITLE: 'Вектор: серверы', STAGE_ID: 'NEW', CATEGORY_ID: '0', STAGE_SEMANTIC_ID: 'P', CLOSED: 'N', ASSIGNED_BY_ID: '5', DATE_CREATE: '2026-11-30T12:00:00+03:00', ...fields },
  previous,
})
const call = (fields: Snapshot): Snapshot => ({ ID: '700', OWNER_TYPE_ID: '1', OWNER_ID: '45', TYPE_ID: '2', COMPLETED: 'Y', CREATED: '2026-12-01T09:58:00+03:00', ...fields })

describe('LEAD-DISPATCH-SLA', () => {
  it('a lead in the first status owes its dispatch from its creation; every office manager is warned', () => {
    const [finding] = leadDispatchSla.check(lead({}), context('LEAD-DISPATCH-SLA', { officeManagers: { users: ['3'], departments: ['9'] } }))
    expect(finding?.clock).toMatchObject({ startedAt: '2026-12-01T09:50:00+03:00', within: { days: 0, ms: 10 * 60_000 }, warnTo: ['3'], escalate: [{ days: 0, ms: 0 }], warnAt: [{ share: 0.8 }] })
    // The inactive member of the department is left out.
    expect(finding?.problem.ru).toBe('Лид ждёт распределения 10 мин рабочего времени (норма — 10 мин).')
  })

  it('a lead already with an office manager warns that office manager only; without office managers, its responsible', () => {
    const managers = { officeManagers: { users: ['3', '5'], departments: [] } }
    expect(leadDispatchSla.check(lead({}), context('LEAD-DISPATCH-SLA', managers))[0]?.clock?.warnTo).toEqual(['5'])
    expect(leadDispatchSla.check(lead({}), context('LEAD-DISPATCH-SLA'))[0]?.clock?.warnTo).toBeUndefined()
  })

  it.each([['UC_ASSIGNED', 'P'], ['CONVERTED', 'S'], ['JUNK', 'F']])('a lead in %s owes nothing', (status, semantic) => {
    expect(leadDispatchSla.check(lead({ STATUS_ID: status, STATUS_SEMANTIC_ID: semantic }), context('LEAD-DISPATCH-SLA'))).toEqual([])
  })

  it.each([[1, 0], [2, 1], [5, 1]])('an office manager holding %d undispatched leads is told so: %d finding(s)', (held, told) => {
    const ctx = { ...context('LEAD-DISPATCH-SLA', { officeManagers: { users: ['5'], departments: [] } }), leadsHeld: held }
    const piles = leadDispatchSla.check(lead({}), ctx).filter((finding) => finding.variant === 'pile')
    expect(piles).toHaveLength(told)
    if (told) expect(piles[0]?.problem.ru).toBe(`У офис-менеджера одновременно ${held} ${held === 2 ? 'нераспределённых лида' : 'нераспределённых лидов'} (допускается один).`)
    // Someone who is not an office manager is not counted.
    expect(leadDispatchSla.check(lead({}), { ...context('LEAD-DISPATCH-SLA'), leadsHeld: held }).filter((finding) => finding.variant === 'pile')).toEqual([])
  })

  it.each([[1, 'лид'], [2, 'лида'], [4, 'лида'], [5, 'лидов'], [11, 'лидов'], [21, 'лид'], [22, 'лида'], [112, 'лидов']])('%d %s', (n, word) => {
    expect(plural(n, ['лид', 'лида', 'лидов'])).toBe(word)
  })

  it('a lead moved back to the first status counts from the move', () => {
    const [finding] = leadDispatchSla.check(lead({ MOVED_TIME: '2026-12-01T09:57:00+03:00' }), context('LEAD-DISPATCH-SLA'))
    expect(finding?.clock?.startedAt).toBe('2026-12-01T09:57:00+03:00')
  })
})

describe('LEAD-CONTACT-SLA', () => {
  const assigned = { STATUS_ID: 'UC_ASSIGNED', MOVED_TIME: '2026-12-01T09:52:00+03:00' }

  it('the status after the first, by the portal’s sort, is where a dispatched lead waits; IN_PROCESS when unknown', () => {
    expect(assignedStatus(STATUSES, 'NEW')).toBe('UC_ASSIGNED')
    expect(assignedStatus([], 'NEW')).toBe('IN_PROCESS')
  })

  it('a dispatched lead nobody has called owes a contact from the move, per responsible', () => {
    const [finding] = leadContactSla.check(lead(assigned), context('LEAD-CONTACT-SLA'))
    expect(finding).toMatchObject({ variant: 'to:5', responsibleId: '5', clock: { startedAt: '2026-12-01T09:52:00+03:00', within: { days: 0, ms: 15 * 60_000 }, escalate: [{ days: 0, ms: 0 }, { days: 0, ms: 3_600_000 }] } })
    expect(finding?.problem.ru).toBe('С клиентом не связались: с назначения прошло 8 мин рабочего времени (норма — 15 мин).')
  })

  it.each([
    ['a finished call after the assignment', [call({})], true],
    ['an e-mail sent', [call({ TYPE_ID: '4' })], true],
    ['an open-line conversation, even open', [call({ TYPE_ID: '6', PROVIDER_ID: 'IMOPENLINES_SESSION', COMPLETED: 'N' })], true],
    ['a call only planned', [call({ COMPLETED: 'N' })], false],
    ['a call before the assignment', [call({ CREATED: '2026-12-01T09:40:00+03:00' })], false],
    ['a to-do, not a contact', [call({ TYPE_ID: '6', PROVIDER_ID: 'CRM_TODO' })], false],
  ])('%s: contacted %s', (_, activities, contacted) => {
    expect(leadContactSla.check(lead(assigned), context('LEAD-CONTACT-SLA', {}, activities))).toHaveLength(contacted ? 0 : 1)
  })

  it.each([['IN_PROCESS', 'P'], ['NEW', 'P'], ['CONVERTED', 'S'], ['JUNK', 'F']])('a lead in %s owes no contact clock', (status, semantic) => {
    expect(leadContactSla.check(lead({ STATUS_ID: status, STATUS_SEMANTIC_ID: semantic }), context('LEAD-CONTACT-SLA'))).toEqual([])
  })

  it('another responsible starts the time again from now, under their own clock', () => {
    const [finding] = leadContactSla.check(lead({ ...assigned, ASSIGNED_BY_ID: '7' }, lead({ ...assigned }).current), context('LEAD-CONTACT-SLA'))
    expect(finding?.variant).toBe('to:7')
    expect(finding?.clock?.startedAt).toBeUndefined()
  })
})

describe('DEAL-NEXT-STEP', () => {
  const todo = (fields: Snapshot): Snapshot => ({ ID: '800', OWNER_TYPE_ID: '2', OWNER_ID: '12', TYPE_ID: '6', COMPLETED: 'N', DEADLINE: '2026-12-02T12:00:00+03:00', LAST_UPDATED: '2026-11-30T13:00:00+03:00', ...fields })

  it('a deal without any activity owes a next step from its creation', () => {
    const [finding] = dealNextStep.check(deal({}), context('DEAL-NEXT-STEP'))
    expect(finding).toMatchObject({ variant: 'none:2026-11-30T09:00:00.000Z', clock: { startedAt: '2026-11-30T09:00:00.000Z', within: { days: 0, ms: 3_600_000 }, escalate: [{ days: 0, ms: 4 * 3_600_000 }] } })
    expect(finding?.problem.ru).toBe('У сделки нет следующего шага: нет ни одного запланированного дела.')
  })

  it('a deal whose last activity ended counts from that end', () => {
    const [finding] = dealNextStep.check(deal({}), context('DEAL-NEXT-STEP', {}, [todo({ COMPLETED: 'Y', LAST_UPDATED: '2026-12-01T09:30:00+03:00' })]))
    expect(finding?.clock?.startedAt).toBe('2026-12-01T06:30:00.000Z')
  })

  it('a planned step keeps a clock from its deadline, so it falls due without an event; past it, it is overdue', () => {
    const [planned] = dealNextStep.check(deal({}), context('DEAL-NEXT-STEP', {}, [todo({})]))
    expect(planned).toMatchObject({ variant: 'after:2026-12-02T09:00:00.000Z', clock: { startedAt: '2026-12-02T09:00:00.000Z' } })
    const [overdue] = dealNextStep.check(deal({}), context('DEAL-NEXT-STEP', {}, [todo({ DEADLINE: '2026-12-01T09:00:00+03:00' })]))
    expect(overdue?.problem.ru).toBe('Следующий шаг по сделке просрочен: срок дела прошёл, нового шага нет.')
  })

  it.each([['won', { STAGE_ID: 'WON', STAGE_SEMANTIC_ID: 'S', CLOSED: 'Y' }], ['lost', { STAGE_ID: 'LOSE', STAGE_SEMANTIC_ID: 'F', CLOSED: 'Y' }]])('a %s deal owes nothing', (_, fields) => {
    expect(dealNextStep.check(deal(fields), context('DEAL-NEXT-STEP'))).toEqual([])
  })
})

describe('DEAL-STAGE-STUCK', () => {
  const limits = { limits: { '0': { NEW: 'P5D' }, '2': { 'C2:PREPARATION': 'PT4H' } } }

  it('a deal at a stage with a limit owes a move from its arrival there (MOVED_TIME)', () => {
    const [finding] = dealStageStuck.check(deal({ CATEGORY_ID: '2', STAGE_ID: 'C2:PREPARATION', MOVED_TIME: '2026-12-01T08:00:00+03:00' }), context('DEAL-STAGE-STUCK', limits))
    expect(finding).toMatchObject({ variant: 'C2:PREPARATION', clock: { startedAt: '2026-12-01T08:00:00+03:00', within: { days: 0, ms: 4 * 3_600_000 }, basis: '24/7', escalate: [{ days: 1, ms: 0 }] } })
    expect(finding?.problem.ru).toBe('Сделка на стадии «C2:PREPARATION» уже 2 ч 0 мин (норма — 4 ч 0 мин).')
  })

  it('the stage history says when the deal reached its stage, before MOVED_TIME; a row of another stage is not used', () => {
    const history = { STAGE_ID: 'C2:PREPARATION', CREATED_TIME: '2026-12-01T07:00:00+03:00' }
    const fields = { CATEGORY_ID: '2', STAGE_ID: 'C2:PREPARATION', MOVED_TIME: '2026-12-01T08:00:00+03:00' }
    expect(dealStageStuck.check(deal({ ...fields, LAST_STAGE_MOVE: history }), context('DEAL-STAGE-STUCK', limits))[0]?.clock?.startedAt).toBe('2026-12-01T07:00:00+03:00')
    const other = { ...history, STAGE_ID: 'C2:NEW' }
    expect(dealStageStuck.check(deal({ ...fields, LAST_STAGE_MOVE: other }), context('DEAL-STAGE-STUCK', limits))[0]?.clock?.startedAt).toBe('2026-12-01T08:00:00+03:00')
    const historyOnly = dealStageStuck.check(deal({ CATEGORY_ID: '2', STAGE_ID: 'C2:PREPARATION', LAST_STAGE_MOVE: history }), context('DEAL-STAGE-STUCK', limits))
    expect(historyOnly[0]?.clock?.startedAt).toBe('2026-12-01T07:00:00+03:00')
  })

  it('a stage without a limit, or no limits at all, owes nothing', () => {
    expect(dealStageStuck.check(deal({ STAGE_ID: 'PREPARATION', MOVED_TIME: '2026-12-01T08:00:00+03:00' }), context('DEAL-STAGE-STUCK', limits))).toEqual([])
    expect(dealStageStuck.check(deal({ MOVED_TIME: '2026-12-01T08:00:00+03:00' }), context('DEAL-STAGE-STUCK'))).toEqual([])
  })

  it('a move the app saw starts now; without any move time the rule says it cannot decide', () => {
    const moved = dealStageStuck.check(deal({ STAGE_ID: 'NEW' }, deal({ STAGE_ID: 'PREPARATION' }).current), context('DEAL-STAGE-STUCK', limits))
    expect(moved[0]?.clock?.startedAt).toBeUndefined()
    const unknown = dealStageStuck.check(deal({}), context('DEAL-STAGE-STUCK', limits))
    expect(unknown[0]?.undecided?.ru).toBe('Неизвестно, когда сделка пришла на стадию: ни истории стадий, ни времени перехода.')
  })
})
