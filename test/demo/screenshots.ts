// npm run screenshots: plays the demo's day (test/demo/day.ts), opens its pages in headless Chromium as a person would
// and saves the pictures the README shows: docs/screenshots/deal-tab.png, dashboard.png and settings.png; with
// LibreOffice at hand (soffice, or SOFFICE), also report.png: the day's Excel report as LibreOffice reads it (its HTML export of
// the workbook, every sheet, drawn by Chromium).
import { execFile } from 'node:child_process'
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parsePeriod, prepareReport, scopeOf } from '../../src/reports/report.js'
import { writeWorkbook } from '../../src/reports/workbook.js'
import { addDays, isoDate, localDateOf } from '../../src/shared/zoned-days.js'
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

// The week's report of the day as LibreOffice headless reads it (converted to HTML), pictured by the browser into report.png.
async function reportPicture(day: Awaited<ReturnType<typeof playDay>>, page: Page): Promise<void> {
  const { h } = day
  const portal = (await h.store.portals.get(h.portal.memberId))!
  const directory = await h.store.directory.load(portal.memberId)
  const today = localDateOf(Date.now(), 'Europe/Moscow')
  const period = parsePeriod(isoDate(addDays(today, -6)), isoDate(today))
  if ('error' in period) throw new Error(period.error)
  const { data, lang, fileName } = await prepareReport({ store: h.store, settings: h.app.portalSettings, directory }, portal, scopeOf(directory, undefined, 'ru')!, period)
  const dir = mkdtempSync(join(tmpdir(), 'rules-report-'))
  try {
    const file = join(dir, fileName)
    await writeWorkbook(data, createWriteStream(file), lang, new Date())
    const soffice = process.env.SOFFICE || 'soffice'
    await promisify(execFile)(soffice, ['--headless', '--norestore', `-env:UserInstallation=file://${join(dir, 'profile')}`, '--convert-to', 'html', '--outdir', dir, file], { timeout: 120_000 })
    await page.setViewportSize(VIEWPORT)
    await page.setContent(readFileSync(join(dir, fileName.replace(/\.xlsx$/, '.html')), 'utf8'))
    await page.addStyleTag({ content: 'body { margin: 16px; } td { padding: 2px 6px; } body, td { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 12px }' })
    const height = await page.evaluate(() => document.documentElement.scrollHeight)
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true, clip: { x: 0, y: 0, width: VIEWPORT.width, height: Math.min(height, 1_400) } })
    console.log(`  снимок: ${join(OUT, 'report.png')}`)
  } catch (error) {
    console.log(`  отчёт не нарисован (нужен LibreOffice: soffice): ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
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
    await reportPicture(day, page)
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
