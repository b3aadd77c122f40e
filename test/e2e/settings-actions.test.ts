// The settings page's buttons in the portal's frame — «Проверить» per rule with links, «Вернуть как в файле» per section —
// and the same page in English on an English portal.
import type { Browser } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'
import { seen } from '../helpers/seen.js'
import { openSettingsPage } from '../helpers/settings-page.js'

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

describe('the settings page’s buttons', () => {
  it('«Проверить» shows per rule how many open records the new settings would flag, with links to them; nothing is saved', async () => {
    h = await startOnMovedClock(testSettings({ rules: OFF }))
    for (const title of ['Новый лид', 'Входящий звонок от +7 900', 'Вектор: 20 ноутбуков']) h.portal.data.addLead({ TITLE: title, ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
    await settle(h)
    const opened = await openSettingsPage(h, ADMIN)
    browser = opened.browser
    const { app } = opened
    expect(await app.locator('#flagged').textContent()).toBe('0')
    await app.locator('[data-setting="rules.LEAD-TITLE.mode"]').selectOption({ label: 'Уведомлять' })
    await app.getByRole('button', { name: 'Проверить' }).click()
    const count = app.locator('.flag-count[data-rule="LEAD-TITLE"]')
    await expect.poll(() => count.textContent()).toMatch(/^Сейчас нарушают: 2: /)
    expect((await count.locator('a').allTextContents()).sort()).toEqual(['Лид «Входящий звонок от +7 900»', 'Лид «Новый лид»'])
    expect(await count.locator('a').first().getAttribute('href')).toMatch(new RegExp(`^${new URL(h.portal.clientEndpoint).origin}/crm/lead/details/\\d+/$`))
    expect(await app.locator('#flagged').textContent()).toBe('2')
    expect(await app.locator('#outcome').textContent()).toBe('Проверено: ошибок нет, ничего не сохранено.')
    expect(await h.store.portalSettings.get(h.portal.memberId)).toBeUndefined()
  })

  it('«Вернуть как в файле» brings one section back to the settings file’s values; saved, only the other section stays the portal’s own', async () => {
    h = await startOnMovedClock(testSettings({ rules: { ...OFF, 'LEAD-CONTACT-SLA': { mode: 'notify' } } }))
    const saved = await h.app.portalSettings.save(h.portal.memberId, { rules: { 'LEAD-CONTACT-SLA': { within: 'PT20M' } }, reports: { weekly: '0 17 * * 5' } }, String(ADMIN))
    expect(saved.ok).toBe(true)
    const opened = await openSettingsPage(h, ADMIN)
    browser = opened.browser
    const { app } = opened
    const within = app.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"]')
    expect(await seen(within)).toBe('20 минут')
    await app.locator('#rule-LEAD-CONTACT-SLA').getByRole('button', { name: 'Вернуть как в файле' }).click()
    await expect.poll(() => app.locator('p.note').textContent()).toBe('Раздел возвращён как в файле настроек. Это ещё не сохранено — нажмите «Сохранить».')
    expect(await seen(app.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"]'))).toBe('15 минут')
    expect(await seen(app.locator('[data-setting="reports.weekly"]'))).toBe('каждую пятницу в 17:00')
    expect((await h.store.portalSettings.get(h.portal.memberId))?.overrides).toEqual({ rules: { 'LEAD-CONTACT-SLA': { within: 'PT20M' } }, reports: { weekly: '0 17 * * 5' } })
    await app.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => app.locator('#outcome').textContent()).toBe('Сохранено.')
    expect((await h.store.portalSettings.get(h.portal.memberId))?.overrides).toEqual({ reports: { weekly: '0 17 * * 5' } })
  })
})

describe('what the page does not change stays as the file has it', () => {
  it('saved untouched, settings the page shows in other words (PT24H, PT90S, a weekday range, a lead before the deadline, a moment) keep their text: nothing of the portal’s own', async () => {
    h = await startOnMovedClock(testSettings({
      calendar: { hours: { mon: '08:00-17:00', tue: '08:00-17:00', wed: '08:00-17:00', thu: '08:00-17:00', fri: '08:00-16:00', sat: 'off', sun: 'off' }, timeZone: 'Asia/Yekaterinburg', daysOff: ['2027-01-12'], workingDays: [{ date: '2027-01-16', hours: '10:00-14:00' }] },
      reports: { weekly: '0 9 * * 1-5', monthly: '30 8 2 * *', history: 'PT2160H' },
      rules: {
        'LEAD-CONTACT-SLA': { within: 'PT24H', warnAt: ['50%', 'PT5M'], escalate: ['PT90S', 'P1DT2H'], since: '2026-12-01T10:00:00+03:00' },
        'DEAL-STAGE-STUCK': { limits: { 0: { NEW: 'P3D' }, 1: { 'C1:NEW': 'PT36H' } } },
        'LEAD-FIELDS': { required: ['TITLE', 'UF_CRM_BUDGET'] },
      },
    }))
    const opened = await openSettingsPage(h, ADMIN)
    browser = opened.browser
    const { app } = opened
    expect(await seen(app.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"]'))).toBe('24 часа')
    expect(await seen(app.locator('#rule-LEAD-CONTACT-SLA .ladder'))).toBe('руководителю — через 90 секунд ×, его руководителю — через 26 часов ×')
    expect(await seen(app.locator('[data-setting="reports.weekly"]'))).toBe('по особому расписанию из файла настроек')
    expect(await seen(app.locator('[data-setting="reports.monthly"]'))).toBe('2 -го числа в 08:30')
    await app.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => app.locator('#outcome').textContent()).toBe('Сохранено.')
    expect((await h.store.portalSettings.get(h.portal.memberId))?.overrides).toEqual({})
  })
})

describe('on an English portal', () => {
  it('the same page in English: the rules, deadlines, ladder, people, schedule and errors', async () => {
    h = await startOnMovedClock(testSettings({ rules: { ...OFF, 'LEAD-CONTACT-SLA': { mode: 'notify' } } }), { language: 'en' })
    const opened = await openSettingsPage(h, ADMIN, 'en')
    browser = opened.browser
    const { app } = opened
    expect(await app.locator('h1').textContent()).toBe('Rule settings')
    expect(await app.locator('section.group > h2').allTextContents()).toEqual(['Leads', 'Deals', 'Tasks'])
    const contact = app.locator('#rule-LEAD-CONTACT-SLA')
    expect(await seen(contact.locator('h3'))).toBe('The lead\'s client is contacted in time')
    expect(await seen(contact.locator('.line').nth(0))).toBe('What to do: Notify')
    expect(await seen(contact.locator('.line').nth(1))).toBe('Contact the client within 15 minutes of working time')
    expect(await seen(contact.locator('.line').nth(2))).toBe('Warn the responsible when 80 % of the time has passed (empty: no warning)')
    expect(await seen(contact.locator('.ladder'))).toBe('the supervisor — at once ×, their supervisor — after 1 hour ×')
    expect(await seen(app.locator('[data-setting="reports.weekly"]'))).toBe('every Monday at 09:00')
    const office = app.locator('[data-setting="rules.LEAD-DISPATCH-SLA.officeManagers.users"]')
    expect(await office.locator('.search').getAttribute('placeholder')).toBe('Find a person by name…')
    await office.locator('.search').fill('фёд')
    await office.getByRole('button', { name: 'Мария Фёдорова' }).click()
    await contact.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"] .amount').fill('-1')
    await app.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => app.locator('[data-error-for="rules.LEAD-CONTACT-SLA.within"]').textContent()).toBe('the time must be more than zero')
    expect(await app.locator('#outcome').textContent()).toBe('Not saved: correct the marked field.')
    await contact.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"] .amount').fill('1')
    await contact.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"] .unit').selectOption('H')
    expect(await seen(contact.locator('.line').nth(1))).toBe('Contact the client within 1 hour of working time')
    await app.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => app.locator('#outcome').textContent()).toBe('Saved.')
    expect((await h.store.portalSettings.get(h.portal.memberId))?.overrides).toEqual({ rules: { 'LEAD-CONTACT-SLA': { within: 'PT1H' }, 'LEAD-DISPATCH-SLA': { officeManagers: { users: ['8'] } } } })
    const text = await app.locator('body').evaluate((body) => (body as HTMLElement).innerText)
    expect(text).not.toMatch(/\bP(T?\d|\d)/)
    expect(text).not.toMatch(/Выключено|Уведомлять|Связаться|руководителю|минут/)
  })
})
