// The install page in a real headless Chromium, framed by the fake portal's app page: the SDK handshake and installFinish.
import type { Browser, Route } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { launchBrowser } from './helpers/browser.js'
import { settle, startHarness, type Harness } from './helpers/harness.js'

const WAIT_MS = 10_000

describe('install with the interface, in a browser', () => {
  let h: Harness | undefined
  let browser: Browser | undefined
  afterEach(async () => {
    await browser?.close()
    await h?.close()
  })

  it('the install page finishes the installation; the portal sends events only after that', async () => {
    const harness = await startHarness()
    h = harness
    browser = await launchBrowser({ timeout: WAIT_MS })
    const page = await browser.newPage({ locale: 'ru-RU', viewport: { width: 1000, height: 640 } })
    page.setDefaultTimeout(WAIT_MS)
    const leadEvents = () =>
      harness.portal.deliveries.filter((d) => d.event === 'ONCRMLEADADD').map((d) => ({ url: d.url, status: d.status }))

    // Hold the portal's own set_installed request: the moment after installFinish(), before the portal acts on it.
    const finishRequests: Route[] = []
    let finishRequested: (route: Route) => void = () => {}
    const held = new Promise<Route>((resolve) => (finishRequested = resolve))
    await page.route('**/bitrix/components/bitrix/app.layout/lazyload.ajax.php', async (route) => {
      if (!new URLSearchParams(route.request().postData() ?? '').has('action', 'set_installed')) return route.continue()
      finishRequests.push(route)
      finishRequested(route)
    })

    await page.goto(harness.portal.appPageUrl({ installUrl: `${harness.url}/install`, handlerUrl: `${harness.url}/app` }))
    const status = page.frameLocator('iframe').locator('#status')
    await status.waitFor()
    expect(await status.textContent()).toContain('Приложение установлено')
    const finish = await within(held, WAIT_MS, 'the portal never got set_installed: the page did not call installFinish()')

    // Bound, installFinish sent, not yet finished: a new lead reaches nobody.
    expect(harness.portal.eventBindings.some((b) => b.event === 'ONCRMLEADADD' && b.handler === `${harness.url}/events`)).toBe(true)
    expect(harness.portal.installed).toBe(false)
    harness.portal.data.addLead({ TITLE: 'Заявка до завершения установки' }, { byUserId: 5 })
    await settle(harness)
    expect(leadEvents()).toEqual([])
    // The portal page itself is not the app's origin: a command it posts with the frame's APP_SID is ignored.
    const appSid = (await page.locator('iframe').getAttribute('name'))?.split('|')[2]
    await page.evaluate((sid) => window.postMessage(`setInstallFinish:forged:${sid}`, '*'), appSid)
    const screenshot = process.env.INSTALL_SCREENSHOT
    if (screenshot) await page.screenshot({ path: screenshot })

    await finish.continue()
    await page.waitForURL(/install_finished=Y/)
    expect(harness.portal.installed).toBe(true)
    expect(finishRequests).toHaveLength(1)
    const id = harness.portal.data.addLead({ TITLE: 'Заявка с сайта', COMPANY_TITLE: 'ООО «Вектор»' }, { byUserId: 5 })
    await settle(harness)
    expect(leadEvents()).toEqual([{ url: `${harness.url}/events`, status: 200 }])
    expect(harness.store.mirror.get(harness.portal.memberId, 'lead', id)?.snapshot).toMatchObject({ ID: id, TITLE: 'Заявка с сайта' })
  })
})

/** Resolves like `promise`, or fails after `ms` saying what did not happen. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
