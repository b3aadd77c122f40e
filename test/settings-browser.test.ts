// The settings page in headless Chromium inside the fake portal's frame, as an administrator uses it: deadlines as numbers
// and units, people by name, the report's day and time, a plan; saved, the clocks, the schedule and the report follow.
import type { Browser, FrameLocator, Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../rules/catalogue.js'
import { latestOccurrence } from '../src/reports/schedule.js'
import { parsePeriod, prepareReport, scopeOf } from '../src/reports/report.js'
import { localDateOf } from '../src/zoned-days.js'
import { launchBrowser } from './helpers/browser.js'
import { seen } from './helpers/seen.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from './helpers/harness.js'

const WAIT_MS = 15_000
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

// The administrator's settings page in the portal's frame, opened from the dashboard.
async function openSettings(language = 'ru'): Promise<{ harness: MovedHarness; page: Page; app: FrameLocator }> {
  const harness = await startOnMovedClock(testSettings({ rules: { ...OFF, 'LEAD-CONTACT-SLA': { mode: 'notify' } } }), { language })
  h = harness
  browser = await launchBrowser({ timeout: WAIT_MS })
  const page = await browser.newPage({ locale: language === 'ru' ? 'ru-RU' : 'en-GB', viewport: { width: 1100, height: 900 } })
  page.setDefaultTimeout(WAIT_MS)
  await page.goto(harness.portal.appPageUrl({ installUrl: `${harness.url}/install`, handlerUrl: `${harness.url}/app`, userId: ADMIN }))
  const app = page.frameLocator('iframe')
  await app.locator('#open-settings').click()
  await app.locator('main.settings').waitFor()
  return { harness, page, app }
}

describe('the settings page in the portal', () => {
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
    expect(harness.store.portalSettings.get(memberId)?.overrides).toEqual({
      reports: { weekly: '0 17 * * 5', plans: { [String(ANNA)]: { created: 40, converted: null } } },
      rules: {
        'LEAD-CONTACT-SLA': { within: 'PT20M', escalate: ['PT0S', 'PT2H'] },
        'LEAD-DISPATCH-SLA': { officeManagers: { users: ['8'] } },
      },
    })
    expect(harness.store.journal.recent(memberId, 10).find((entry) => entry.kind === 'settings.changed')?.detail).toMatchObject({ userId: String(ADMIN) })

    // The next lead's clock: due 20 working minutes after it starts, its supervisor's supervisor told 2 hours after that.
    const lead = harness.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', ASSIGNED_BY_ID: ANNA }, { byUserId: ADMIN })
    await settle(harness)
    harness.portal.data.updateLead(lead, { STATUS_ID: 'IN_PROCESS' }, { byUserId: ADMIN })
    await settle(harness)
    const clock = harness.store.clocks.all(memberId).find((item) => item.ruleId === 'LEAD-CONTACT-SLA')!
    expect(Date.parse(clock.dueAt) - Date.parse(clock.startedAt)).toBe(20 * 60_000)
    expect(clock.steps.filter((step) => step.kind === 'escalation').map((step) => Date.parse(step.at) - Date.parse(clock.dueAt))).toEqual([0, 2 * 3_600_000])

    // The next delivery moment: Friday 17:00 in the portal's time (Moscow), not Monday 09:00.
    const reports = harness.app.portalSettings.of(memberId).reports
    expect(reports.weekly).toBe('0 17 * * 5')
    const friday1659 = Date.parse('2026-12-11T16:59:00+03:00')
    expect(latestOccurrence(reports.weekly!, 'Europe/Moscow', friday1659, 8)).toBe(Date.parse('2026-12-04T17:00:00+03:00'))
    expect(latestOccurrence(reports.weekly!, 'Europe/Moscow', friday1659 + 60_000, 8)).toBe(Date.parse('2026-12-11T17:00:00+03:00'))

    // The report's plan column: Anna's 40 leads for a whole month.
    const portal = harness.store.portals.get(memberId)!
    const directory = harness.store.directory.load(memberId)
    // The month of Anna's new lead, whole: its plan is the month's.
    const today = localDateOf(harness.now(), 'Europe/Moscow')
    const month = `${today.year}-${String(today.month).padStart(2, '0')}`
    const period = parsePeriod(`${month}-01`, `${month}-${new Date(Date.UTC(today.year, today.month, 0)).getUTCDate()}`)
    if ('error' in period) throw new Error(period.error)
    const { data } = prepareReport({ store: harness.store, settings: harness.app.portalSettings, directory }, portal, scopeOf(directory, undefined, 'ru')!, period)
    expect(data.managers.find((row) => row.userId === String(ANNA))?.leads).toMatchObject({ created: 1, planCreated: 40, planConverted: null })
  })
})
