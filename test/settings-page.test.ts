// The administrator's settings page: the same checks as RULES_FILE, the error on its field, nothing saved when wrong,
// in effect at once when right, journalled, and how many open records the new settings would flag, before saving.
import type { Browser } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../rules/catalogue.js'
import { launchBrowser } from './helpers/browser.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from './helpers/harness.js'

const ADMIN = 1
const ANNA = 5
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))

let h: MovedHarness
let browser: Browser | undefined
afterEach(async () => {
  await browser?.close()
  browser = undefined
  await h?.close()
})

// The app with every rule off, two unnamed leads and a deal; and the page session of `userId` (from a card tab).
async function start(userId = ADMIN): Promise<string> {
  h = await startOnMovedClock(testSettings({ rules: OFF }))
  for (const title of ['Новый лид', 'Лид #45']) h.portal.data.addLead({ TITLE: title, ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
  const deal = h.portal.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
  await settle(h)
  const tab = await h.portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: { ID: deal }, userId })
  return /var session = "([^"]+)"/.exec(tab.body)?.[1] ?? ''
}

const post = (url: string, session: string, payload?: object) =>
  h.app.inject({ method: 'POST', url, headers: { 'x-rules-session': session }, ...(payload ? { payload } : {}) })

// The form's settings as the page's script sends them, with `change` applied.
function formConfig(change: (config: any) => void): object {
  const config = JSON.parse(JSON.stringify(h.app.portalSettings.formConfig(h.portal.memberId)))
  change(config)
  return config
}

describe('the settings page', () => {
  it('shows an administrator the form with every setting, how many records are flagged now; no session, 401', async () => {
    const session = await start()
    const page = await post('/app/settings/page', session)
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-security-policy']).toContain(new URL(h.portal.clientEndpoint).origin)
    expect(page.body).toContain('data-path="rules.LEAD-CONTACT-SLA.within" data-kind="text" value="PT15M"')
    expect(page.body).toContain('data-path="calendar.timeZone" data-kind="nullable" value=""')
    expect(page.body).toMatch(/С этими настройками сейчас нарушают правила открытых записей: <b id="flagged">0<\/b>/)
    expect((await post('/app/settings/page', '')).statusCode).toBe(401)
  })

  it('refuses anyone but an administrator', async () => {
    const manager = await start(ANNA)
    const answer = await post('/app/settings/page', manager)
    expect(answer.statusCode).toBe(403)
    expect(answer.json()).toMatchObject({ error: 'NOT_ADMIN' })
    expect((await post('/app/settings/save', manager, { config: formConfig(() => {}) })).statusCode).toBe(403)
  })

  it('an invalid value is answered with its setting and message, and nothing is saved', async () => {
    const session = await start()
    const answer = await post('/app/settings/save', session, { config: formConfig((c) => { c.rules['LEAD-CONTACT-SLA'].within = '-PT5M' }) })
    expect(answer.statusCode).toBe(422)
    expect(answer.json()).toEqual({ ok: false, path: 'rules.LEAD-CONTACT-SLA.within', message: 'must not be negative (got "-PT5M")' })
    expect(h.store.portalSettings.get(h.portal.memberId)).toBeUndefined()
    const stage = await post('/app/settings/check', session, { config: formConfig((c) => { c.rules['DEAL-STAGE-STUCK'].limits = { 2: { 'C3:NEW': 'P1D' } } }) })
    expect(stage.json()).toMatchObject({ ok: false, path: 'rules.DEAL-STAGE-STUCK.limits.2.C3:NEW' })
  })

  it('shows before saving how many open records would be flagged; saved, only what differs is kept, journalled, in effect at once', async () => {
    const session = await start()
    const titles = formConfig((c) => { c.rules['LEAD-TITLE'].mode = 'notify' })
    expect((await post('/app/settings/check', session, { config: titles })).json()).toEqual({ ok: true, flagged: 2 })
    expect(h.store.portalSettings.get(h.portal.memberId)).toBeUndefined()
    const saved = await post('/app/settings/save', session, { config: formConfig((c) => { c.rules['DEAL-NEXT-STEP'] = { ...c.rules['DEAL-NEXT-STEP'], mode: 'notify', within: 'PT2H', time: '24/7' } }) })
    expect(saved.json()).toEqual({ ok: true, flagged: 0 })
    expect(h.store.portalSettings.get(h.portal.memberId)?.overrides).toEqual({ rules: { 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT2H', time: '24/7' } } })
    expect(h.store.journal.recent(h.portal.memberId, 10).find((entry) => entry.kind === 'settings.changed')?.detail).toMatchObject({ userId: String(ADMIN) })
    // In effect without a restart: a new deal owes a next step within the two hours.
    h.portal.data.addDeal({ TITLE: 'Вектор: стойки', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
    await settle(h)
    const [clock] = h.store.clocks.all(h.portal.memberId)
    expect(Date.parse(clock!.dueAt) - Date.parse(clock!.startedAt)).toBe(2 * 3_600_000)
  })

  it('in a browser: a wrong value is marked on its field with its message and nothing is saved', async () => {
    const session = await start()
    const form = (await post('/app/settings/page', session)).body
    browser = await launchBrowser({ timeout: 10_000 })
    const page = await browser.newPage({ locale: 'ru-RU' })
    page.setDefaultTimeout(10_000)
    await page.route(`${h.url}/settings`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: form }))
    await page.goto(`${h.url}/settings`)
    const within = page.locator('[data-path="rules.LEAD-CONTACT-SLA.within"]')
    await within.fill('пятнадцать минут')
    await page.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => within.getAttribute('class')).toBe('invalid')
    expect(await page.locator('[data-error-for="rules.LEAD-CONTACT-SLA.within"]').textContent()).toBe('must be an ISO-8601 duration such as PT15M or P1D (got "пятнадцать минут")')
    expect(await page.locator('#outcome').textContent()).toBe('Не сохранено: исправьте выделенное поле.')
    expect(h.store.portalSettings.get(h.portal.memberId)).toBeUndefined()
    await within.fill('PT20M')
    await page.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => page.locator('#outcome').textContent()).toBe('Сохранено.')
    expect(h.store.portalSettings.get(h.portal.memberId)?.overrides).toEqual({ rules: { 'LEAD-CONTACT-SLA': { within: 'PT20M' } } })
  })

  it('in a browser: the reports’ schedule and the managers’ plans are set on the page', async () => {
    const session = await start()
    const form = (await post('/app/settings/page', session)).body
    expect(form).toContain('data-path="reports.weekly" data-kind="nullable" value="0 9 * * 1"')
    browser = await launchBrowser({ timeout: 10_000 })
    const page = await browser.newPage({ locale: 'ru-RU' })
    page.setDefaultTimeout(10_000)
    await page.route(`${h.url}/settings`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: form }))
    await page.goto(`${h.url}/settings`)
    expect(await page.locator('section h2').allTextContents()).toContain('Отчёты')
    await page.locator('[data-path="reports.monthly"]').fill('')
    await page.locator('[data-path="reports.weekly"]').fill('0 8 * * 1')
    await page.locator('[data-path="reports.plans"]').fill('5=40/12\n6=25/')
    await page.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => page.locator('#outcome').textContent()).toBe('Сохранено.')
    expect(h.store.portalSettings.get(h.portal.memberId)?.overrides).toEqual({
      reports: { weekly: '0 8 * * 1', monthly: null, plans: { '5': { created: 40, converted: 12 }, '6': { created: 25, converted: null } } },
    })
    expect(h.app.portalSettings.of(h.portal.memberId).reports).toMatchObject({ weekly: '0 8 * * 1', monthly: null, plans: { '5': { created: 40, converted: 12 } } })
    // A schedule that is not one is refused on its field.
    await page.locator('[data-path="reports.weekly"]').fill('по понедельникам')
    await page.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => page.locator('[data-error-for="reports.weekly"]').textContent()).toContain('must be a cron expression')
  })

  it('in a browser: the administrator opens the settings from the dashboard', async () => {
    await start()
    const dashboard = await h.portal.openPlacement({ placement: 'DEFAULT', options: {}, userId: ADMIN, url: `${h.url}/app` })
    browser = await launchBrowser({ timeout: 10_000 })
    const page = await browser.newPage({ locale: 'ru-RU' })
    page.setDefaultTimeout(10_000)
    await page.route(`${h.url}/dashboard`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: dashboard.body }))
    await page.goto(`${h.url}/dashboard`)
    await page.getByRole('button', { name: 'Открыть настройки' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Настройки правил')
    expect(await page.locator('[data-path="rules.DEAL-NEXT-STEP.mode"]').inputValue()).toBe('off')
  })
})

