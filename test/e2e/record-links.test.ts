// Links to records and tasks in a real headless Chromium: in the portal's frames they open the portal's slider,
// outside the portal the record on the portal in a new tab.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { launchBrowser } from '../helpers/browser.js'
import { settle, startHarness, startOnMovedClock, testSettings, type Harness, type MovedHarness } from '../helpers/harness.js'

const WAIT_MS = 15_000
const DMITRY = 4 // head of sales
const ANNA = 5
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))
const PHONE = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'

let h: Harness | undefined
let browser: Browser | undefined
afterEach(async () => {
  await browser?.close()
  browser = undefined
  await h?.close()
  h = undefined
})

/** A deal of Anna's past its next-step deadline, and a task of hers bound to it. */
async function world(): Promise<{ harness: MovedHarness; deal: string; task: string }> {
  const harness = await startOnMovedClock(testSettings({ rules: { ...OFF, 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: ['PT1H'], time: '24/7' } } }))
  h = harness
  const deal = harness.portal.data.addDeal({ TITLE: 'Вектор: серверная стойка', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
  const task = harness.portal.data.addTask({ TITLE: 'Отправить КП по стойке', RESPONSIBLE_ID: ANNA, UF_CRM_TASK: [`D_${deal}`] }, { byUserId: ANNA })
  await settle(harness)
  await harness.later(30_000)
  return { harness, deal, task }
}

async function newContext(options: { userAgent?: string } = {}): Promise<BrowserContext> {
  browser = await launchBrowser({ timeout: WAIT_MS })
  const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1100, height: 800 }, ...options })
  context.setDefaultTimeout(WAIT_MS)
  return context
}

/** Waits until the app's page has fitted its frame: the SDK is up and talking to the portal. */
async function fitted(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.layout').evaluate((layout: HTMLElement) => layout.style.height), { timeout: WAIT_MS }).not.toBe('')
}

/** The addresses of the portal's open sliders. */
function sliders(page: Page): Promise<(string | null)[]> {
  return page.locator('aside.side-panel').evaluateAll((panels) => panels.map((panel) => panel.getAttribute('data-url')))
}

describe('links in the portal’s frames', () => {
  it('a task in the deal tab opens in the portal’s slider, on the portal’s address', async () => {
    const { harness, deal, task } = await world()
    const context = await newContext()
    const page = await context.newPage()
    await page.goto(harness.portal.cardPageUrl('deal', deal, DMITRY))
    await fitted(page)
    const link = page.frameLocator('iframe').getByRole('link', { name: 'Отправить КП по стойке' })
    const path = `/company/personal/user/0/tasks/task/view/${task}/`
    expect(await link.getAttribute('href')).toBe(`${harness.portal.url}${path}`)

    await link.click()
    await expect.poll(() => sliders(page), { timeout: WAIT_MS }).toHaveLength(1)
    const opened = new URL((await sliders(page))[0] ?? '')
    expect(opened.origin + opened.pathname).toBe(`${harness.portal.url}${path}`)
    expect(opened.searchParams.get('IFRAME_TYPE')).toBe('SIDE_SLIDER')
    // The slider, not a tab, and the tab stays where it was.
    expect(context.pages()).toHaveLength(1)
    expect(await page.frameLocator('iframe').locator('main.rules').count()).toBe(1)
  })

  it('a record on the supervisors’ dashboard opens in the portal’s slider', async () => {
    const { harness, deal } = await world()
    const context = await newContext()
    const page = await context.newPage()
    await page.goto(harness.portal.appPageUrl({ installUrl: `${harness.url}/install`, handlerUrl: `${harness.url}/app`, userId: DMITRY }))
    await fitted(page)
    const link = page.frameLocator('iframe').getByRole('link', { name: 'Сделка «Вектор: серверная стойка»' })
    expect(await link.getAttribute('href')).toBe(`${harness.portal.url}/crm/deal/details/${deal}/`)

    await link.click()
    await expect.poll(() => sliders(page), { timeout: WAIT_MS }).toHaveLength(1)
    const opened = new URL((await sliders(page))[0] ?? '')
    expect(opened.origin + opened.pathname).toBe(`${harness.portal.url}/crm/deal/details/${deal}/`)
    expect(context.pages()).toHaveLength(1)
  })

  it('on a phone, where the portal opens no slider, the record opens in a new tab on the portal', async () => {
    const { harness, deal } = await world()
    const context = await newContext({ userAgent: PHONE })
    const page = await context.newPage()
    await page.goto(harness.portal.appPageUrl({ installUrl: `${harness.url}/install`, handlerUrl: `${harness.url}/app`, userId: DMITRY }))
    await fitted(page)
    const tab = context.waitForEvent('page')
    await page.frameLocator('iframe').getByRole('link', { name: 'Сделка «Вектор: серверная стойка»' }).click()
    const opened = new URL((await tab).url())
    expect(opened.origin + opened.pathname).toBe(`${harness.portal.url}/crm/deal/details/${deal}/`)
    expect(await sliders(page)).toEqual([])
  })

  it('a portal older than 22.300 opens no slider for the SDK’s path: the task opens in a new tab on the portal', async () => {
    const harness = await startHarness({ portal: { sliderPaths: 'before-22.300' } })
    h = harness
    await harness.portal.installApp({ installUrl: `${harness.url}/install` })
    const deal = harness.portal.data.addDeal({ TITLE: 'Вектор: серверная стойка', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
    const task = harness.portal.data.addTask({ TITLE: 'Отправить КП по стойке', RESPONSIBLE_ID: ANNA, UF_CRM_TASK: [`D_${deal}`] }, { byUserId: ANNA })
    await settle(harness)
    const context = await newContext()
    const page = await context.newPage()
    await page.goto(harness.portal.cardPageUrl('deal', deal, DMITRY))
    await fitted(page)
    const tab = context.waitForEvent('page')
    await page.frameLocator('iframe').getByRole('link', { name: 'Отправить КП по стойке' }).click()
    expect((await tab).url()).toBe(`${harness.portal.url}/company/personal/user/0/tasks/task/view/${task}/`)
    expect(await sliders(page)).toEqual([])
  })
})

describe('links outside the portal', () => {
  it('on the dashboard after the OAuth login a record opens on the portal in a new tab', async () => {
    const { harness, deal } = await world()
    harness.portal.setRedirectUri(`${harness.url}/app/oauth/callback`)
    const context = await newContext()
    await context.addCookies([{ name: 'FAKE_PORTAL_USER', value: String(DMITRY), url: harness.portal.url }])
    const page = await context.newPage()
    await page.goto(`${harness.url}/app`)
    await page.getByLabel('Адрес вашего портала Битрикс24').fill(harness.portal.domain)
    await page.getByRole('button', { name: 'Войти через Битрикс24' }).click()
    await page.waitForURL(`${harness.url}/app`)
    const link = page.getByRole('link', { name: 'Сделка «Вектор: серверная стойка»' })
    const record = `${harness.portal.url}/crm/deal/details/${deal}/`
    expect(await link.getAttribute('href')).toBe(record)
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('rel')).toBe('noopener')

    const tab = context.waitForEvent('page')
    await link.click()
    expect((await tab).url()).toBe(record)
    expect(page.url()).toBe(`${harness.url}/app`)
  })
})
