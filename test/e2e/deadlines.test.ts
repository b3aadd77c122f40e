// The deadline rules end to end with the fake portal over real HTTP, on one clock the test moves for both (no sleeps
// for the deadlines), in a round-the-clock calendar: who is told, when, and that each is told exactly once.
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import type { FakeCall } from '../fake-portal/index.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

const OFFICE_MANAGER = '8' // Мария Фёдорова, commercial service; her supervisor: Ольга Кузнецова (3)
const ANNA = '5' // sales; her supervisor: Дмитрий Соколов (4)
const OFF = { mode: 'off' }
// Only the deadline rule under test speaks.
const QUIET = Object.fromEntries(RULE_IDS.map((id) => [id, OFF]))

let h: MovedHarness
afterEach(async () => h?.close())

async function start(rules: Record<string, unknown>): Promise<void> {
  h = await startOnMovedClock(testSettings({ rules: { ...QUIET, ...rules } }))
}
const later = (ms: number) => h.later(ms)

const notices = () => h.portal.calls.filter((call) => call.method === 'im.notify.system.add')
const told = () => notices().map((call: FakeCall) => {
  const params = call.params as { USER_ID: unknown; MESSAGE: unknown }
  return `${String(params.USER_ID)}: ${String(params.MESSAGE).split('\n')[0]}`
})
const messageTo = (user: string) => notices().map((call) => call.params as { USER_ID: unknown; MESSAGE: unknown }).find((p) => String(p.USER_ID) === user)?.MESSAGE
const comments = () => h.portal.data.timelineComments.map((comment) => comment.comment)

describe('deadlines end to end', () => {
  it('an untouched lead warns the office manager, then tells her supervisor — each once', async () => {
    await start({ 'LEAD-DISPATCH-SLA': { mode: 'notify', within: 'PT10S', warnAt: ['80%'], escalate: ['PT0S'], officeManagers: { users: [OFFICE_MANAGER], departments: [] } } })
    const id = h.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', ASSIGNED_BY_ID: OFFICE_MANAGER }, { byUserId: 1 })
    await settle(h)
    // The lead's DATE_CREATE is in whole seconds (up to one before the add), and the moved clock runs on with the wall
    // clock: nothing is told two seconds short of the warning, and it is told at it.
    await later(6_000)
    expect(told()).toEqual([])
    await later(2_000)
    expect(told()).toEqual([`${OFFICE_MANAGER}: [B]Подходит срок: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)`])
    await later(2_000)
    expect(told().slice(1)).toEqual(['3: [B]Эскалация: Новый лид распределён вовремя[/B] (LEAD-DISPATCH-SLA)'])
    expect(messageTo('3')).toContain(`[URL=${new URL(h.portal.clientEndpoint).origin}/crm/lead/details/${id}/]«Вектор: 20 ноутбуков»[/URL] (ответственный: Мария Фёдорова)`)
    // The wall clock runs on beside the jumps: ten seconds and whatever the test itself took.
    expect(messageTo('3')).toMatch(/Что не так: Лид ждёт распределения 1\d с рабочего времени \(норма — 10 с\)\./)
    await later(60_000)
    expect(told()).toHaveLength(2)
    expect(comments()).toEqual([expect.stringContaining('сообщено руководителю: Ольга Кузнецова')])
  })

  it('a lead dispatched and called in time tells nobody', async () => {
    await start({
      'LEAD-DISPATCH-SLA': { mode: 'notify', within: 'PT10S', warnAt: ['80%'], escalate: ['PT0S'], officeManagers: { users: [OFFICE_MANAGER], departments: [] } },
      'LEAD-CONTACT-SLA': { mode: 'notify', within: 'PT15S', warnAt: ['80%'], escalate: ['PT0S'] },
    })
    const id = h.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', ASSIGNED_BY_ID: OFFICE_MANAGER }, { byUserId: 1 })
    await settle(h)
    await later(5_000)
    h.portal.data.updateLead(id, { STATUS_ID: 'IN_PROCESS', ASSIGNED_BY_ID: ANNA }, { byUserId: Number(OFFICE_MANAGER) })
    await settle(h)
    await later(5_000)
    h.portal.data.addActivity({ OWNER_TYPE_ID: 1, OWNER_ID: id, TYPE_ID: 2, SUBJECT: 'Звонок клиенту', COMPLETED: 'Y', DIRECTION: 2, RESPONSIBLE_ID: ANNA,
      COMMUNICATIONS: [{ VALUE: '+79001234567', TYPE: 'PHONE' }] }, { byUserId: Number(ANNA) })
    await settle(h)
    await later(60_000)
    expect(told()).toEqual([])
    const clocks = (await h.store.clocks.all(h.portal.memberId)).map((clock) => [clock.ruleId, clock.outcome])
    expect(clocks).toEqual([['LEAD-DISPATCH-SLA', 'met'], ['LEAD-CONTACT-SLA', 'met']])
  })

  it('a deal without a next step tells its responsible, then the supervisor — each once', async () => {
    await start({ 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: ['PT1M'], time: '24/7' } })
    h.portal.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA }, { byUserId: Number(ANNA) })
    await settle(h)
    await later(30_000)
    expect(told()).toEqual([`${ANNA}: [B]Правило компании: У сделки есть следующий шаг[/B] (DEAL-NEXT-STEP)`])
    await later(60_000)
    expect(told().slice(1)).toEqual(['4: [B]Эскалация: У сделки есть следующий шаг[/B] (DEAL-NEXT-STEP)'])
    await later(10 * 60_000)
    expect(told()).toHaveLength(2)
  })

  it('a deal whose planned step passes unanswered is told without any event from the portal', async () => {
    await start({ 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: [], time: '24/7' } })
    const id = h.portal.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA }, { byUserId: Number(ANNA) })
    const deadline = new Date(h.now() + 60_000).toISOString()
    h.portal.data.addActivity({ OWNER_TYPE_ID: 2, OWNER_ID: id, TYPE_ID: 2, SUBJECT: 'Перезвонить', COMPLETED: 'N', DEADLINE: deadline, RESPONSIBLE_ID: ANNA,
      COMMUNICATIONS: [{ VALUE: '+79001234567', TYPE: 'PHONE' }] }, { byUserId: Number(ANNA) })
    await settle(h)
    await later(60_000)
    expect(told()).toEqual([])
    await later(30_000)
    expect(told()).toEqual([`${ANNA}: [B]Правило компании: У сделки есть следующий шаг[/B] (DEAL-NEXT-STEP)`])
    expect(messageTo(ANNA)).toContain('Следующий шаг по сделке просрочен')
  })

  it('a deal stuck at a stage is told, then escalated, each once; moved on, its clock ends late and its violation closes', async () => {
    await start({ 'DEAL-STAGE-STUCK': { mode: 'notify', limits: { 0: { NEW: 'PT1M' } }, escalate: ['PT1M'] } })
    const id = h.portal.data.addDeal({ TITLE: 'Вектор: серверы', STAGE_ID: 'NEW', ASSIGNED_BY_ID: ANNA }, { byUserId: Number(ANNA) })
    await settle(h)
    await later(60_000)
    expect(told()).toEqual([`${ANNA}: [B]Правило компании: Сделка не застряла на стадии[/B] (DEAL-STAGE-STUCK)`])
    expect(messageTo(ANNA)).toContain('Сделка на стадии «NEW» уже 1 мин (норма — 1 мин).')
    await later(60_000)
    expect(told().slice(1)).toEqual(['4: [B]Эскалация: Сделка не застряла на стадии[/B] (DEAL-STAGE-STUCK)'])
    h.portal.data.updateDeal(id, { STAGE_ID: 'PREPARATION' }, { byUserId: Number(ANNA) })
    await settle(h)
    await later(10 * 60_000)
    expect(told()).toHaveLength(2)
    expect((await h.store.clocks.all(h.portal.memberId)).map((clock) => clock.outcome)).toEqual(['late'])
    expect((await h.store.violations.all(h.portal.memberId)).map((violation) => violation.resolution)).toEqual(['complies'])
  })

  it('a task left unanswered warns its responsible, then tells the supervisor; a comment in time tells nobody', async () => {
    await start({ 'TASK-FEEDBACK-SLA': { mode: 'notify', within: 'PT20S', warnAt: ['50%'], escalate: ['PT0S'] } })
    const silent = h.portal.data.addTask({ TITLE: 'РЗ Подготовить договор с ООО «Вектор»', RESPONSIBLE_ID: ANNA }, { byUserId: 4 })
    const answered = h.portal.data.addTask({ TITLE: 'РЗ Выставить счёт ООО «Вектор»', RESPONSIBLE_ID: '6' }, { byUserId: 4 })
    await settle(h)
    await later(5_000)
    h.portal.data.addTaskComment(answered, 'Принял, счёт будет сегодня до 15:00', 6)
    await settle(h)
    await later(5_000)
    expect(told()).toEqual([`${ANNA}: [B]Подходит срок: По задаче дана обратная связь вовремя[/B] (TASK-FEEDBACK-SLA)`])
    expect(messageTo(ANNA)).toContain(`/company/personal/user/0/tasks/task/view/${silent}/]«РЗ Подготовить договор с ООО «Вектор»»[/URL]`)
    await later(10_000)
    expect(told().slice(1)).toEqual(['4: [B]Эскалация: По задаче дана обратная связь вовремя[/B] (TASK-FEEDBACK-SLA)'])
    await later(60_000)
    expect(told()).toHaveLength(2)
    expect((await h.store.clocks.all(h.portal.memberId)).map((clock) => [clock.entityId, clock.outcome])).toEqual([[silent, null], [answered, 'met']])
  })

  it('an overdue task tells its responsible at the deadline, the supervisor later; closed late, it is kept as late', async () => {
    await start({ 'TASK-OVERDUE': { mode: 'notify', escalate: ['PT1M'] } })
    const deadline = new Date(h.now() + 60_000).toISOString()
    const id = h.portal.data.addTask({ TITLE: 'РЗ Подписать акт', RESPONSIBLE_ID: ANNA, DEADLINE: deadline }, { byUserId: 4 })
    await settle(h)
    // Ten seconds short of the deadline: the moved clock also runs on with the wall clock, and a loaded machine takes
    // seconds to settle (a second's margin was once used up).
    await later(50_000)
    expect(told()).toEqual([])
    await later(10_000)
    expect(told()).toEqual([`${ANNA}: [B]Правило компании: Задача закрыта в срок[/B] (TASK-OVERDUE)`])
    await later(60_000)
    expect(told().slice(1)).toEqual(['4: [B]Эскалация: Задача закрыта в срок[/B] (TASK-OVERDUE)'])
    h.portal.data.updateTask(id, { STATUS: 5 }, { byUserId: Number(ANNA) })
    await settle(h)
    expect((await h.store.clocks.all(h.portal.memberId)).map((clock) => clock.outcome)).toEqual(['late'])
  })
})
