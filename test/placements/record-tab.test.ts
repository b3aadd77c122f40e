// The deal and lead tabs: verified with the stored portal, framed by it only, escaped; re-check and excuse from the page.
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

const ANNA = 5 // sales manager; supervisor Дмитрий Соколов (4)
const PAVEL = 6
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))

let h: MovedHarness
afterEach(async () => h?.close())

// The app with DEAL-NEXT-STEP and LEAD-TITLE on, and a deal of Anna's that has broken DEAL-NEXT-STEP.
async function start(): Promise<string> {
  h = await startOnMovedClock(testSettings({ rules: { ...OFF, 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: ['PT1M'], time: '24/7' } } }))
  const id = h.portal.data.addDeal({ TITLE: 'Вектор: <b>серверы</b> & «стойки»', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
  await settle(h)
  await h.later(30_000)
  return id
}

const openTab = (id: string, userId = ANNA) => h.portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: { ID: id }, userId })
const sessionOf = (body: string) => /var session = "([^"]+)"/.exec(body)?.[1] ?? ''

describe('the deal tab', () => {
  it('shows the record’s rules, its violation with who was told, framed by the portal only, every CRM value escaped', async () => {
    const id = await start()
    const reply = await openTab(id)
    expect(reply.status).toBe(200)
    expect(reply.headers['content-security-policy']).toBe(`frame-ancestors 'self' ${new URL(h.portal.clientEndpoint).origin}`)
    expect(reply.headers['x-frame-options']).toBeUndefined()
    expect(reply.body).toContain('<li class="verdict failed"><span class="badge">нарушено</span> <b>У сделки есть следующий шаг</b>')
    expect(reply.body).toContain('У сделки нет следующего шага: нет ни одного запланированного дела.')
    expect(reply.body).toMatch(/сообщено: Анна Морозова \(\d\d\.\d\d\.\d{4}, \d\d:\d\d\)/)
    expect(reply.body).toContain('Сделка «Вектор: &lt;b&gt;серверы&lt;/b&gt; &amp; «стойки»» · <span class="muted">Ответственный: Анна Морозова</span>')
    expect(reply.body).not.toContain('<b>серверы</b>')
    // The deadline to the supervisor runs: shown with its due time.
    expect(reply.body).toContain('<b>У сделки есть следующий шаг</b>: срок')
  })

  it('refuses a frame the stored portal does not confirm, from an unknown portal, or with a wrong application token', async () => {
    const id = await start()
    const frame = { PLACEMENT: 'CRM_DEAL_DETAIL_TAB', PLACEMENT_OPTIONS: JSON.stringify({ ID: id }) }
    const post = (body: Record<string, string>) => h.app.inject({ method: 'POST', url: '/placements/deal?DOMAIN=evil.example&LANG=ru', payload: new URLSearchParams(body).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    h.portal.clearCalls()
    const forged = await post({ ...frame, member_id: h.portal.memberId, AUTH_ID: 'forged-token' })
    expect(forged.statusCode).toBe(401)
    expect(forged.body).toContain('TOKENS_NOT_CONFIRMED')
    // The token was put to the stored portal (the request's DOMAIN said evil.example), which refused it: app.info and profile in one batch.
    expect(h.portal.calls.map((call) => [call.method, call.error])).toEqual([['batch', 'NO_AUTH_FOUND']])
    const unknown = await post({ ...frame, member_id: 'f'.repeat(32), AUTH_ID: 'x' })
    expect(unknown.statusCode).toBe(401)
    const token = (await h.store.portals.get(h.portal.memberId))!.accessToken
    const wrongApp = await post({ ...frame, member_id: h.portal.memberId, AUTH_ID: token, APPLICATION_TOKEN: 'not-the-token' })
    expect(wrongApp.statusCode).toBe(401)
    expect(wrongApp.body).toContain('INVALID_APPLICATION_TOKEN')
  })
})

describe('forged frames', () => {
  it('a made-up token is put to the portal once, and a flood of them at most 20 times at once, never draining its REST budget', async () => {
    const id = await start()
    const frame = { PLACEMENT: 'CRM_DEAL_DETAIL_TAB', PLACEMENT_OPTIONS: JSON.stringify({ ID: id }), member_id: h.portal.memberId }
    const post = (token: string) => h.app.inject({ method: 'POST', url: '/placements/deal?DOMAIN=evil.example&LANG=ru', payload: new URLSearchParams({ ...frame, AUTH_ID: token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    h.portal.clearCalls()
    expect((await post('forged-token')).statusCode).toBe(401)
    expect((await post('forged-token')).statusCode).toBe(401)
    expect(h.portal.calls).toHaveLength(1)
    const flood = await Promise.all(Array.from({ length: 40 }, (_, i) => post(`forged-${i}`)))
    const answered = flood.map((reply) => reply.statusCode)
    expect({ refused: answered.filter((status) => status === 401).length, tooMany: answered.filter((status) => status === 429).length }).toEqual({ refused: 19, tooMany: 21 })
    expect(h.portal.calls).toHaveLength(20)
    expect(flood.find((reply) => reply.statusCode === 429)?.body).toContain('Слишком много новых входов в приложение за минуту')
    // A minute on, the portal is asked again (30 a minute): a real user's frame gets through.
    await h.later(60_000)
    const genuine = await openTab(id)
    expect(genuine.status).toBe(200)
  })
})

describe('the lead tab', () => {
  it('shows a running deadline with its due time and the rules it passes', async () => {
    h = await startOnMovedClock(testSettings({ rules: { ...OFF, 'LEAD-DISPATCH-SLA': { mode: 'notify', within: 'PT10M', warnAt: ['80%'], escalate: ['PT0S'], officeManagers: { users: ['8'], departments: [] } }, 'LEAD-TITLE': { mode: 'notify' } } }))
    const id = h.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', COMPANY_TITLE: 'Вектор ООО', ASSIGNED_BY_ID: 8 }, { byUserId: 1 })
    await settle(h)
    const reply = await h.portal.openPlacement({ placement: 'CRM_LEAD_DETAIL_TAB', options: { ID: id }, userId: 8 })
    expect(reply.status).toBe(200)
    expect(reply.body).toContain('<li class="verdict waiting"><span class="badge">идёт срок</span> <b>Новый лид распределён вовремя</b>')
    expect(reply.body).toContain('<li class="verdict passed"><span class="badge">соблюдено</span> <b>Название лида раскрывает суть обращения</b>')
    expect(reply.body).toMatch(/<b>Новый лид распределён вовремя<\/b>: срок \d\d\.\d\d\.\d{4}, \d\d:\d\d/)
    expect(reply.body).toContain('осталось 10 мин')
  })
})

describe('requests from the tab', () => {
  it('re-check needs the tab’s session: without it, forged or expired, 401', async () => {
    const id = await start()
    const session = sessionOf((await openTab(id)).body)
    const recheck = (token: string) => h.app.inject({ method: 'POST', url: '/placements/api/recheck', headers: { 'x-rules-session': token }, payload: { entity: 'deal', id } })
    expect((await recheck(session)).statusCode).toBe(200)
    expect((await recheck('')).statusCode).toBe(401)
    expect((await recheck(`${session.split('.')[0]}x.${session.split('.')[1]}`)).statusCode).toBe(401)
    await h.later(31 * 60_000)
    expect((await recheck(session)).statusCode).toBe(401)
  })

  it('a manager may not excuse; the supervisor excuses with a reason, the clock stops and nobody is told again', async () => {
    const id = await start()
    const [violation] = await h.store.violations.openFor(h.portal.memberId, 'deal', id)
    const excuse = (userSession: string) => h.app.inject({
      method: 'POST', url: '/placements/api/excuse', headers: { 'x-rules-session': userSession },
      payload: { violationId: violation!.id, reason: 'Клиент в отпуске до 10.12, договорились созвониться', entity: 'deal', recordId: id },
    })
    const manager = sessionOf((await openTab(id, PAVEL)).body)
    expect((await excuse(manager)).statusCode).toBe(403)
    const supervisorPage = await openTab(id, 4)
    expect(supervisorPage.body).toContain('Снять с причиной')
    const excused = await excuse(sessionOf(supervisorPage.body))
    expect(excused.statusCode).toBe(200)
    expect(excused.body).toMatch(/снято: Дмитрий Соколов, .* — «Клиент в отпуске до 10\.12, договорились созвониться»/)
    expect((await h.store.journal.recent(h.portal.memberId, 20)).some((entry) => entry.kind === 'violation.excused' && entry.detail.userId === '4')).toBe(true)
    h.portal.clearCalls()
    await h.later(10 * 60_000)
    expect(h.portal.calls.filter((call) => call.method === 'im.notify.system.add')).toEqual([])
    expect((await h.store.clocks.all(h.portal.memberId)).map((clock) => clock.outcome)).toEqual(['excused'])
  })
})
