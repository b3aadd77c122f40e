// npm run screenshots: plays the demo's day (test/demo/day.ts), opens its pages in headless Chromium as a person would
// and saves the pictures the README shows: docs/screenshots/deal-tab.png, dashboard.png and settings.png.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Frame, Page } from 'playwright-core'
import { launchBrowser } from '../helpers/browser.js'
import { addresses, playDay } from './day.js'

const OUT = new URL('../../docs/screenshots/', import.meta.url).pathname
const WAIT_MS = 20_000
const VIEWPORT = { width: 1100, height: 800 }

/** The app's frame in the portal's page, once its document answers `ready`. */
async function appFrame(page: Page, ready: (frame: Frame) => Promise<boolean>): Promise<Frame> {
  const until = Date.now() + WAIT_MS
  for (;;) {
    for (const frame of page.frames()) {
      if (frame !== page.mainFrame() && (await ready(frame).catch(() => false))) return frame
    }
    if (Date.now() > until) throw new Error(`the app's frame did not show on ${page.url()}`)
    await page.waitForTimeout(100)
  }
}

/**
 * Waits until the frame's box stops changing (the page fits its frame through resizeWindow), then a full-page picture,
 * cut at `maxHeight` when given (the settings page is over 5000 px tall: its top is picture enough).
 */
async function shoot(page: Page, name: string, maxHeight?: number): Promise<void> {
  let last = ''
  for (let stable = 0; stable < 3; ) {
    await page.waitForTimeout(150)
    const box = JSON.stringify(await page.locator('.layout').boundingBox())
    stable = box === last ? stable + 1 : 0
    last = box
  }
  const path = join(OUT, name)
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  const clip = maxHeight !== undefined && height > maxHeight ? { x: 0, y: 0, width: VIEWPORT.width, height: maxHeight } : undefined
  await page.screenshot({ path, fullPage: true, clip })
  console.log(`  снимок: ${path}`)
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const day = await playDay()
  const browser = await launchBrowser({ timeout: WAIT_MS })
  try {
    const at = addresses(day)
    console.log('\nСнимки страниц для README')
    const page = await browser.newPage({ locale: 'ru-RU', viewport: VIEWPORT })
    page.setDefaultTimeout(WAIT_MS)

    // The deal card with its tab «Правила», as Дмитрий Соколов, Анна's supervisor.
    await page.goto(at.deal)
    await appFrame(page, async (frame) => (await frame.locator('li.verdict').count()) > 0)
    await shoot(page, 'deal-tab.png')

    // The app's page as Дмитрий: the supervisors' dashboard with its chart.
    await page.goto(at.dashboard)
    await appFrame(page, async (frame) => (await frame.locator('h1').first().textContent({ timeout: 200 })) === 'Панель руководителя' && (await frame.locator('svg.chart').count()) > 0)
    await shoot(page, 'dashboard.png')

    // The app's page as the administrator Алексей; «Открыть настройки» replaces the dashboard with the settings.
    await page.goto(at.admin)
    const dashboard = await appFrame(page, async (frame) => (await frame.getByRole('button', { name: 'Открыть настройки' }).count()) > 0)
    await dashboard.getByRole('button', { name: 'Открыть настройки' }).click()
    await appFrame(page, async (frame) => (await frame.locator('h1').first().textContent({ timeout: 200 })) === 'Настройки правил')
    await shoot(page, 'settings.png', 1_800)
  } finally {
    await browser.close()
    await day.close()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
