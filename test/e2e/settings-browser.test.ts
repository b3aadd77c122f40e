// The settings page in headless Chromium inside the fake portal's frame, as an administrator uses it: deadlines as numbers
// and units, people by name, the report's day and time, a plan; saved, the clocks, the schedule and the report follow.
import type { Browser, FrameLocator, Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { calendarFor } from '../../rules/calendar/portal-calendar.js'
import { RULE_IDS } from '../../rules/catalogue.js'
import { loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { latestOccurrence } from '../../src/reports/schedule.js'
import { parsePeriod, prepareReport, scopeOf } from '../../src/reports/report.js'
import { localDateOf } from '../../src/shared/zoned-days.js'
import { seen } from '../helpers/seen.js'
import { openSettingsPage, WAIT_MS } from '../helpers/settings-page.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

const ADMIN = 1
const ANNA = 5
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))

let h: MovedHarness | undefined
let browser: Browser | undefined
afterEach(async () => {
  await browser?.close()
  browser = undefined
  await h?.close()
  h = undefined
})

// The administrator's settings page in the portal's frame, opened from the dashboard; only LEAD-CONTACT-SLA on.
async function openSettings(language = 'ru', calendar?: object): Promise<{ harness: MovedHarness; page: Page; app: FrameLocator }> {
  const harness = await startOnMovedClock(testSettings({ calendar, rules: { ...OFF, 'LEAD-CONTACT-SLA': { mode: 'notify' } } }), { language })
  h = harness
  const opened = await openSettingsPage(harness, ADMIN, language)
  browser = opened.browser
  return { harness, page: opened.page, app: opened.app }
}

describe('the settings page in the portal', () => {
  it('counts a deadline in working days while the rule counts working time: «2 рабочих дня», saved as P2D, the clock two working days on', async () => {
    const weekdays = { mon: '09:00-18:00', tue: '09:00-18:00', wed: '09:00-18:00', thu: '09:00-18:00', fri: '09:00-18:00', sat: 'off', sun: 'off' }
    const { harness, app } = await openSettings('ru', { hours: weekdays })
    const contact = app.locator('#rule-LEAD-CONTACT-SLA')
    const within = contact.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"]')
    await within.locator('.amount').fill('2')
    await within.locator('.unit').selectOption('D')
    expect(await within.locator('.unit option:checked').textContent()).toBe('рабочих дня')
    // Round the clock a day is 24 hours, and the word says so; back to working time, working days again.
    const time = contact.locator('[data-setting="rules.LEAD-CONTACT-SLA.time"]')
    await time.selectOption('24/7')
    expect(await within.locator('.unit option:checked').textContent()).toBe('суток')
    await time.selectOption('working')
    expect(await seen(within)).toBe('2 рабочих дня')
    await app.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => app.locator('#outcome').textContent(), { timeout: WAIT_MS }).toBe('Сохранено.')
    const memberId = harness.portal.memberId
    expect((await harness.store.portalSettings.get(memberId))?.overrides).toEqual({ rules: { 'LEAD-CONTACT-SLA': { within: 'P2D' } } })

    const lead = harness.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', ASSIGNED_BY_ID: ANNA }, { byUserId: ADMIN })
    await settle(harness)
    harness.portal.data.updateLead(lead, { STATUS_ID: 'IN_PROCESS' }, { byUserId: ADMIN })
    await settle(harness)
    const clock = (await harness.store.clocks.all(memberId)).find((item) => item.ruleId === 'LEAD-CONTACT-SLA')!
    const moscow = calendarFor((await harness.app.portalSettings.of(memberId)).calendar, 'ru', loadProductionCalendars())
    expect(clock.dueAt).toBe(moscow.addWorkingDays(Date.parse(clock.startedAt), 2).toISOString())
    // Not 48 working hours, which would be more than five working days.
    expect(clock.dueAt).not.toBe(moscow.addWorkingMinutes(Date.parse(clock.startedAt), 48 * 60).toISOString())
  })

  it('sets the contact deadline to 20 minutes, its second step to 2 hours, an office manager by name, Friday 17:00, Anna’s plan; saved, all follow', async () => {
    const { harness, app } = await openSettings()
    const contact = app.locator('#rule-LEAD-CONTACT-SLA')
    expect(await contact.locator('h3').textContent()).toBe('С клиентом по лиду связались вовремя')
    expect(await contact.locator('[data-setting="rules.LEAD-CONTACT-SLA.mode"] option:checked').textContent()).toBe('Уведомлять')
    const within = contact.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"]')
    expect(await within.locator('.amount').inputValue()).toBe('15')
    await within.locator('.amount').fill('20')
    expect(await within.locator('.unit option:checked').textContent()).toBe('минут')
    const second = contact.locator('.ladder .step').nth(1)
    expect(await seen(contact.locator('.ladder'))).toBe('руководителю — сразу ×, его руководителю — через 1 час ×')
    await second.locator('.amount').fill('2')
    await second.locator('.unit').selectOption('H')
    expect(await seen(second)).toBe(', его руководителю — через 2 часа ×')

    const office = app.locator('[data-setting="rules.LEAD-DISPATCH-SLA.officeManagers.users"]')
    await office.locator('.search').fill('Фёд')
    await office.getByRole('button', { name: 'Мария Фёдорова' }).click()
    expect(await office.locator('.chip').innerText()).toContain('Мария Фёдорова')

    const weekly = app.locator('[data-setting="reports.weekly"]')
    expect(await weekly.locator('.day option:checked').textContent()).toBe('каждый понедельник')
    await weekly.locator('.day').selectOption({ label: 'каждую пятницу' })
    await weekly.locator('.time').fill('17:00')
    await app.getByRole('spinbutton', { name: 'Анна Морозова: Лидов создать' }).fill('40')

    await app.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => app.locator('#outcome').textContent(), { timeout: WAIT_MS }).toBe('Сохранено.')
    const memberId = harness.portal.memberId
    expect((await harness.store.portalSettings.get(memberId))?.overrides).toEqual({
      reports: { weekly: '0 17 * * 5', plans: { [String(ANNA)]: { created: 40, converted: null } } },
      rules: {
        'LEAD-CONTACT-SLA': { within: 'PT20M', escalate: ['PT0S', 'PT2H'] },
        'LEAD-DISPATCH-SLA': { officeManagers: { users: ['8'] } },
      },
    })
    expect((await harness.store.journal.recent(memberId, 10)).find((entry) => entry.kind === 'settings.changed')?.detail).toMatchObject({ userId: String(ADMIN) })

    // The next lead's clock: due 20 working minutes after it starts, its supervisor's supervisor told 2 hours after that.
    const lead = harness.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', ASSIGNED_BY_ID: ANNA }, { byUserId: ADMIN })
    await settle(harness)
    harness.portal.data.updateLead(lead, { STATUS_ID: 'IN_PROCESS' }, { byUserId: ADMIN })
    await settle(harness)
    const clock = (await harness.store.clocks.all(memberId)).find((item) => item.ruleId === 'LEAD-CONTACT-SLA')!
    expect(Date.parse(clock.dueAt) - Date.parse(clock.startedAt)).toBe(20 * 60_000)
    expect(clock.steps.filter((step) => step.kind === 'escalation').map((step) => Date.parse(step.at) - Date.parse(clock.dueAt))).toEqual([0, 2 * 3_600_000])

    // The next delivery moment: Friday 17:00 in the portal's time (Moscow), not Monday 09:00.
    const reports = (await harness.app.portalSettings.of(memberId)).reports
    expect(reports.weekly).toBe('0 17 * * 5')
    const friday1659 = Date.parse('2026-12-11T16:59:00+03:00')
    expect(latestOccurrence(reports.weekly!, 'Europe/Moscow', friday1659, 8)).toBe(Date.parse('2026-12-04T17:00:00+03:00'))
    expect(latestOccurrence(reports.weekly!, 'Europe/Moscow', friday1659 + 60_000, 8)).toBe(Date.parse('2026-12-11T17:00:00+03:00'))

    // The report's plan column: Anna's 40 leads for a whole month.
    const portal = (await harness.store.portals.get(memberId))!
    const directory = await harness.store.directory.load(memberId)
    // The month of Anna's new lead, whole: its plan is the month's.
    const today = localDateOf(harness.now(), 'Europe/Moscow')
    const month = `${today.year}-${String(today.month).padStart(2, '0')}`
    const period = parsePeriod(`${month}-01`, `${month}-${new Date(Date.UTC(today.year, today.month, 0)).getUTCDate()}`)
    if ('error' in period) throw new Error(period.error)
    const { data } = await prepareReport({ store: harness.store, settings: harness.app.portalSettings, directory }, portal, scopeOf(directory, undefined, 'ru')!, period)
    expect(data.managers.find((row) => row.userId === String(ANNA))?.leads).toMatchObject({ created: 1, planCreated: 40, planConverted: null })
  })
})

describe('what the settings page says, and what it keeps', () => {
  it('a negative deadline: its error in words next to its field, nothing saved', async () => {
    const { harness, app } = await openSettings()
    const line = app.locator('#rule-LEAD-CONTACT-SLA .line', { has: app.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"]') })
    await line.locator('.amount').fill('-5')
    await app.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => line.locator('[data-error-for="rules.LEAD-CONTACT-SLA.within"]').textContent()).toBe('срок должен быть больше нуля')
    expect(await seen(line)).toBe('Связаться с клиентом за -5 минут рабочего времени срок должен быть больше нуля')
    expect(await line.locator('.duration').getAttribute('class')).toBe('duration invalid')
    expect(await app.locator('#outcome').textContent()).toBe('Не сохранено: исправьте отмеченное поле.')
    expect(await harness.store.portalSettings.get(harness.portal.memberId)).toBeUndefined()
  })

  it('the visible text holds no ISO-8601 duration, cron line, pattern outside «Дополнительно» or bare id; the departed and the deleted say so', async () => {
    const harness = await startOnMovedClock(testSettings({ rules: { ...OFF, 'DEAL-NEXT-STEP': { mode: 'notify', pausedStages: ['C1:NEGOTIATION', 'PREPARATION'] } } }))
    h = harness
    const memberId = harness.portal.memberId
    const directory = await harness.store.directory.load(memberId)
    const sales = [...directory.departments.values()].find((item) => item.name === 'Отдел продаж')!
    const saved = await harness.app.portalSettings.save(memberId, {
      reports: { plans: { 12: { created: 5, converted: 1 }, [ANNA]: { created: 40, converted: 12 } } },
      rules: { 'LEAD-DISPATCH-SLA': { officeManagers: { users: ['8', '12'], departments: [sales.id] } }, 'DEAL-STAGE-STUCK': { limits: { 0: { NEW: 'P2D' } } } },
      supervisors: { [ANNA]: '3' },
    }, String(ADMIN))
    expect(saved.ok).toBe(true)
    const opened = await openSettingsPage(harness, ADMIN)
    browser = opened.browser
    const app = opened.app
    const text = await app.locator('body').evaluate((body) => (body as HTMLElement).innerText)
    const visible = await seen(app.locator('body'))
    for (const shown of [text, visible]) {
      expect(shown).not.toMatch(/\bP(T?\d|\d)/)
      expect(shown).not.toMatch(/(^|\s)[\d*/,-]+ [\d*/,-]+ [\d*/,-]+ [\d*/,-]+ [\d*/,-]+(\s|$)/m)
      expect(shown).not.toMatch(/[\^$]|\\[sdpw]|\(\?|\[[^\]]*\]|\|/)
      // Ids only where a name is gone, and said so.
      const named = shown.replace(/уволен: #\d+/g, '').replace(/удалённая стадия C\d+:[A-Z_]+/g, '')
      expect(named).not.toMatch(/#\d+|\bC\d+:|\b[A-Z]{2,}(_[A-Z]+)+\b|\b(NEW|PREPARATION|NEGOTIATION|WON|LOSE|IN_PROCESS)\b|=\s*\d/)
    }
    expect(visible).toContain('Офис-менеджеры, которые распределяют лиды: Мария Фёдорова × уволен: #12 ×')
    expect(visible).toContain(`или все сотрудники отделов: Отдел продаж ×`)
    expect(visible).toContain('удалённая стадия C1:NEGOTIATION')
    expect(visible).toContain('Общая: Подготовка документов')
    expect(visible).toMatch(/Анна Морозова 40 12\n/)
    expect(visible).toContain('уволен: #12 5 1')
    expect(visible).toContain('Анна Морозова подчиняется Ольга Кузнецова ×')
    expect(visible).toContain('Общая: Новая 2 суток')
    expect(visible).toContain('Недельный отчёт (за прошлую неделю): каждый понедельник в 09:00')
    expect(visible).toContain('Месячный отчёт (за прошлый месяц): 1 -го числа в 09:00')
    // «Дополнительно», opened, shows the patterns themselves, each explained, with a live example.
    await app.locator('details.advanced > summary').click()
    const advanced = await seen(app.locator('details.advanced'))
    expect(advanced).toContain('^(лид|lead)\\s*(№|#)?\\s*\\d*$')
    expect(advanced).toContain('Проверьте название: Заявка с сайта совпадает с шаблоном № 3 — это название по умолчанию, лид надо переименовать')
    await app.locator('[data-example="titles"]').fill('Вектор: 20 ноутбуков')
    expect(await app.locator('[data-example-out="titles"]').textContent()).toBe('не совпадает ни с одним шаблоном — название принимается')
    expect(advanced).toContain('Общество с ограниченной ответственностью «Вектор» найдена форма собственности ООО')
    expect(advanced).toContain('Отчёт по продажам за неделю вид задачи: отчёт')
  })

  it('the month view shows the production calendar’s holidays; clicked days are saved as the portal’s days off and working days', async () => {
    const harness = await startOnMovedClock({ ...testSettings({ rules: OFF }), calendar: { hours: { mon: '09:00-18:00', tue: '09:00-18:00', wed: '09:00-18:00', thu: '09:00-18:00', fri: '09:00-18:00', sat: 'off', sun: 'off' } } })
    h = harness
    const opened = await openSettingsPage(harness, ADMIN)
    browser = opened.browser
    const app = opened.app
    const view = app.locator('.month-view')
    // From the month it opens at (the portal's today) to January 2027, whichever way that is.
    const today = (await view.getAttribute('data-today'))!
    const months = (2027 - Number(today.slice(0, 4))) * 12 + (1 - Number(today.slice(5, 7)))
    for (let i = 0; i < Math.abs(months); i++) await view.locator(months > 0 ? '.next' : '.prev').click()
    expect(await view.locator('.month-name').textContent()).toBe('январь 2027 г.')
    expect(await view.locator('.day.holiday').evaluateAll((days) => days.map((day) => day.textContent))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8'])
    expect(await view.locator('[data-date="2027-01-09"]').getAttribute('class')).toBe('day weekend')
    await view.locator('[data-date="2027-01-12"]').click()
    await view.locator('[data-date="2027-01-16"]').click()
    expect(await view.locator('[data-date="2027-01-12"]').getAttribute('class')).toBe('day extra-off')
    expect(await view.locator('[data-date="2027-01-16"]').getAttribute('class')).toBe('day weekend extra-work')
    expect(await app.locator('.chosen-days').textContent()).toBe('Выходные портала: 12 января 2027 г.. Рабочие дни портала: 16 января 2027 г..')
    await app.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => app.locator('#outcome').textContent()).toBe('Сохранено.')
    expect((await harness.store.portalSettings.get(harness.portal.memberId))?.overrides).toEqual({ calendar: { daysOff: ['2027-01-12'], workingDays: ['2027-01-16'] } })
  })
})
