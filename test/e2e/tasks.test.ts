// The task rules end to end with the fake portal over real HTTP: who is told, about what, and only once.
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

const ANNA = 5 // sales; her supervisor Дмитрий Соколов (4)
const PAVEL = 6
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))

let h: MovedHarness
afterEach(async () => h?.close())

// The app with only the named task rules on, installed and swept, on a clock the test moves.
async function start(rules: Record<string, unknown>): Promise<void> {
  h = await startOnMovedClock(testSettings({ rules: { ...OFF, ...rules } }))
}

interface Notice { USER_ID: unknown; MESSAGE: unknown }
const notices = () => h.portal.calls.filter((call) => call.method === 'im.notify.system.add').map((call) => call.params as Notice)
const to = (user: number) => notices().filter((notice) => String(notice.USER_ID) === String(user)).map((notice) => String(notice.MESSAGE))

describe('task rules end to end', () => {
  it('«Подготовить договор» without a form tells its creator once, naming the forms; a form in the title tells nobody', async () => {
    await start({ 'TASK-PREFIX': { mode: 'notify' } })
    const id = h.portal.data.addTask({ TITLE: 'Подготовить договор', RESPONSIBLE_ID: PAVEL }, { byUserId: ANNA })
    h.portal.data.addTask({ TITLE: 'РЗ: Подготовить договор с ООО «Вектор»', RESPONSIBLE_ID: PAVEL }, { byUserId: ANNA })
    await settle(h)
    h.portal.data.updateTask(id, { DESCRIPTION: 'Договор поставки на 2027 год' }, { byUserId: ANNA })
    await settle(h)
    expect(notices()).toHaveLength(1)
    const [message] = to(ANNA)
    expect(message).toContain(`Задача [URL=${new URL(h.portal.clientEndpoint).origin}/company/personal/user/0/tasks/task/view/${id}/]«Подготовить договор»[/URL]`)
    expect(message).toMatch(/РЗ.*ПР.*отч[её]т/s)
  })

  it('«ПР Скидка для клиента» to the wrong person and without a solution makes one message listing both', async () => {
    await start({ 'TASK-PR-FORM': { mode: 'notify' }, 'TASK-PREFIX': { mode: 'notify' } })
    const deadline = new Date(h.now() + 3 * 86_400_000).toISOString()
    const description = '[B]Вид:[/B] ПР\n[B]Суть:[/B] клиент «Альфа-Строй» просит скидку 7%\n[B]Полная информация:[/B] годовой заказ бумаги на 1,2 млн ₽'
    h.portal.data.addTask({ TITLE: 'ПР Скидка для клиента', RESPONSIBLE_ID: PAVEL, DEADLINE: deadline, DESCRIPTION: description }, { byUserId: ANNA })
    await settle(h)
    expect(notices()).toHaveLength(1)
    const [message] = to(ANNA)
    expect(message).toContain('Что не так: В ПР не хватает: ответственный — ваш непосредственный руководитель (Дмитрий Соколов), раздел «Предлагаемое решение».')
  })

  it('a task made for three responsibles at once makes one message to its creator', async () => {
    await start({ 'TASK-ONE-RESPONSIBLE': { mode: 'notify' } })
    const ids = [PAVEL, 7, 8].map((responsible) =>
      h.portal.data.addTask({ TITLE: 'РЗ Обзвонить клиентов из выставки', RESPONSIBLE_ID: responsible }, { byUserId: ANNA }))
    await settle(h)
    // Told when the burst is over: two minutes after its first task.
    expect(notices()).toEqual([])
    await h.later(2 * 60_000)
    expect(notices()).toHaveLength(1)
    const [message] = to(ANNA)
    expect(message).toContain(`tasks/task/view/${ids[0]}/]`)
    expect(message).toMatch(/Павел Лебедев.*Екатерина Новикова.*Мария Фёдорова/s)
    expect(message).toContain(`Те же задачи: Задача [URL=${new URL(h.portal.clientEndpoint).origin}/company/personal/user/0/tasks/task/view/${ids[1]}/]`)
  })

  it('an observer added without a delegation is reported; the former responsible kept as observer after one is not', async () => {
    await start({ 'TASK-OBSERVER': { mode: 'notify' } })
    const delegated = h.portal.data.addTask({ TITLE: 'РЗ Согласовать макет буклета', RESPONSIBLE_ID: PAVEL }, { byUserId: ANNA })
    await settle(h)
    h.portal.data.updateTask(delegated, { RESPONSIBLE_ID: 7, AUDITORS: [PAVEL] }, { byUserId: PAVEL })
    const watched = h.portal.data.addTask({ TITLE: 'РЗ Заказать печать буклета', RESPONSIBLE_ID: PAVEL, AUDITORS: [8] }, { byUserId: ANNA })
    await settle(h)
    expect(notices()).toHaveLength(1)
    const [message] = to(ANNA)
    expect(message).toContain(`tasks/task/view/${watched}/]`)
    expect(message).toContain('Мария Фёдорова')
  })

  it('bad data never stops the worker: an unreadable history is recorded as undecided, a deleted task closes what it had', async () => {
    await start({ 'TASK-OBSERVER': { mode: 'notify' }, 'TASK-FEEDBACK-SLA': { mode: 'notify' }, 'TASK-OVERDUE': { mode: 'notify' } })
    h.portal.faults.fail({ method: 'tasks.task.history.list', status: 400, error: 'ACCESS_DENIED', description: 'Access denied', times: 2 })
    const id = h.portal.data.addTask({ TITLE: 'РЗ Проверить счёт', RESPONSIBLE_ID: PAVEL, AUDITORS: [8], DEADLINE: new Date(h.now() + 86_400_000).toISOString() }, { byUserId: ANNA })
    await settle(h)
    const undecided = (await h.store.journal.recent(h.portal.memberId, 50)).filter((entry) => entry.kind === 'rule.undecided').map((entry) => entry.detail.ruleId)
    expect(undecided.sort()).toEqual(['TASK-FEEDBACK-SLA', 'TASK-OBSERVER'])
    expect(notices()).toEqual([])
    expect(await h.store.inbox.stats(h.portal.memberId)).toMatchObject({ pending: 0, parked: 0 })
    // TASK-OVERDUE needs no history: its clock runs; the deleted task stops it.
    expect((await h.store.clocks.all(h.portal.memberId)).map((clock) => [clock.ruleId, clock.outcome])).toEqual([['TASK-OVERDUE', null]])
    h.portal.data.deleteTask(id, { byUserId: ANNA })
    await settle(h)
    expect((await h.store.clocks.all(h.portal.memberId)).map((clock) => clock.outcome)).toEqual(['deleted'])
    expect(await h.store.inbox.stats(h.portal.memberId)).toMatchObject({ pending: 0, parked: 0 })
  })

  it('a co-executor the directory does not know yet is recorded as undecided, nobody is told wrongly', async () => {
    await start({ 'TASK-ONE-RESPONSIBLE': { mode: 'notify' } })
    const newcomer = h.portal.data.addUser({ NAME: 'Олег', LAST_NAME: 'Новенький', UF_DEPARTMENT: [3] })
    h.portal.data.addTask({ TITLE: 'РЗ Подготовить выставочный стенд', RESPONSIBLE_ID: PAVEL, ACCOMPLICES: [newcomer], DESCRIPTION: 'Павел — макет стенда.' }, { byUserId: ANNA })
    await settle(h)
    const undecided = (await h.store.journal.recent(h.portal.memberId, 50)).filter((entry) => entry.kind === 'rule.undecided')
    expect(undecided.map((entry) => [entry.detail.ruleId, entry.detail.why])).toEqual([
      ['TASK-ONE-RESPONSIBLE', `Нельзя проверить, описана ли часть соисполнителя #${newcomer}: его нет в справочнике сотрудников.`],
    ])
    expect(notices()).toEqual([])
    expect(await h.store.inbox.stats(h.portal.memberId)).toMatchObject({ pending: 0, parked: 0 })
  })
})

