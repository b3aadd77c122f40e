// The deal tab and the app's page in a real headless Chromium: what a person sees, the clock ticking in working time,
// re-check from the page; the supervisors' dashboard with its chart drawn.
import type { Browser } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { launchBrowser } from '../helpers/browser.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

const WAIT_MS = 10_000
const ANNA = 5
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))

let h: MovedHarness | undefined
let browser: Browser | undefined
afterEach(async () => {
  await browser?.close()
  await h?.close()
})

describe('the deal tab in a browser', () => {
  it('shows the violation, counts the time left down, and re-checks: a planned step puts the deal right', async () => {
    const harness = await startOnMovedClock(testSettings({ rules: { ...OFF, 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: ['PT1H'], time: '24/7' } } }))
    h = harness
    const id = harness.portal.data.addDeal({ TITLE: 'Вектор: <i>серверы</i>', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
    await settle(harness)
    await harness.later(30_000)
    const tab = await harness.portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: { ID: id }, userId: ANNA })
    browser = await launchBrowser({ timeout: WAIT_MS })
    const page = await browser.newPage({ locale: 'ru-RU' })
    page.setDefaultTimeout(WAIT_MS)
    // The portal's frame POST was made above; the browser gets its answer at the app's origin, so the page's requests reach the app.
    await page.route(`${harness.url}/tab`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: tab.body }))
    await page.clock.install({ time: harness.now() })
    await page.goto(`${harness.url}/tab`)

    await expect.poll(() => page.locator('li.verdict.failed').textContent()).toContain('У сделки есть следующий шаг')
    // The CRM's markup is text: the title shows its tags, nothing in italics.
    expect(await page.locator('p.record').textContent()).toContain('Сделка «Вектор: <i>серверы</i>»')
    expect(await page.locator('p.record i').count()).toBe(0)
    expect(await page.locator('.violation').first().textContent()).toContain('сообщено: Анна Морозова')
    // The supervisor's step is an hour after the breach: the time left ticks down in the browser.
    const left = page.locator('li.clock .left')
    expect(await left.textContent()).toBe('просрочено; руководителю сообщат через 1 ч 0 мин')
    await page.clock.fastForward('30:00')
    await expect.poll(() => left.textContent()).toBe('просрочено; руководителю сообщат через 30 мин')

    // Anna plans a call; the event is lost, so the re-check reads the deal again.
    harness.portal.faults.dropEvents(1)
    harness.portal.data.addActivity({ OWNER_TYPE_ID: 2, OWNER_ID: id, TYPE_ID: 2, SUBJECT: 'Перезвонить', COMPLETED: 'N', RESPONSIBLE_ID: ANNA,
      DEADLINE: new Date(harness.now() + 86_400_000).toISOString(), COMMUNICATIONS: [{ VALUE: '+79001234567', TYPE: 'PHONE' }] }, { byUserId: ANNA })
    await page.getByRole('button', { name: 'Проверить сейчас' }).click()
    await expect.poll(() => page.locator('li.violation').first().getAttribute('class')).toBe('violation past')
    expect(await page.locator('li.violation').first().textContent()).toContain('(исправлено)')
    expect(await page.locator('li.verdict').filter({ hasText: 'У сделки есть следующий шаг' }).textContent()).toContain('идёт срок')
  })
})

describe('the supervisors’ dashboard in a browser', () => {
  it('shows the tables and draws the trend chart', async () => {
    const harness = await startOnMovedClock(testSettings({ rules: { ...OFF, 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: ['PT1H'], time: '24/7' } } }))
    h = harness
    harness.portal.data.addDeal({ TITLE: 'Вектор: <i>серверы</i>', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
    harness.portal.data.addDeal({ TITLE: 'Ромашка: стойка', ASSIGNED_BY_ID: 6 }, { byUserId: 6 })
    await settle(harness)
    await harness.later(30_000)
    const dashboard = await harness.portal.openApp({ url: `${harness.url}/app`, userId: 4 })
    browser = await launchBrowser({ timeout: WAIT_MS })
    const page = await browser.newPage({ locale: 'ru-RU' })
    page.setDefaultTimeout(WAIT_MS)
    await page.route(`${harness.url}/app`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: dashboard.body }))
    await page.goto(`${harness.url}/app`)

    await expect.poll(() => page.locator('h1').textContent()).toBe('Панель руководителя')
    expect(await page.locator('section.by-manager tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/Анна Морозова\s*1\s*0\s*\+1/), expect.stringMatching(/Павел Лебедев\s*1\s*0\s*\+1/),
    ])
    expect(await page.locator('ol.items a').first().textContent()).toBe('Сделка «Вектор: <i>серверы</i>»')
    const chart = page.locator('svg.chart')
    expect(await chart.isVisible()).toBe(true)
    expect(await chart.locator('rect.bar').count()).toBe(28)
    // Today's bar: two violations, the tallest, drawn with its height; the days without any keep a sliver.
    const today = chart.locator('rect.bar').last()
    expect(await today.getAttribute('data-value')).toBe('2')
    expect((await today.boundingBox())!.height).toBeGreaterThan(100)
    expect((await chart.locator('rect.bar.zero').first().boundingBox())!.height).toBeLessThan(2)
    expect(await chart.locator('text.tick').allTextContents()).toContain(new Intl.DateTimeFormat('ru-RU', { timeZone: 'Europe/Moscow', day: '2-digit', month: '2-digit' }).format(new Date(harness.now())))
  })
})
