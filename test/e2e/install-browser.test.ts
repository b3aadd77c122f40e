// The install page in a real headless Chromium, framed by the fake portal's app page: the SDK handshake and installFinish.
import type { Browser, Route } from 'playwright-core'
import qs from 'qs'
import { afterEach, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { postForm, settle, startHarness, type Harness } from '../helpers/harness.js'

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

    // The frame carried no APPLICATION_TOKEN, as on cloud portals; a forged ONAPPINSTALL meanwhile changes nothing.
    const waiting = await harness.store.portals.get(harness.portal.memberId)
    expect(waiting?.applicationToken).toBe('')
    const forged = await postForm(`${harness.url}/events`, forgedInstall(harness))
    expect(forged.status).toBe(403)
    expect(await harness.store.portals.get(harness.portal.memberId)).toEqual(waiting)

    await finish.continue()
    await page.waitForURL(/install_finished=Y/)
    expect(harness.portal.installed).toBe(true)
    expect(finishRequests).toHaveLength(1)
    // The portal answers installFinish with ONAPPINSTALL: the application_token the app keeps from now on.
    await settle(harness)
    expect(harness.portal.deliveries.filter((d) => d.event === 'ONAPPINSTALL').map((d) => d.status)).toEqual([200])
    expect((await harness.store.portals.get(harness.portal.memberId))?.applicationToken).toBe(harness.portal.applicationToken)
    const id = harness.portal.data.addLead({ TITLE: 'Заявка с сайта', COMPANY_TITLE: 'ООО «Вектор»' }, { byUserId: 5 })
    const byRobot = harness.portal.data.addLead({ TITLE: 'Заявка от робота' }, { byRobot: true })
    await settle(harness)
    expect(leadEvents()).toEqual([{ url: `${harness.url}/events`, status: 200 }, { url: `${harness.url}/events`, status: 200 }])
    expect((await harness.store.mirror.get(harness.portal.memberId, 'lead', id))?.snapshot).toMatchObject({ ID: id, TITLE: 'Заявка с сайта' })
    expect((await harness.store.mirror.get(harness.portal.memberId, 'lead', byRobot))?.snapshot).toMatchObject({ TITLE: 'Заявка от робота' })
  })
})

/** An ONAPPINSTALL for the harness portal with tokens the portal never issued. */
function forgedInstall(h: Harness): string {
  return qs.stringify({
    event: 'ONAPPINSTALL', data: { VERSION: '1', LANGUAGE_ID: 'ru' }, ts: '1766047124',
    auth: {
      access_token: 'made-up-access-token', refresh_token: 'made-up-refresh-token', expires_in: '3600', domain: h.portal.domain,
      server_endpoint: h.portal.serverEndpoint, client_endpoint: h.portal.clientEndpoint, member_id: h.portal.memberId,
      application_token: 'forged0000000000000000000000000',
    },
  })
}

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
