// The administrator's settings page: the same checks as RULES_FILE, the error in words on its field, nothing saved when
// wrong, in effect at once when right, journalled, and per rule which open records the new settings would flag, before saving.
import type { Browser } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { launchBrowser } from '../helpers/browser.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

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
async function formConfig(change: (config: any) => void): Promise<object> {
  const config = JSON.parse(JSON.stringify(await h.app.portalSettings.formConfig(h.portal.memberId)))
  change(config)
  return config
}

describe('the settings page', () => {
  it('shows an administrator the form with every setting, how many records are flagged now; no session, 401', async () => {
    const session = await start()
    const page = await post('/app/settings/page', session)
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-security-policy']).toContain(new URL(h.portal.clientEndpoint).origin)
    expect(page.body).toContain('data-setting="rules.LEAD-CONTACT-SLA.within" data-kind="duration" data-iso="PT15M" data-ms="900000"')
    expect(page.body).toContain('<select data-setting="calendar.timeZone" data-kind="nullable"><option value="" selected>как у портала (по языку)</option>')
    expect(page.body).toMatch(/С этими настройками сейчас нарушают правила открытых записей: <b id="flagged">0<\/b>/)
    expect((await post('/app/settings/page', '')).statusCode).toBe(401)
    // A draft drawn again (a section returned as in the file); one of a broken shape draws the settings as saved.
    const draft = await post('/app/settings/page', session, { config: await formConfig((c) => { c.rules['LEAD-CONTACT-SLA'].within = 'PT20M' }), note: 'reverted' })
    expect(draft.body).toContain('data-setting="rules.LEAD-CONTACT-SLA.within" data-kind="duration" data-iso="PT20M"')
    expect(draft.body).toContain('Раздел возвращён как в файле настроек.')
    const broken = await post('/app/settings/page', session, { config: { legalForms: [{ short: 'ООО', full: 5 }], rules: { 'TASK-PREFIX': { forms: [{ text: 'РЗ' }] } }, calendar: 7 } })
    expect(broken.statusCode).toBe(200)
    expect(broken.body).toContain('<h1>Настройки правил</h1>')
  })

  it('refuses anyone but an administrator', async () => {
    const manager = await start(ANNA)
    const answer = await post('/app/settings/page', manager)
    expect(answer.statusCode).toBe(403)
    expect(answer.json()).toMatchObject({ error: 'NOT_ADMIN' })
    expect((await post('/app/settings/save', manager, { config: await formConfig(() => {}) })).statusCode).toBe(403)
  })

  it('an invalid value is answered with its setting and message, and nothing is saved', async () => {
    const session = await start()
    const answer = await post('/app/settings/save', session, { config: await formConfig((c) => { c.rules['LEAD-CONTACT-SLA'].within = '-PT5M' }) })
    expect(answer.statusCode).toBe(422)
    expect(answer.json()).toEqual({ ok: false, path: 'rules.LEAD-CONTACT-SLA.within', message: 'must not be negative (got "-PT5M")', text: 'срок должен быть больше нуля' })
    expect(await h.store.portalSettings.get(h.portal.memberId)).toBeUndefined()
    const stage = await post('/app/settings/check', session, { config: await formConfig((c) => { c.rules['DEAL-STAGE-STUCK'].limits = { 2: { 'C3:NEW': 'P1D' } } }) })
    expect(stage.json()).toMatchObject({ ok: false, path: 'rules.DEAL-STAGE-STUCK.limits.2.C3:NEW' })
  })

  it('shows before saving how many open records would be flagged; saved, only what differs is kept, journalled, in effect at once', async () => {
    const session = await start()
    const titles = await formConfig((c) => { c.rules['LEAD-TITLE'].mode = 'notify' })
    const checked = (await post('/app/settings/check', session, { config: titles })).json()
    expect(checked).toMatchObject({ ok: true, flagged: 2, rules: [{ ruleId: 'LEAD-TITLE', count: 2 }] })
    expect(checked.rules).toHaveLength(1)
    expect(checked.rules[0].examples.map((item: { label: string }) => item.label).sort()).toEqual(['Лид «Лид #45»', 'Лид «Новый лид»'])
    expect(checked.rules[0].examples[0].path).toMatch(/^\/crm\/lead\/details\/\d+\/$/)
    expect(await h.store.portalSettings.get(h.portal.memberId)).toBeUndefined()
    const saved = await post('/app/settings/save', session, { config: await formConfig((c) => { c.rules['DEAL-NEXT-STEP'] = { ...c.rules['DEAL-NEXT-STEP'], mode: 'notify', within: 'PT2H', time: '24/7' } }) })
    expect(saved.json()).toEqual({ ok: true, flagged: 0, rules: [{ ruleId: 'DEAL-NEXT-STEP', count: 0, examples: [] }] })
    expect((await h.store.portalSettings.get(h.portal.memberId))?.overrides).toEqual({ rules: { 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT2H', time: '24/7' } } })
    expect((await h.store.journal.recent(h.portal.memberId, 10)).find((entry) => entry.kind === 'settings.changed')?.detail).toMatchObject({ userId: String(ADMIN) })
    // In effect without a restart: a new deal owes a next step within the two hours.
    h.portal.data.addDeal({ TITLE: 'Вектор: стойки', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
    await settle(h)
    const [clock] = await h.store.clocks.all(h.portal.memberId)
    expect(Date.parse(clock!.dueAt) - Date.parse(clock!.startedAt)).toBe(2 * 3_600_000)
  })

  it('in a browser: the reports’ schedule in words, kept in the file as cron lines; a month’s day and «не отправлять»', async () => {
    const session = await start()
    const form = (await post('/app/settings/page', session)).body
    expect(form).toContain('data-setting="reports.weekly" data-kind="weekly" data-original="0 9 * * 1" data-day="1" data-time="09:00"')
    browser = await launchBrowser({ timeout: 10_000 })
    const page = await browser.newPage({ locale: 'ru-RU' })
    page.setDefaultTimeout(10_000)
    await page.route(`${h.url}/settings`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: form }))
    await page.goto(`${h.url}/settings`)
    expect(await page.locator('section h2').allTextContents()).toContain('Отчёты руководителям')
    await page.locator('[data-setting="reports.monthly"] .day').selectOption({ label: 'не отправлять' })
    await page.locator('[data-setting="reports.weekly"] .time').fill('08:30')
    await page.getByRole('spinbutton', { name: 'Анна Морозова: Лидов создать' }).fill('40')
    await page.getByRole('spinbutton', { name: 'Анна Морозова: Лидов сконвертировать' }).fill('12')
    await page.getByRole('spinbutton', { name: 'Павел Лебедев: Лидов создать' }).fill('25')
    await page.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => page.locator('#outcome').textContent()).toBe('Сохранено.')
    expect((await h.store.portalSettings.get(h.portal.memberId))?.overrides).toEqual({
      reports: { weekly: '30 8 * * 1', monthly: null, plans: { '5': { created: 40, converted: 12 }, '6': { created: 25, converted: null } } },
    })
    expect((await h.app.portalSettings.of(h.portal.memberId)).reports).toMatchObject({ weekly: '30 8 * * 1', monthly: null, plans: { '5': { created: 40, converted: 12 } } })
    // A plan that is not a whole number is refused next to the table, in words.
    await page.getByRole('spinbutton', { name: 'Павел Лебедев: Лидов создать' }).fill('2.5')
    await page.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => page.locator('[data-error-for="reports.plans"]').textContent()).toBe('нужно целое число')
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
    expect(await page.locator('[data-setting="rules.DEAL-NEXT-STEP.mode"]').inputValue()).toBe('off')
    expect(await page.locator('[data-setting="rules.DEAL-NEXT-STEP.mode"] option:checked').textContent()).toBe('Выключено')
  })
})

