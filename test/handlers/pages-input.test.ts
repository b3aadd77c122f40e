// Every page route's bad input gets a clear 4xx and changes nothing; an internal failure is a 5xx that says nothing internal.
import { afterEach, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'
import { itOnSqlite, syncOf } from '../helpers/test-store.js'

const ADMIN = 1
const ANNA = 5
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))

let h: MovedHarness
afterEach(async () => h?.close())

// A deal of Anna's with a DEAL-NEXT-STEP violation, and the administrator's page session.
async function start(): Promise<{ deal: string; session: string }> {
  h = await startOnMovedClock(testSettings({ rules: { ...OFF, 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: [], time: '24/7' } } }))
  const deal = h.portal.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
  await settle(h)
  await h.later(30_000)
  const tab = await h.portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: { ID: deal }, userId: ADMIN })
  return { deal, session: /var session = "([^"]+)"/.exec(tab.body)?.[1] ?? '' }
}

const form = (fields: Record<string, string>) => ({ payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })

describe('bad input to the pages', () => {
  it.each([
    ['/placements/deal', { AUTH_ID: 'x' }, 'member_id'],
    ['/placements/lead', { member_id: 'not-a-member-id', AUTH_ID: 'x' }, 'member_id must be the portal member_id'],
    ['/app', { member_id: 'a'.repeat(32) }, 'AUTH_ID'],
  ])('%s with %j: 400 naming the field', async (url, fields, named) => {
    await start()
    const answer = await h.app.inject({ method: 'POST', url, ...form(fields) })
    expect(answer.statusCode).toBe(400)
    expect(answer.body).toContain('MALFORMED_PAGE_REQUEST')
    expect(answer.body).toContain(named)
  })

  it('a tab opened without its record (PLACEMENT_OPTIONS) is 400 once the frame is verified', async () => {
    await start()
    const token = (await h.store.portals.get(h.portal.memberId))!.accessToken
    const answer = await h.app.inject({ method: 'POST', url: '/placements/deal', ...form({ member_id: h.portal.memberId, AUTH_ID: token, PLACEMENT: 'CRM_DEAL_DETAIL_TAB' }) })
    expect(answer.statusCode).toBe(400)
    expect(answer.body).toContain('NO_RECORD')
  })

  it('requests from the page with a bad body: 400, nothing changed', async () => {
    const { deal, session } = await start()
    const post = (url: string, payload: object) => h.app.inject({ method: 'POST', url, headers: { 'x-rules-session': session }, payload })
    const [violation] = await h.store.violations.openFor(h.portal.memberId, 'deal', deal)
    expect((await post('/placements/api/recheck', { entity: 'company', id: deal })).statusCode).toBe(400)
    expect((await post('/placements/api/recheck', { entity: 'deal', id: '12; DROP' })).statusCode).toBe(400)
    const short = await post('/placements/api/excuse', { violationId: violation!.id, reason: '', entity: 'deal', recordId: deal })
    expect(short.statusCode).toBe(400)
    expect(short.json()).toMatchObject({ error: 'MALFORMED_PAGE_REQUEST', message: 'reason must say why' })
    const elsewhere = await post('/placements/api/excuse', { violationId: violation!.id, reason: 'Клиент в отпуске', entity: 'deal', recordId: '999' })
    expect(elsewhere.json()).toMatchObject({ error: 'NO_SUCH_VIOLATION' })
    expect((await post('/app/settings/check', { settings: {} })).statusCode).toBe(400)
    expect((await post('/app/settings/save', { config: 'all of them' })).statusCode).toBe(400)
    expect((await h.store.violations.get(violation!.id))?.excusedAt).toBeNull()
    expect(await h.store.portalSettings.get(h.portal.memberId)).toBeUndefined()
  })

  itOnSqlite('a failing mirror is stood in for in SQLite\'s synchronous repository')('an internal failure is a 500 that carries no internal message', async () => {
    const { deal, session } = await start()
    syncOf(h.store).mirror.get = () => { throw new Error('SQLITE_CORRUPT: database disk image is malformed at /srv/app/data/app.db') }
    const answer = await h.app.inject({ method: 'POST', url: '/placements/api/recheck', headers: { 'x-rules-session': session }, payload: { entity: 'deal', id: deal } })
    expect(answer.statusCode).toBe(500)
    expect(answer.json()).toEqual({ status: 'error', error: 'INTERNAL_ERROR', message: 'Internal error', requestId: expect.stringMatching(/^[0-9a-f]{10}$/) })
    expect(answer.body).not.toContain('SQLITE')
  })
})
