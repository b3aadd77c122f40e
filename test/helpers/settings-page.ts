// Opens the administrator's settings page as a person does: the app's page in the fake portal's frame, «Открыть настройки».
import type { Browser, FrameLocator, Page } from 'playwright-core'
import { launchBrowser } from './browser.js'
import type { MovedHarness } from './harness.js'

/** How long a browser step may take. */
export const WAIT_MS = 15_000

/** A browser on the portal's app page as `userId` (the administrator), switched to the settings page inside its frame. */
export async function openSettingsPage(harness: MovedHarness, userId: number, language = 'ru'): Promise<{ browser: Browser; page: Page; app: FrameLocator }> {
  const browser = await launchBrowser({ timeout: WAIT_MS })
  const page = await browser.newPage({ locale: language === 'ru' ? 'ru-RU' : 'en-GB', viewport: { width: 1100, height: 900 } })
  page.setDefaultTimeout(WAIT_MS)
  await page.goto(harness.portal.appPageUrl({ installUrl: `${harness.url}/install`, handlerUrl: `${harness.url}/app`, userId }))
  const app = page.frameLocator('iframe')
  await app.locator('#open-settings').click()
  await app.locator('main.settings').waitFor()
  return { browser, page, app }
}
