// What people see of the robots in the app's pages: the settings page lists them and says where to find them (or that
// the portal has no automation), and a deal's tab shows the robot steps that ran on it and what they answered.
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

const ADMIN = 1
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))

let h: MovedHarness
afterEach(async () => h?.close())

const openTab = (id: string, userId = ADMIN) => h.portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: { ID: id }, userId })
const sessionOf = (body: string) => /var session = "([^"]+)"/.exec(body)?.[1] ?? ''

async function settingsPageOf(deal: string): Promise<string> {
  const session = sessionOf((await openTab(deal)).body)
  const reply = await h.app.inject({ method: 'POST', url: '/app/settings/page', headers: { 'x-rules-session': session } })
  expect(reply.statusCode).toBe(200)
  return reply.body
}

describe('the settings page', () => {
  it('lists the robots with what they do and where an administrator adds them', async () => {
    h = await startOnMovedClock(testSettings({ rules: OFF }))
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка' })
    await settle(h)
    const body = await settingsPageOf(deal)
    expect(body).toContain('<h2>Роботы</h2>')
    expect(body).toContain('CRM → Сделки (или Лиды) → Роботы → «Добавить» → «Приложения»')
    for (const name of ['Проверить правила компании', 'Исправить название компании', 'Срок в рабочем времени', 'Дождаться рабочего времени', 'Сообщить руководителю']) {
      expect(body).toContain(`<b>«${name}»</b>`)
    }
    expect(body).toContain('Где работает: лиды, сделки, смарт-процессы')
  })

  it('says so when the portal’s plan has no automation', async () => {
    h = await startOnMovedClock(testSettings({ rules: OFF }), { automation: false })
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка' })
    await settle(h)
    const body = await settingsPageOf(deal)
    expect(body).toContain('На тарифе портала нет автоматизации (роботов и бизнес-процессов): приложение установлено без роботов.')
    expect(body).not.toContain('<b>«Проверить правила компании»</b>')
  })
})

describe('the deal tab', () => {
  it('shows the robot steps that ran on the deal: when, which robot, what it answered', async () => {
    h = await startOnMovedClock(testSettings({ rules: OFF }))
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка' })
    await settle(h)
    expect((await openTab(deal)).body).toContain('Роботы приложения на этой записи не запускались.')
    await h.portal.data.runRobot('company_rules_check', `DEAL_${deal}`, {})
    await h.portal.data.runRobot('working_time_due', `DEAL_${deal}`, { start: '2025-12-30T17:00:00+03:00', amount: '3', unit: 'days' })
    await settle(h)
    const body = (await openTab(deal)).body
    expect(body).toMatch(/<b>«Срок в рабочем времени»<\/b> <span class="muted">\d\d\.\d\d\.\d{4}, \d\d:\d\d<\/span>/)
    // Round the clock (the test's calendar): three days later, to the minute, in words; no ISO date or raw value.
    expect(body).toContain('Срок: 02.01.2026, 17:00 (Москва, Санкт-Петербург (МСК)).')
    expect(body).not.toMatch(/\d{4}-\d\d-\d\dT|due = /)
    expect(body).toContain('<b>«Проверить правила компании»</b>')
    expect(body).toContain('Правила компании соблюдены.')
    expect(body).toMatch(/ответ отправлен \d\d\.\d\d\.\d{4}, \d\d:\d\d/)
  })
})
