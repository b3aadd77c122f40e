// What a failed request shows: a 5xx (a portal failure, an internal one) says nothing internal on any page or JSON route,
// only the generic sentence and a request id that the log's detailed line carries; a 4xx still says what was wrong.
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { APP_FAILED } from '../../placements/failure.js'
import { escapeHtml } from '../../placements/html.js'
import { B24Error } from '../../src/b24/index.js'
import { createLogger } from '../../src/shared/log.js'
import { settle, startHarness, type Harness } from '../helpers/harness.js'
import { itOnSqlite, syncOf } from '../helpers/test-store.js'

const ADMIN = 1
// What a portal's failure carries: its method, its code and its own description (a file path of the portal's server).
const DESCRIPTION = 'MySQL query error: (1213) Deadlock found in /home/bitrix/www/bitrix/modules/main/lib/db/mysqlconnection.php:76'
const portalFailure = () => new B24Error({ method: 'crm.deal.get', code: 'INTERNAL_SERVER_ERROR', description: DESCRIPTION, httpStatus: 500 })
const INTERNAL = ['crm.deal.get', 'placement.bind', 'placement_CRM', 'INTERNAL_SERVER_ERROR', 'Deadlock', '/home/bitrix', 'mysqlconnection', 'refused the app', ' at ', '.ts:']

let h: Harness
let lines: string[]
afterEach(async () => h?.close())

async function start(): Promise<Harness> {
  lines = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  h = await startHarness({ app: { logger: createLogger('info', sink) } })
  return h
}

async function installed(): Promise<string> {
  await start()
  await h.portal.installApp({ installUrl: `${h.url}/install` })
  await settle(h)
  return h.portal.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: 5 }, { byUserId: 5 })
}

// The page or body names no method, no portal code or description, no stack; it shows the request id.
function expectNothingInternal(body: string): string {
  for (const word of INTERNAL) expect(body).not.toContain(word)
  const id = /request-id">([0-9a-f]{10})</.exec(body)?.[1] ?? /"requestId":"([0-9a-f]{10})"/.exec(body)?.[1]
  expect(id, body).toBeDefined()
  return id!
}

// The log's line for that request id has the whole detail, at error level.
function expectLogged(requestId: string, ...details: string[]): void {
  const entries = lines.map((line) => JSON.parse(line) as { level: number; reqId?: string; err?: { message?: string; stack?: string } })
  const failed = entries.find((entry) => entry.reqId === requestId && entry.level === 50)
  expect(failed, `no error line for ${requestId}`).toBeDefined()
  for (const detail of details) expect(JSON.stringify(failed)).toContain(detail)
  expect(failed?.err?.stack).toBeTruthy()
}

describe('a failure of the app (5xx) says nothing internal', () => {
  it('on the install page: the portal refuses a binding with its own description', async () => {
    await start()
    h.portal.faults.fail({ method: 'placement.bind', status: 500, error: 'INTERNAL_SERVER_ERROR', description: DESCRIPTION })
    const reply = await h.portal.openInstallFrame({ url: `${h.url}/install` })
    expect(reply.status).toBe(502)
    expect(reply.body).toContain('Установка не удалась')
    expect(reply.body).toContain(APP_FAILED.ru)
    expectLogged(expectNothingInternal(reply.body), 'placement_CRM_DEAL_DETAIL_TAB', DESCRIPTION)
  })

  it('on the install request of an API-only app (JSON)', async () => {
    await start()
    h.portal.faults.fail({ method: 'placement.bind', status: 500, error: 'INTERNAL_SERVER_ERROR', description: DESCRIPTION })
    const reply = await h.portal.installApp({ installUrl: `${h.url}/install` })
    expect(reply.status).toBe(502)
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'error', error: 'PORTAL_SETUP_FAILED', message: 'Internal error', requestId: expect.any(String) })
    expectLogged(expectNothingInternal(reply.body), DESCRIPTION)
  })

  it('on the card tab, in the page’s language', async () => {
    const deal = await installed()
    h.app.portalSettings.of = () => { throw portalFailure() }
    const reply = await h.portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: { ID: deal }, userId: ADMIN })
    expect(reply.status).toBe(502)
    expect(reply.headers['content-type']).toContain('text/html')
    expect(reply.body).toContain(APP_FAILED.ru)
    expectLogged(expectNothingInternal(reply.body), 'crm.deal.get', DESCRIPTION)
  })

  it('on the main page, and an unexpected error too', async () => {
    await installed()
    h.app.portalSettings.of = () => { throw portalFailure() }
    const reply = await h.portal.openApp({ url: `${h.url}/app`, userId: ADMIN })
    expect(reply.status).toBe(502)
    expect(reply.body).toContain(APP_FAILED.ru)
    expectLogged(expectNothingInternal(reply.body), DESCRIPTION)
    h.app.portalSettings.of = () => { throw new TypeError("Cannot read properties of undefined (reading 'calendar') at /srv/app/src/x.ts:1") }
    const unexpected = await h.portal.openApp({ url: `${h.url}/app`, userId: ADMIN })
    expect(unexpected.status).toBe(500)
    expect(unexpected.body).toContain(APP_FAILED.ru)
    expect(unexpected.body).not.toContain('calendar')
    expectLogged(expectNothingInternal(unexpected.body), "reading 'calendar'")
  })

  it('in English on a page opened in English', async () => {
    await installed()
    h.app.portalSettings.of = () => { throw portalFailure() }
    const token = (await h.store.portals.get(h.portal.memberId))!.accessToken
    const reply = await h.app.inject({
      method: 'POST', url: '/app?LANG=en', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ member_id: h.portal.memberId, AUTH_ID: token }).toString(),
    })
    expect(reply.statusCode).toBe(502)
    expect(reply.body).toContain(escapeHtml(APP_FAILED.en))
    expect(reply.body).toContain('Request id for the administrator')
    expectLogged(expectNothingInternal(reply.body), DESCRIPTION)
  })

  itOnSqlite('a failing portal repository is stood in for in SQLite\'s synchronous one')('on the login page outside the portal', async () => {
    await installed()
    syncOf(h.store).portals.all = () => { throw portalFailure() }
    const reply = await h.app.inject({ method: 'GET', url: `/app?portal=${h.portal.domain}`, headers: { 'accept-language': 'ru' } })
    expect(reply.statusCode).toBe(502)
    expect(reply.body).toContain('Войти не удалось')
    expect(reply.body).toContain(APP_FAILED.ru)
    expectLogged(expectNothingInternal(reply.body), DESCRIPTION)
  })

  it('on a JSON route of the pages: the same generic answer and a request id', async () => {
    const deal = await installed()
    const tab = await h.portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: { ID: deal }, userId: ADMIN })
    const session = /var session = "([^"]+)"/.exec(tab.body)?.[1] ?? ''
    h.app.worker.refresh = async () => { throw portalFailure() }
    const answer = await h.app.inject({ method: 'POST', url: '/placements/api/recheck', headers: { 'x-rules-session': session }, payload: { entity: 'deal', id: deal } })
    expect(answer.statusCode).toBe(502)
    expect(answer.json()).toEqual({ status: 'error', error: 'PORTAL_ERROR', message: 'Internal error', requestId: expect.stringMatching(/^[0-9a-f]{10}$/) })
    expectLogged(expectNothingInternal(answer.body), 'crm.deal.get', DESCRIPTION)
  })
})

describe('a 4xx still says what was wrong with the input', () => {
  it('on the card tab and on a JSON route', async () => {
    const deal = await installed()
    const tab = await h.portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: {}, userId: ADMIN })
    expect(tab.status).toBe(400)
    expect(tab.body).toContain('The tab was opened without a record (PLACEMENT_OPTIONS.ID)')
    expect(tab.body).toContain('NO_RECORD')
    expect(tab.body).not.toContain(APP_FAILED.ru)
    const answer = await h.app.inject({ method: 'POST', url: '/placements/api/recheck', headers: { 'x-rules-session': 'forged' }, payload: { entity: 'deal', id: deal } })
    expect(answer.statusCode).toBe(401)
    expect(answer.json()).toEqual({ status: 'error', error: 'NO_PAGE_SESSION', message: 'No valid page session: open the tab again' })
  })
})
