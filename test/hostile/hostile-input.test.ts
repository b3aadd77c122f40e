// Hostile input to every portal-facing route (robots too): generated bodies (HOSTILE_BODIES a route, 300 by default; `npm run
// test:hostile` sends 10,000), most of them a genuine request with values replaced, never get a 5xx, never crash the
// app, store nothing and call no portal — but for the one question a frame or an install naming the installed portal
// must ask it: whether it issued those tokens (app.info, profile). A server named in the bodies is never called.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCapture, type Capture } from '../helpers/capture.js'
import { settle, startHarness, type Harness } from '../helpers/harness.js'
import { sqliteRows } from '../store/sqlite-file.js'
import { SESSION_HEADER } from '../../src/auth/page-sessions.js'
import { hostileRequests, type RouteShape } from './bodies.js'

const COUNT = Number(process.env.HOSTILE_BODIES ?? 300)
// The calls a frame or an install naming the installed portal makes: it asks that portal whether it issued the tokens.
const TOKEN_CHECK = new Set(['batch', 'app.info', 'profile'])

// Each route and its genuine request, as a flat form; `portal` fills in the installed portal's names.
type Names = { memberId: string; domain: string; endpoint: string; lead: string; deal: string }
const frame = (n: Names, placement: string, options: string) => ({
  AUTH_ID: 'a'.repeat(32), AUTH_EXPIRES: '3600', REFRESH_ID: 'r'.repeat(32), member_id: n.memberId, status: 'L', PLACEMENT: placement,
  PLACEMENT_OPTIONS: options, DOMAIN: n.domain, PROTOCOL: '1', LANG: 'ru', APP_SID: 's'.repeat(32),
})
const ROUTES: ReadonlyArray<{ method: 'GET' | 'POST'; url: string; template: (n: Names) => Record<string, string> }> = [
  { method: 'POST', url: '/events', template: (n) => ({
    event: 'ONCRMLEADUPDATE', event_handler_id: '7', 'data[FIELDS][ID]': n.lead, ts: '1764900000', 'auth[domain]': n.domain,
    'auth[client_endpoint]': n.endpoint, 'auth[server_endpoint]': 'https://oauth.bitrix.info/rest/', 'auth[member_id]': n.memberId,
    'auth[application_token]': 'f'.repeat(32),
  }) },
  { method: 'POST', url: '/install', template: (n) => frame(n, 'DEFAULT', '{}') },
  { method: 'POST', url: '/robots', template: (n) => ({
    workflow_id: '60ddd75e0b7314.87976688', code: 'company_rules_check', 'document_id[0]': 'crm', 'document_id[1]': 'CCrmDocumentDeal',
    'document_id[2]': `DEAL_${n.deal}`, 'document_type[0]': 'crm', 'document_type[1]': 'CCrmDocumentDeal', 'document_type[2]': 'DEAL',
    event_token: '60ddd75e0b7314.87976688|A18255_82153_44440_67293|86TkryMNLYGczOERE0dRzqfd31b0w6Mt', 'properties[rules]': 'all',
    use_subscription: 'Y', timeout_duration: '0', ts: '1764900000', 'auth[access_token]': 'a'.repeat(32), 'auth[domain]': n.domain,
    'auth[client_endpoint]': n.endpoint, 'auth[member_id]': n.memberId, 'auth[user_id]': '1', 'auth[application_token]': 'f'.repeat(32),
  }) },
  { method: 'POST', url: '/placements/deal', template: (n) => frame(n, 'CRM_DEAL_DETAIL_TAB', JSON.stringify({ ID: n.deal })) },
  { method: 'POST', url: '/placements/lead', template: (n) => frame(n, 'CRM_LEAD_DETAIL_TAB', JSON.stringify({ ID: n.lead })) },
  { method: 'POST', url: '/placements/api/recheck', template: (n) => ({ entity: 'deal', id: n.deal }) },
  { method: 'POST', url: '/placements/api/excuse', template: (n) => ({ violationId: '1', reason: 'Клиент в отпуске', entity: 'deal', recordId: n.deal }) },
  { method: 'POST', url: '/app', template: (n) => frame(n, 'DEFAULT', '{}') },
  { method: 'POST', url: '/app/settings/page', template: () => ({ note: 'reverted' }) },
  { method: 'POST', url: '/app/settings/check', template: () => ({ 'config[rules][LEAD-CONTACT-SLA][within]': 'PT20M' }) },
  { method: 'POST', url: '/app/settings/save', template: () => ({ 'config[rules][LEAD-CONTACT-SLA][within]': 'PT20M' }) },
  { method: 'POST', url: '/app/reports/download', template: () => ({ from: '2026-12-01', to: '2026-12-05', department: '1' }) },
  { method: 'GET', url: '/app/oauth/callback', template: (n) => ({ code: 'c'.repeat(32), state: 's'.repeat(43), domain: n.domain, member_id: n.memberId, scope: 'crm', server_domain: 'oauth.bitrix.info' }) },
  { method: 'GET', url: '/healthz', template: () => ({}) },
]

let h: Harness
let capture: Capture
let dir: string
let databasePath: string
let names: Names
let sessions: string[]
const figures: string[] = []

// Every table's row count: what "nothing stored" compares.
function rowCounts(): Record<string, number> {
  const tables = sqliteRows<{ name: string }>(databasePath, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
  return Object.fromEntries(tables.map(({ name }) => [name, sqliteRows<{ n: number }>(databasePath, `SELECT count(*) AS n FROM "${name}"`)[0]!.n]))
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rules-hostile-'))
  databasePath = join(dir, 'app.db')
  capture = await startCapture()
  // Without the portal's rate limit: thousands of forged frames naming the installed portal each ask it once, which
  // at 2 a second would take the whole run; what this suite checks is what they get and change, not how fast.
  h = await startHarness({ env: { DATABASE_PATH: databasePath }, portal: { rateLimit: 'off' } })
  await h.portal.installApp({ installUrl: `${h.url}/install` })
  const lead = h.portal.data.addLead({ TITLE: 'Заявка до атаки' }, { byUserId: 5 })
  const deal = h.portal.data.addDeal({ TITLE: 'Сделка до атаки', ASSIGNED_BY_ID: 5 }, { byUserId: 5 })
  await settle(h)
  expect(await h.store.mirror.get(h.portal.memberId, 'lead', lead)).toBeDefined()
  names = { memberId: h.portal.memberId, domain: h.portal.domain, endpoint: h.portal.clientEndpoint, lead, deal }
  // Genuine page sessions (an administrator's, a manager's), for the bodies to send tampered.
  sessions = []
  for (const userId of [1, 5]) {
    const tab = await h.portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: { ID: deal }, userId })
    sessions.push(/var session = "([^"]+)"/.exec(tab.body)?.[1] ?? '')
  }
  expect(sessions.every((session) => session.length > 20)).toBe(true)
})

afterAll(async () => {
  await h?.close()
  await capture?.close()
  rmSync(dir, { recursive: true, force: true })
  if (figures.length > 0) process.stdout.write(`\nHostile input, ${COUNT} bodies a route:\n${figures.join('\n')}\n`)
})

describe('hostile input', () => {
  it.each(ROUTES.map((route, index) => [route.method, route.url, route, index] as const))('%s %s: never a 5xx, nothing stored, no portal called', async (_method, url, route, index) => {
    await settle(h)
    h.portal.clearCalls()
    const before = rowCounts()
    const statuses = new Map<number, number>()
    const shape: RouteShape = { template: route.template(names), sessionHeader: SESSION_HEADER, sessions }
    // The server the bodies name, by a host name the app does not allow: a call to it would be a call to an attacker.
    const hostile = capture.url.replace('127.0.0.1', 'localhost')
    for (const request of hostileRequests(1_000 + index, COUNT, shape, h.portal.memberId, hostile)) {
      const answer = await h.app.inject(route.method === 'GET'
        ? { method: 'GET', url: `${url}?${request.query}`, headers: request.headers }
        : { method: 'POST', url, payload: request.payload, headers: { ...request.headers, 'content-type': request.contentType } })
      statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1)
      expect(answer.statusCode, `${url} answered ${answer.statusCode}: ${answer.body.slice(0, 300)}`).toBeLessThan(500)
    }
    await settle(h)
    expect(rowCounts()).toEqual(before)
    expect(capture.requests).toEqual([])
    const called = h.portal.calls.map((call) => call.method)
    expect(called.filter((method) => !TOKEN_CHECK.has(method))).toEqual([])
    expect(h.portal.oauthCalls).toEqual([])
    figures.push(`  ${route.method} ${url}: ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(', ')}; portal calls ${called.length}`)
  }, Math.max(30_000, COUNT * 100))

  it('after all of it, the portal’s own events still arrive and are mirrored', async () => {
    const lead = h.portal.data.addLead({ TITLE: 'Заявка после атаки' }, { byUserId: 5 })
    await settle(h)
    expect((await h.store.mirror.get(h.portal.memberId, 'lead', lead))?.snapshot.TITLE).toBe('Заявка после атаки')
  })
})
