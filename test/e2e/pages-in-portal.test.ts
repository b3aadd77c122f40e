// The pages in a real headless Chromium inside the fake portal's frames: the deal card's tab, the app's page, the settings.
import type { Browser, Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { launchBrowser } from '../helpers/browser.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

const WAIT_MS = 15_000
const ADMIN = 1
const DMITRY = 4 // head of sales
const ANNA = 5
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))
const XSS = '<img src=x onerror=alert(1)>'

let h: MovedHarness | undefined
let browser: Browser | undefined
afterEach(async () => {
  await browser?.close()
  browser = undefined
  await h?.close()
})

async function world(): Promise<{ harness: MovedHarness; deal: string; page: Page }> {
  const harness = await startOnMovedClock(testSettings({ rules: {
    ...OFF, 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: ['PT1H'], time: '24/7' }, 'LEAD-CONTACT-SLA': { mode: 'notify', time: '24/7' },
  } }))
  h = harness
  const deal = harness.portal.data.addDeal({ TITLE: XSS, ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
  await settle(harness)
  await harness.later(30_000)
  browser = await launchBrowser({ timeout: WAIT_MS })
  const page = await browser.newPage({ locale: 'ru-RU', viewport: { width: 1100, height: 800 } })
  page.setDefaultTimeout(WAIT_MS)
  return { harness, deal, page }
}

describe('inside the fake portal’s frames', () => {
  it('the deal tab shows the failing rule and a ticking clock, the title as text; the supervisor excuses it with a reason', async () => {
    const { harness, deal, page } = await world()
    await page.clock.install({ time: harness.now() })
    await page.goto(harness.portal.cardPageUrl('deal', deal, DMITRY))
    const tab = page.frameLocator('iframe')
    await expect.poll(() => tab.locator('li.verdict.failed').textContent()).toContain('У сделки есть следующий шаг')
    expect(await tab.locator('p.record').textContent()).toContain(`Сделка «${XSS}»`)
    expect(await tab.locator('p.record img').count()).toBe(0)
    const left = tab.locator('li.clock .left')
    expect(await left.textContent()).toBe('просрочено; руководителю сообщат через 1 ч 0 мин')
    await page.clock.fastForward('20:00')
    await expect.poll(() => left.textContent()).toBe('просрочено; руководителю сообщат через 40 мин')
    await tab.locator('form.excuse input').fill('Клиент в отпуске до 10.12, созвон назначен')
    await tab.getByRole('button', { name: 'Снять с причиной' }).click()
    await expect.poll(() => tab.locator('div.excused').textContent()).toMatch(/снято: Дмитрий Соколов, .* — «Клиент в отпуске до 10\.12, созвон назначен»/)
    expect((await harness.store.journal.recent(harness.portal.memberId, 30)).filter((entry) => entry.kind === 'violation.excused').map((entry) => entry.detail.reason))
      .toEqual(['Клиент в отпуске до 10.12, созвон назначен'])
  })

  it('the app’s page shows the supervisor the day’s violations; the administrator changes LEAD-CONTACT-SLA to 20 minutes, a wrong value saves nothing', async () => {
    const { harness, page } = await world()
    await page.goto(harness.portal.appPageUrl({ installUrl: `${harness.url}/install`, handlerUrl: `${harness.url}/app`, userId: DMITRY }))
    const app = page.frameLocator('iframe')
    await expect.poll(() => app.locator('main.dashboard h1').textContent()).toBe('Панель руководителя')
    expect(await app.locator('section.by-manager tbody').textContent()).toContain('Анна Морозова')
    expect(await app.locator('section.worst li.item a').first().textContent()).toBe(`Сделка «${XSS}»`)

    await page.goto(harness.portal.appPageUrl({ installUrl: `${harness.url}/install`, handlerUrl: `${harness.url}/app`, userId: ADMIN }))
    await app.getByRole('button', { name: 'Открыть настройки' }).click()
    const within = app.locator('[data-setting="rules.LEAD-CONTACT-SLA.within"] .amount')
    expect(await within.inputValue()).toBe('15')
    await within.fill('-20')
    await app.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => app.locator('[data-error-for="rules.LEAD-CONTACT-SLA.within"]').textContent()).toBe('срок должен быть больше нуля')
    expect(await harness.store.portalSettings.get(harness.portal.memberId)).toBeUndefined()
    await within.fill('20')
    await app.getByRole('button', { name: 'Сохранить' }).click()
    await expect.poll(() => app.locator('#outcome').textContent()).toBe('Сохранено.')

    // The next clock runs on the new 20 minutes.
    const lead = harness.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', ASSIGNED_BY_ID: ANNA }, { byUserId: ADMIN })
    await settle(harness)
    harness.portal.data.updateLead(lead, { STATUS_ID: 'IN_PROCESS' }, { byUserId: ADMIN })
    await settle(harness)
    const clock = (await harness.store.clocks.all(harness.portal.memberId)).find((item) => item.ruleId === 'LEAD-CONTACT-SLA')
    expect(Date.parse(clock!.dueAt) - Date.parse(clock!.startedAt)).toBe(20 * 60_000)
  })
})
