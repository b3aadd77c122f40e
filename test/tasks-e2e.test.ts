// The task rules end to end with the fake portal over real HTTP: who is told, about what, and only once.
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../rules/catalogue.js'
import { settle, startHarness, testSettings, type Harness } from './helpers/harness.js'

const ANNA = 5 // sales; her supervisor Дмитрий Соколов (4)
const PAVEL = 6
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))

let h: Harness
afterEach(async () => h?.close())

// The app with only the named task rules on, installed and swept.
async function start(rules: Record<string, unknown>): Promise<void> {
  h = await startHarness({ app: { ruleSettings: testSettings({ rules: { ...OFF, ...rules } }) } })
  await h.portal.installApp({ installUrl: `${h.url}/install` })
  await settle(h)
  h.portal.clearCalls()
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
    const deadline = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const description = '[B]Вид:[/B] ПР\n[B]Суть:[/B] клиент «Альфа-Строй» просит скидку 7%\n[B]Полная информация:[/B] годовой заказ бумаги на 1,2 млн ₽'
    h.portal.data.addTask({ TITLE: 'ПР Скидка для клиента', RESPONSIBLE_ID: PAVEL, DEADLINE: deadline, DESCRIPTION: description }, { byUserId: ANNA })
    await settle(h)
    expect(notices()).toHaveLength(1)
    const [message] = to(ANNA)
    expect(message).toContain('Что не так: В ПР не хватает: ответственный — ваш непосредственный руководитель (Дмитрий Соколов), раздел «Предлагаемое решение».')
  })
})
