// The app's page, the supervisors' dashboard: a head sees their people's weeks, an administrator everyone's, others a polite page.
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { startOfWeek } from '../../src/shared/zoned-days.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

const ADMIN = 1
const SOKOLOV = 4 // head of the sales department
const ANNA = 5
const PAVEL = 6
const FEDOROVA = 8 // office manager in the commercial service, not under Sokolov
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))
const HOUR = 3_600_000
const DAY = 24 * HOUR

let h: MovedHarness
afterEach(async () => h?.close())

// Minutes to the next midnight in Moscow (UTC+3 all year, the fake portal's zone).
const minutesToMidnightMsk = (now: number) => (DAY - ((now + 3 * HOUR) % DAY)) / 60_000

const deal = (title: string, userId: number) => h.portal.data.addDeal({ TITLE: title, ASSIGNED_BY_ID: userId }, { byUserId: userId })
// A lead handed to a manager and called back at once: LEAD-CONTACT-SLA's deadline met.
async function leadCalledInTime(title: string, company: string, userId: number) {
  const id = h.portal.data.addLead({ TITLE: title, COMPANY_TITLE: company, STATUS_ID: 'IN_PROCESS', ASSIGNED_BY_ID: userId }, { byUserId: userId })
  await settle(h)
  h.portal.data.addActivity({ OWNER_TYPE_ID: 1, OWNER_ID: id, TYPE_ID: 2, SUBJECT: 'Звонок клиенту', COMPLETED: 'Y', DIRECTION: 2, RESPONSIBLE_ID: userId,
    COMMUNICATIONS: [{ VALUE: '+79001234567', TYPE: 'PHONE' }] }, { byUserId: userId })
  await settle(h)
}

// Last week: Anna one deal without a next step, Pavel two, and a lead of his called back in time.
// This week: Anna two deals without a next step and a lead called back in time, Pavel a lead not naming its company,
// and Fedorova (outside the sales department) another such lead.
// One jump of a week only: the app's token refresher counts on the wall clock and would not refresh twice within seconds.
async function twoWeeks(): Promise<{ firstDeal: string }> {
  h = await startOnMovedClock(testSettings({ rules: { ...OFF,
    'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: ['PT1H'], time: '24/7' },
    'LEAD-CONTACT-SLA': { mode: 'notify', within: 'PT15M', warnAt: [], escalate: ['PT0S'] },
    'LEAD-TITLE': { mode: 'notify' } } }))
  // Both weeks' violations on one local day each, however close to midnight the test runs (a short move needs no new token).
  if (minutesToMidnightMsk(h.now()) < 10) await h.later(15 * 60_000)
  const firstDeal = deal('Вектор: <b>серверы</b> & «стойки»', ANNA)
  deal('Ромашка: 3 ноутбука', PAVEL)
  deal('Ромашка: монитор', PAVEL)
  await leadCalledInTime('Альфа: принтер', 'ООО «Альфа»', PAVEL)
  await h.later(60_000)
  await h.later(7 * DAY)
  deal('Бета: сервер', ANNA)
  deal('Бета: коммутатор', ANNA)
  await leadCalledInTime('Гамма: ноутбук', 'ООО «Гамма»', ANNA)
  h.portal.data.addLead({ TITLE: 'Заявка <i>срочно</i>', COMPANY_TITLE: 'ООО «Ромашка»', ASSIGNED_BY_ID: PAVEL }, { byUserId: PAVEL })
  h.portal.data.addLead({ TITLE: 'Заявка на картриджи', COMPANY_TITLE: 'ООО «Дельта»', ASSIGNED_BY_ID: FEDOROVA }, { byUserId: FEDOROVA })
  await settle(h)
  await h.later(60_000)
  return { firstDeal }
}

const openApp = (userId: number) => h.portal.openApp({ url: `${h.url}/app`, userId })
// A table's rows as text: «Анна Морозова | 2 | 1 | +1».
function rowsOf(body: string, section: string): string[] {
  const part = new RegExp(`<section class="${section}">([\\s\\S]*?)</section>`).exec(body)?.[1] ?? ''
  return [...part.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]).join(' | '))
}

describe('the supervisors’ dashboard', () => {
  it('shows the head of sales his people’s weeks: by rule, by manager, deadlines, the oldest open items, the trend', async () => {
    const { firstDeal } = await twoWeeks()
    const reply = await openApp(SOKOLOV)
    expect(reply.status).toBe(200)
    expect(reply.headers['content-security-policy']).toBe(`frame-ancestors 'self' ${new URL(h.portal.clientEndpoint).origin}`)
    expect(reply.headers['x-frame-options']).toBeUndefined()
    expect(reply.body).toContain('Ваши сотрудники: 3')
    expect(rowsOf(reply.body, 'by-rule')).toEqual([
      'Правило | Эта неделя | Прошлая неделя | Изменение',
      'У сделки есть следующий шаг | 2 | 3 | −1',
      'Название лида раскрывает суть обращения | 1 | 0 | +1',
      'Всего | 3 | 3 | 0',
    ])
    expect(rowsOf(reply.body, 'by-manager')).toEqual([
      'Менеджер | Эта неделя | Прошлая неделя | Изменение',
      'Анна Морозова | 2 | 1 | +1',
      'Павел Лебедев | 1 | 2 | −1',
      'Всего | 3 | 3 | 0',
    ])
    // Last week one deadline met of four (three deals breached); this week one of four (two deals, the lead's title at once).
    expect(rowsOf(reply.body, 'deadlines')).toEqual([' | Эта неделя | Прошлая неделя', 'Вовремя | 25 % | 25 %', 'соблюдено | 1 | 1', 'просрочено | 3 | 3'])
    expect(reply.body).not.toContain('Фёдорова')
    // The oldest open violation first, linked to the deal on the portal (a new tab, or the portal's slider in its frame), its title escaped.
    const origin = new URL(h.portal.clientEndpoint).origin
    const items = [...reply.body.matchAll(/<li class="item"[\s\S]*?<\/li>/g)].map((item) => item[0])
    expect(items).toHaveLength(6)
    expect(items[0]).toContain(`<a href="${origin}/crm/deal/details/${firstDeal}/" data-path="/crm/deal/details/${firstDeal}/" target="_blank" rel="noopener">Сделка «Вектор: &lt;b&gt;серверы&lt;/b&gt; &amp; «стойки»»</a>`)
    expect(items[0]).toContain('Анна Морозова · открыто')
    expect(reply.body).not.toContain('<b>серверы</b>')
    expect(reply.body).toContain('Заявка &lt;i&gt;срочно&lt;/i&gt;')
    // The trend: 28 days, last week's Monday 3, today 3, nothing else.
    const bars = [...reply.body.matchAll(/<rect class="bar[^"]*"[^>]*data-value="(\d+)"/g)].map((bar) => Number(bar[1]))
    expect(bars).toHaveLength(28)
    expect(bars[20]).toBe(3)
    expect(bars[27]).toBe(3)
    expect(bars.reduce((sum, value) => sum + value, 0)).toBe(6)
    expect(reply.body).toMatch(/<svg class="chart"/)
    expect(reply.body).not.toContain('<script src="http')
    // Settings are for administrators only.
    expect(reply.body).not.toContain('id="open-settings"')
  })

  it('shows an administrator every department, with the place for the rule settings', async () => {
    await twoWeeks()
    const reply = await openApp(ADMIN)
    expect(reply.status).toBe(200)
    expect(reply.body).toContain('Все отделы')
    expect(rowsOf(reply.body, 'by-rule')).toContain('Название лида раскрывает суть обращения | 2 | 0 | +2')
    expect(rowsOf(reply.body, 'by-manager')).toEqual([
      'Менеджер | Эта неделя | Прошлая неделя | Изменение',
      'Анна Морозова | 2 | 1 | +1',
      'Павел Лебедев | 1 | 2 | −1',
      'Мария Фёдорова | 1 | 0 | +1',
      'Всего | 4 | 3 | +1',
    ])
    expect(rowsOf(reply.body, 'deadlines')).toContain('Вовремя | 20 % | 25 %')
    expect(reply.body).toContain('id="open-settings"')
    // In English when the portal's frame says so.
    const token = (await h.store.portals.get(h.portal.memberId))!.accessToken
    const english = await h.app.inject({
      method: 'POST', url: '/app?LANG=en', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ member_id: h.portal.memberId, AUTH_ID: token, PLACEMENT: 'DEFAULT' }).toString(),
    })
    expect(english.statusCode).toBe(200)
    expect(rowsOf(english.body, 'by-rule')[0]).toBe('Rule | This week | Last week | Change')
    expect(english.body).toContain('<h1>Supervisor&#39;s dashboard</h1>')
  })

  it('refuses a manager politely (403: the page is for supervisors) and shows nobody’s numbers; a forged frame gets 401', async () => {
    await twoWeeks()
    const reply = await openApp(ANNA)
    expect(reply.status).toBe(403)
    expect(reply.headers['content-security-policy']).toBe(`frame-ancestors 'self' ${new URL(h.portal.clientEndpoint).origin}`)
    expect(reply.body).toContain('Эта страница — для руководителей')
    expect(reply.body).not.toContain('Лебедев')
    expect(reply.body).not.toContain('<table')
    const forged = await h.app.inject({
      method: 'POST', url: '/app?DOMAIN=evil.example&LANG=ru', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ member_id: h.portal.memberId, AUTH_ID: 'forged-token', PLACEMENT: 'DEFAULT' }).toString(),
    })
    expect(forged.statusCode).toBe(401)
    expect(forged.body).toContain('TOKENS_NOT_CONFIRMED')
    expect(forged.body).not.toContain('Морозова')
  })

  it('a supervisor named in the settings’ map sees the people mapped to them', async () => {
    h = await startOnMovedClock(testSettings({ supervisors: { [String(PAVEL)]: String(ANNA) }, rules: { ...OFF, 'LEAD-TITLE': { mode: 'notify' } } }))
    h.portal.data.addLead({ TITLE: 'Заявка', COMPANY_TITLE: 'ООО «Ромашка»', ASSIGNED_BY_ID: PAVEL }, { byUserId: PAVEL })
    await settle(h)
    const reply = await openApp(ANNA)
    expect(reply.body).toContain('Ваши сотрудники: 1')
    expect(rowsOf(reply.body, 'by-manager')[1]).toBe('Павел Лебедев | 1 | 0 | +1')
  })
})

describe('weeks in the portal’s time zone', () => {
  it('start on Monday 00:00 local time, over daylight saving and on a Sunday night', () => {
    expect(new Date(startOfWeek(Date.parse('2026-12-02T01:37:00+03:00'), 'Europe/Moscow')).toISOString()).toBe('2026-11-29T21:00:00.000Z')
    expect(new Date(startOfWeek(Date.parse('2026-11-29T23:59:00+03:00'), 'Europe/Moscow')).toISOString()).toBe('2026-11-22T21:00:00.000Z')
    // Berlin moved to summer time on Sunday 29 March 2026: that week began in winter time, the next in summer time.
    expect(new Date(startOfWeek(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Berlin')).toISOString()).toBe('2026-03-22T23:00:00.000Z')
    expect(new Date(startOfWeek(Date.parse('2026-04-01T12:00:00Z'), 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z')
    expect(new Date(startOfWeek(Date.parse('2026-12-01T03:00:00Z'), 'Asia/Vladivostok')).toISOString()).toBe('2026-11-29T14:00:00.000Z')
  })
})
