// Proves the fake portal speaks the documented Bitrix24 protocol over real HTTP on 127.0.0.1.
import { createServer, type Server } from 'node:http'
import qs from 'qs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeForm } from './http.js'
import { startFakePortal, type FakePortal, type FakePortalOptions } from './index.js'

interface Received { path: string; query: URLSearchParams; contentType: string; raw: string; body: Record<string, unknown> }

/** A stand-in for the app: records every POST and answers `status` (default 200). */
interface Receiver { url: string; got: Received[]; status: number; close(): Promise<void> }

async function startReceiver(): Promise<Receiver> {
  const got: Received[] = []
  const receiver = { url: '', got, status: 200, close: async () => undefined } as Receiver
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url ?? '/', 'http://x')
      got.push({ path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'] ?? '', raw, body: qs.parse(raw) as Record<string, unknown> })
      res.writeHead(receiver.status, { 'content-type': 'application/json' })
      res.end('{"status":"ok"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  receiver.url = `http://127.0.0.1:${address.port}`
  receiver.close = () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections() })
  return receiver
}

interface RestReply { status: number; json: Record<string, unknown>; text: string; contentType: string }

async function rest(portal: FakePortal, method: string, params: Record<string, unknown>, token: string | null, form = false): Promise<RestReply> {
  const body = token === null ? params : { ...params, auth: token }
  const res = await fetch(`${portal.clientEndpoint}${method}`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? qs.stringify(body) : JSON.stringify(body),
  })
  const text = await res.text()
  const contentType = res.headers.get('content-type') ?? ''
  return { status: res.status, json: contentType.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : {}, text, contentType }
}

async function refresh(portal: FakePortal, refreshToken: string, secret = portal.clientSecret): Promise<RestReply> {
  const res = await fetch(`${portal.oauthUrl}/oauth/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: portal.clientId, client_secret: secret, refresh_token: refreshToken }).toString(),
  })
  const text = await res.text()
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, text, contentType: res.headers.get('content-type') ?? '' }
}

type Auth = Record<string, string>

let portal: FakePortal
let app: Receiver
const started: FakePortal[] = []

async function start(options: FakePortalOptions = {}): Promise<FakePortal> {
  portal = await startFakePortal(options)
  started.push(portal)
  return portal
}

async function setup(options: FakePortalOptions = {}): Promise<Auth> {
  await start(options)
  const reply = await portal.installApp({ installUrl: `${app.url}/install` })
  expect(reply.status).toBe(200)
  return app.got[0]?.body.auth as Auth
}

beforeEach(async () => {
  app = await startReceiver()
})

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()))
  await app.close()
})

describe('encoding', () => {
  it("encodes bodies as PHP's http_build_query does, and qs reads them back", () => {
    const payload = {
      event: 'ONCRMLEADADD',
      data: { FIELDS: { ID: 7, TITLE: "Заявка с сайта ~!*'()" }, LIST: ['a b', 'c'], EMPTY: [], NONE: null, GONE: undefined, YES: true, NO: false },
      ts: '1',
      auth: { client_endpoint: 'https://x.ru/rest/?a=1&b=2+3%' },
    }
    const body = encodeForm(payload)
    expect(body).toBe(
      'event=ONCRMLEADADD&data%5BFIELDS%5D%5BID%5D=7' +
        '&data%5BFIELDS%5D%5BTITLE%5D=%D0%97%D0%B0%D1%8F%D0%B2%D0%BA%D0%B0+%D1%81+%D1%81%D0%B0%D0%B9%D1%82%D0%B0+%7E%21%2A%27%28%29' +
        '&data%5BLIST%5D%5B0%5D=a+b&data%5BLIST%5D%5B1%5D=c&data%5BYES%5D=1&data%5BNO%5D=0&ts=1' +
        '&auth%5Bclient_endpoint%5D=https%3A%2F%2Fx.ru%2Frest%2F%3Fa%3D1%26b%3D2%2B3%25',
    )
    expect(qs.parse(body)).toEqual({
      event: 'ONCRMLEADADD',
      data: { FIELDS: { ID: '7', TITLE: "Заявка с сайта ~!*'()" }, LIST: ['a b', 'c'], YES: '1', NO: '0' },
      ts: '1',
      auth: { client_endpoint: 'https://x.ru/rest/?a=1&b=2+3%' },
    })
  })
})

describe('install and tokens', () => {
  it('POSTs ONAPPINSTALL form-encoded with the documented payload, and its tokens work', async () => {
    const auth = await setup({ memberId: 'a223c6b3710f85df22e9377d6c4f7553' })
    const install = app.got[0]
    expect(install?.contentType).toBe('application/x-www-form-urlencoded')
    expect(install?.raw).toContain('auth%5Baccess_token%5D=')
    expect(install?.body).toMatchObject({ event: 'ONAPPINSTALL', data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'ru' } })
    expect(install?.body.ts).toMatch(/^\d+$/)
    expect(install?.body).not.toHaveProperty('event_handler_id') // a direct POST to the install URL, not an event.bind delivery
    expect(Object.keys(auth)).toEqual(['domain', 'scope', 'access_token', 'refresh_token', 'expires_in', 'server_endpoint', 'status', 'client_endpoint', 'member_id', 'application_token'])
    expect(auth).toMatchObject({ client_endpoint: portal.clientEndpoint, server_endpoint: portal.serverEndpoint, member_id: 'a223c6b3710f85df22e9377d6c4f7553', expires_in: '3600', status: 'L' })
    expect(portal.clientEndpoint.endsWith('/rest/')).toBe(true)
    expect(auth.application_token).toBe(portal.applicationToken)
    expect(portal.installed).toBe(true)

    const profile = await rest(portal, 'profile', {}, auth.access_token ?? '')
    expect(profile.status).toBe(200)
    expect(profile.json.result).toMatchObject({ ID: '1', ADMIN: true })
    expect(Object.keys(profile.json.time as object)).toEqual(['start', 'finish', 'duration', 'processing', 'date_start', 'date_finish', 'operating_reset_at', 'operating'])
    expect((profile.json.time as Auth).date_start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/)
    const info = await rest(portal, 'app.info', {}, auth.access_token ?? '')
    expect(info.json.result).toMatchObject({ STATUS: 'L', INSTALLED: true, LANGUAGE_ID: 'ru', LICENSE_FAMILY: 'project' })
  })

  it('rotates the pair on refresh and refuses the spent refresh token', async () => {
    const auth = await setup()
    const first = await refresh(portal, auth.refresh_token ?? '')
    expect(first.status).toBe(200)
    expect(Object.keys(first.json).sort()).toEqual(['access_token', 'client_endpoint', 'domain', 'expires', 'expires_in', 'member_id', 'refresh_token', 'scope', 'server_endpoint', 'status', 'user_id'])
    expect(first.json).toMatchObject({ domain: new URL(portal.oauthUrl).host, client_endpoint: portal.clientEndpoint, user_id: 1, expires_in: 3600 })
    expect(first.json.refresh_token).not.toBe(auth.refresh_token)
    const again = await refresh(portal, auth.refresh_token ?? '')
    expect(again.status).toBe(400)
    expect(again.json).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' })
    expect((await refresh(portal, String(first.json.refresh_token), 'wrong')).json.error).toBe('invalid_client')
    expect((await rest(portal, 'user.current', {}, String(first.json.access_token))).json.result).toMatchObject({ ID: '1' })
    portal.revokeRefreshTokens()
    expect((await refresh(portal, String(first.json.refresh_token))).json.error).toBe('invalid_grant')
  })

  it("is registered to its own application: app.info CODE is its client id, and its OAuth server refuses another app's id and secret", async () => {
    const auth = await setup({ clientId: 'local.other00000000000.11111111', clientSecret: 'other-secret' })
    expect((await rest(portal, 'app.info', {}, auth.access_token ?? '')).json.result).toMatchObject({ CODE: 'local.other00000000000.11111111' })
    const ours = await fetch(`${portal.oauthUrl}/oauth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'local.fake0000000000.00000000', client_secret: 'fake-client-secret', refresh_token: auth.refresh_token ?? '' }).toString(),
    })
    expect(ours.status).toBe(401)
    expect(await ours.json()).toEqual({ error: 'invalid_client', error_description: 'Invalid client' })
    expect((await refresh(portal, auth.refresh_token ?? '')).status).toBe(200)
    expect(portal.serverEndpoint).toBe(`${portal.oauthUrl}/rest/`)
    expect(auth.server_endpoint).toBe(portal.serverEndpoint)
    expect(portal.serverEndpoint).not.toBe(portal.clientEndpoint)
  })

  it('answers the documented auth and routing errors', async () => {
    const auth = await setup()
    const token = auth.access_token ?? ''
    expect(await rest(portal, 'profile', {}, null)).toMatchObject({ status: 401, json: { error: 'NO_AUTH_FOUND' } })
    expect((await rest(portal, 'no.such.method', {}, token)).json.error).toBe('ERROR_METHOD_NOT_FOUND')
    const doubleSlash = await fetch(`${portal.clientEndpoint}/crm.lead.get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 1, auth: token }) })
    expect(doubleSlash.status).toBe(404)
    expect(((await doubleSlash.json()) as Auth).error).toBe('ERROR_METHOD_NOT_FOUND')
    expect((await rest(portal, 'USER.Current.json', {}, token, true)).json.result).toMatchObject({ ID: '1' })
    portal.expireAccessTokens()
    expect(await rest(portal, 'profile', {}, token)).toMatchObject({ status: 401, json: { error: 'expired_token', error_description: 'The access token provided has expired' } })
  })

  it('lets 50 requests through the bucket and answers 503 QUERY_LIMIT_EXCEEDED past it', async () => {
    const auth = await setup()
    const replies = await Promise.all(Array.from({ length: 60 }, () => rest(portal, 'server.time', {}, auth.access_token ?? '')))
    const ok = replies.filter((r) => r.status === 200).length
    const limited = replies.filter((r) => r.status === 503 && r.json.error === 'QUERY_LIMIT_EXCEEDED')
    expect(ok).toBeGreaterThanOrEqual(50)
    expect(ok).toBeLessThanOrEqual(51)
    expect(limited.length).toBe(60 - ok)
    expect(limited[0]?.json.error_description).toBe('Too many requests')
  })
})

describe('lists and batch', () => {
  it('pages by 50 with next/total, skips the count with start=-1, filters, orders and selects', async () => {
    const auth = await setup({ rateLimit: 'off' })
    const token = auth.access_token ?? ''
    for (let i = 0; i < 120; i++) portal.data.addLead({ TITLE: `Лид ${i}`, PHONE: [{ VALUE: `+7900000${i}`, VALUE_TYPE: 'WORK' }] })
    const first = await rest(portal, 'crm.lead.list', { order: { ID: 'ASC' } }, token)
    expect(first.json).toMatchObject({ total: 120, next: 50 })
    expect((first.json.result as unknown[]).length).toBe(50)
    expect((first.json.result as Auth[])[0]).not.toHaveProperty('PHONE')
    const last = await rest(portal, 'crm.lead.list', { start: 100 }, token)
    expect((last.json.result as unknown[]).length).toBe(20)
    expect(last.json).not.toHaveProperty('next')
    const fast = await rest(portal, 'crm.lead.list', { start: -1, order: { ID: 'ASC' }, filter: { '>ID': 100 }, select: ['ID', 'PHONE'] }, token)
    expect(fast.json.total).toBe(0)
    expect(fast.json).not.toHaveProperty('next')
    const rows = fast.json.result as Array<Record<string, unknown>>
    expect(rows.map((r) => r.ID)).toEqual(Array.from({ length: 20 }, (_, i) => String(101 + i)))
    expect(Object.keys(rows[0] ?? {})).toEqual(['ID', 'PHONE'])
    const since = await rest(portal, 'crm.lead.list', { filter: { '>DATE_MODIFY': '2000-01-01T00:00:00+00:00', '@ID': [3, 5] }, select: ['ID'] }, token)
    // No order asked: the newest first, since the page names no default order nothing may count on ascending ids.
    expect(since.json.result).toEqual([{ ID: '5' }, { ID: '3' }])
    const got = await rest(portal, 'crm.lead.get', { id: 3 }, token)
    expect(got.json.result).toMatchObject({ ID: '3', STATUS_ID: 'NEW', STATUS_SEMANTIC_ID: 'P', OPPORTUNITY: '0.00', DATE_CLOSED: '', HAS_PHONE: 'Y' })
    expect((got.json.result as { PHONE: unknown[] }).PHONE).toHaveLength(1)
    expect(await rest(portal, 'crm.lead.get', { id: 999 }, token)).toMatchObject({ status: 400, json: { error: '', error_description: 'Not found' } })
  })

  it('answers as the pages say: list parameters, stage-history fields, status prefixes, missing records, departments', async () => {
    const auth = await setup({ rateLimit: 'off' })
    const token = auth.access_token ?? ''
    const error = async (method: string, params: Record<string, unknown>) => {
      const reply = await rest(portal, method, params, token)
      return [reply.status, reply.json.error, reply.json.error_description]
    }
    // crm-deal-list.md: a filter or order that is not an object.
    expect(await error('crm.deal.list', { filter: 'x' })).toEqual([400, '', "Parameter 'filter' must be array."])
    expect(await error('crm.lead.list', { order: 'ID' })).toEqual([400, '', "Parameter 'order' must be array."])
    // crm-stage-history-list.md: only the documented fields and directions.
    expect(await error('crm.stagehistory.list', { entityTypeId: 2, filter: { TITLE: 'x' } })).toEqual([400, 'INVALID_ARG_VALUE', "Invalid filter: field 'TITLE' is not allowed in filter"])
    expect(await error('crm.stagehistory.list', { entityTypeId: 2, order: { ID: 'UP' } }))
      .toEqual([400, 'INVALID_ARG_VALUE', "Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'ID'"])
    // crm-category-list.md: leads have no pipelines; an unknown type is not found.
    expect(await error('crm.category.list', { entityTypeId: 1 })).toEqual([400, 'ENTITY_TYPE_NOT_SUPPORTED', 'Entity type LEAD is not supported'])
    expect(await error('crm.category.list', { entityTypeId: 999 })).toEqual([400, 'NOT_FOUND', 'Smart process not found'])
    // crm-status-add.md: a stage of pipeline 1 gets its prefix; a taken id and a missing name are refused.
    expect((await rest(portal, 'crm.status.add', { fields: { ENTITY_ID: 'DEAL_STAGE_1', STATUS_ID: 'DECISION', NAME: 'Решение', SORT: 25 } }, token)).status).toBe(200)
    const stages = (await rest(portal, 'crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE_1', NAME: 'Решение' } }, token)).json.result as Auth[]
    expect(stages).toEqual([expect.objectContaining({ STATUS_ID: 'C1:DECISION', CATEGORY_ID: '1', EXTRA: { SEMANTICS: 'process', COLOR: null } })])
    expect(await error('crm.status.add', { fields: { ENTITY_ID: 'DEAL_STAGE_1', STATUS_ID: 'C1:DECISION', NAME: 'Ещё' } })).toEqual([400, 'ERROR_CORE', 'The specified status ID already exists.'])
    expect(await error('crm.status.add', { fields: { ENTITY_ID: 'STATUS', STATUS_ID: 'UC_X' } })).toEqual([400, '', 'The field Title is required.'])
    // A record that is not there, as each page shows it.
    expect(await error('crm.company.update', { id: 999, fields: { TITLE: 'x' } })).toEqual([400, '', 'Company is not found'])
    expect(await error('crm.contact.delete', { id: 999 })).toEqual([400, 'ERROR_CORE', 'Element not found'])
    expect(await error('crm.deal.delete', { id: 999 })).toEqual([400, '', 'Not found'])
    // department-get.md: `SORT` filters, `sort` sorts; with neither, the newest first.
    const byName = await rest(portal, 'department.get', { sort: 'NAME', order: 'ASC' }, token)
    expect((byName.json.result as Auth[]).map((d) => d.ID)).toEqual(['2', '1', '3'])
    expect((await rest(portal, 'department.get', { SORT: 1 }, token)).json.result).toEqual([])
    expect(((await rest(portal, 'department.get', {}, token)).json.result as Auth[]).map((d) => d.ID)).toEqual(['3', '2', '1'])
    // im-notify-system-add.md: the text is trimmed; an attachment is an object or JSON.
    await rest(portal, 'im.notify.system.add', { USER_ID: 4, MESSAGE: '  текст \n' }, token)
    expect(portal.data.notifications.at(-1)?.message).toBe('текст')
    expect(await error('im.notify.system.add', { USER_ID: 4, MESSAGE: 'x', ATTACH: 'not json' })).toEqual([400, 'ATTACH_ERROR', 'Incorrect attach params'])
  })

  it('runs a batch with $result references, result_error and [] for empty maps', async () => {
    const auth = await setup()
    const token = auth.access_token ?? ''
    portal.data.addLead({ TITLE: 'Первый' })
    const mixed = await rest(portal, 'batch', {
      halt: 0,
      cmd: {
        me: 'user.current',
        dep: 'department.get?ID=$result[me][UF_DEPARTMENT][0]',
        lost: 'crm.lead.get?id=404',
        list: 'crm.lead.list?filter%5B%3EID%5D=0&select%5B0%5D=ID',
      },
    }, token)
    expect(mixed.status).toBe(200)
    const r = mixed.json.result as Record<string, Record<string, unknown>>
    expect(r.result?.dep).toEqual([{ ID: '1', NAME: 'ООО «Вектор»', SORT: 500, UF_HEAD: '2' }])
    expect(r.result?.list).toEqual([{ ID: '1' }])
    expect(r.result_error).toEqual({ lost: { error: '', error_description: 'Not found' } })
    expect(r.result_total).toEqual({ dep: 1, list: 1 })
    expect(r.result_next).toEqual([])
    expect(Object.keys(r.result_time ?? {})).toEqual(['me', 'dep', 'list'])
    const clean = await rest(portal, 'batch', { halt: 1, cmd: { a: 'profile', b: 'crm.lead.get?id=404', c: 'profile' } }, token)
    const c = clean.json.result as Record<string, unknown>
    expect(c.result).toEqual({ a: expect.objectContaining({ ID: '1' }) })
    expect(Object.keys(c.result_error as object)).toEqual(['b'])
    expect(c.result_total).toEqual([])
    const calls = portal.calls.filter((call) => call.viaBatch)
    expect(calls.map((call) => call.method)).toEqual(['user.current', 'department.get', 'crm.lead.get', 'crm.lead.list', 'profile', 'crm.lead.get'])
    const big = await rest(portal, 'batch', { cmd: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'server.time'])) }, token)
    expect((big.json.result as { result_error: Record<string, Auth> }).result_error.k50?.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED')
    const nested = await rest(portal, 'batch', { cmd: { x: 'batch?cmd[y]=profile' } }, token)
    expect((nested.json.result as { result_error: Record<string, Auth> }).result_error.x?.error).toBe('ERROR_BATCH_METHOD_NOT_ALLOWED')
  })
})

describe('events', () => {
  it('delivers form-encoded events with the documented payload, user tokens or none for robots', async () => {
    const auth = await setup()
    const token = auth.access_token ?? ''
    for (const event of ['ONCRMLEADADD', 'onTaskAdd', 'ONCRMDEALUPDATE', 'ONCRMDEALMOVETOCATEGORY']) {
      expect((await rest(portal, 'event.bind', { event, handler: `${app.url}/events` }, token)).json.result).toBe(true)
    }
    expect(await rest(portal, 'event.bind', { event: 'ONCRMLEADADD', handler: `${app.url}/events` }, token)).toMatchObject({ status: 400, json: { error: 'ERROR_CORE', error_description: 'Unable to set event handler: Handler already binded' } })
    expect((await rest(portal, 'event.bind', { event: 'ONNOTHING', handler: `${app.url}/events` }, token)).json.error).toBe('ERROR_EVENT_NOT_FOUND')
    const added = await rest(portal, 'crm.lead.add', { fields: { NAME: 'Иван' } }, token)
    portal.data.addLead({ TITLE: 'Сайт' }, { byRobot: true })
    const taskId = portal.data.addTask({ TITLE: 'РЗ: позвонить', RESPONSIBLE_ID: 5 }, { byUserId: 4 })
    const dealId = portal.data.addDeal({ TITLE: 'Поставка' })
    portal.data.moveDealToCategory(dealId, 1)
    await portal.flushEvents()
    const events = app.got.filter((g) => g.path === '/events')
    expect(events.map((e) => e.body.event)).toEqual(['ONCRMLEADADD', 'ONCRMLEADADD', 'ONTASKADD', 'ONCRMDEALMOVETOCATEGORY'])
    const [byRest, byRobot, task, move] = events
    expect(byRest?.contentType).toBe('application/x-www-form-urlencoded')
    expect(byRest?.raw).toMatch(/^event=ONCRMLEADADD&event_handler_id=1&data%5BFIELDS%5D%5BID%5D=\d+&ts=\d+&auth%5Baccess_token%5D=/)
    expect(byRest?.body).toEqual({
      event: 'ONCRMLEADADD', event_handler_id: '1', data: { FIELDS: { ID: String(added.json.result) } }, ts: expect.stringMatching(/^\d+$/),
      auth: {
        access_token: expect.any(String), expires: expect.stringMatching(/^\d+$/), expires_in: '3600', scope: 'crm,task,im,user,department,disk,placement',
        domain: portal.domain, server_endpoint: portal.serverEndpoint, status: 'L', client_endpoint: portal.clientEndpoint,
        member_id: portal.memberId, user_id: '1', application_token: portal.applicationToken,
      },
    })
    // The captured order (b24phpsdk's playground portal, 2024); `expires` is unix seconds, about ts + 3600.
    const userKeys = ['access_token', 'expires', 'expires_in', 'scope', 'domain', 'server_endpoint', 'status', 'client_endpoint', 'member_id', 'user_id', 'application_token']
    expect(Object.keys(byRest?.body.auth as Auth)).toEqual(userKeys)
    const expires = Number((byRest?.body.auth as Auth).expires) - Number(byRest?.body.ts)
    expect(expires).toBeGreaterThan(3500)
    expect(expires).toBeLessThanOrEqual(3600)
    expect(byRobot?.body.auth).toEqual({
      domain: portal.domain, client_endpoint: portal.clientEndpoint, server_endpoint: portal.serverEndpoint, member_id: portal.memberId, application_token: portal.applicationToken,
    })
    expect(byRobot?.raw).toMatch(/&auth%5Bdomain%5D=[^&]+&auth%5Bclient_endpoint%5D=[^&]+&auth%5Bserver_endpoint%5D=[^&]+&auth%5Bmember_id%5D=[0-9a-f]+&auth%5Bapplication_token%5D=[0-9a-f]+$/)
    expect(Object.keys(task?.body.auth as Auth)).toEqual(userKeys)
    expect((task?.body.auth as Auth).user_id).toBe('4')
    expect(events.every((e) => !e.raw.includes('refresh_token'))).toBe(true)
    expect(task?.body.data).toEqual({ FIELDS_BEFORE: 'undefined', FIELDS_AFTER: { ID: taskId }, IS_ACCESSIBLE_BEFORE: 'N', IS_ACCESSIBLE_AFTER: 'undefined' })
    const taskUser = await rest(portal, 'user.current', {}, String((task?.body.auth as Auth).access_token))
    expect((taskUser.json.result as Auth).ID).toBe('4')
    expect(move?.body.data).toEqual({ FIELDS: { ID: dealId, CATEGORY_ID: '1', STAGE_ID: 'C1:NEW' } })
    expect(portal.deliveries.every((d) => d.status === 200)).toBe(true)
  })

  it('leaves event_handler_id out with eventHandlerId: false', async () => {
    const auth = await setup({ eventHandlerId: false })
    await rest(portal, 'event.bind', { event: 'ONCRMDEALADD', handler: `${app.url}/events` }, auth.access_token ?? '')
    const dealId = portal.data.addDeal({ TITLE: 'Поставка' }, { byUserId: 5 })
    await portal.flushEvents()
    const delivery = portal.deliveries.at(-1)
    expect(delivery?.body).toMatch(new RegExp(`^event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=${dealId}&ts=\\d+&auth%5Baccess_token%5D=`))
    expect(qs.parse(delivery?.body ?? '')).not.toHaveProperty('event_handler_id')
    expect((qs.parse(delivery?.body ?? '').auth as Auth).user_id).toBe('5')
  })

  it('sends nothing before installFinish in the UI flow, then sends', async () => {
    await start()
    await portal.openInstallFrame({ url: `${app.url}/install` })
    const frame = app.got[0]
    expect(frame?.query.get('DOMAIN')).toBe(portal.domain)
    expect(frame?.query.get('APP_SID')).toMatch(/^[0-9a-f]{32}$/)
    expect(frame?.body).toMatchObject({ AUTH_EXPIRES: '3600', member_id: portal.memberId, status: 'L', PLACEMENT: 'DEFAULT' })
    const token = String(frame?.body.AUTH_ID)
    await rest(portal, 'event.bind', { event: 'ONCRMLEADADD', handler: `${app.url}/events` }, token)
    expect((await rest(portal, 'app.info', {}, token)).json.result).toMatchObject({ INSTALLED: false })
    portal.data.addLead({ TITLE: 'Не придёт' })
    await portal.flushEvents()
    expect(portal.deliveries).toHaveLength(0)
    portal.finishInstall()
    portal.data.addLead({ TITLE: 'Придёт' })
    await portal.flushEvents()
    expect(portal.deliveries.map((d) => d.event)).toEqual(['ONCRMLEADADD'])
  })

  it('sends ONAPPINSTALL with the application_token through the queue once a UI install is finished', async () => {
    await start()
    await portal.openInstallFrame({ url: `${app.url}/install`, userId: 1 })
    const token = String(app.got[0]?.body.AUTH_ID)
    await rest(portal, 'event.bind', { event: 'ONAPPINSTALL', handler: `${app.url}/installed` }, token)
    await rest(portal, 'event.bind', { event: 'ONAPPINSTALL', handler: `${app.url}/installed-too` }, token)
    portal.faults.dropEvents(1)
    portal.finishInstall()
    portal.finishInstall() // already finished: nothing more
    await portal.flushEvents()
    expect(portal.deliveries.map((d) => [d.event, d.url.slice(app.url.length), d.dropped === true])).toEqual([
      ['ONAPPINSTALL', '/installed', true], ['ONAPPINSTALL', '/installed-too', false],
    ])
    const install = app.got.find((g) => g.path === '/installed-too')
    expect(install?.raw).toMatch(/^event=ONAPPINSTALL&event_handler_id=2&data%5BVERSION%5D=1&data%5BACTIVE%5D=Y&data%5BINSTALLED%5D=Y&data%5BLANGUAGE_ID%5D=ru&ts=\d+&auth%5Baccess_token%5D=/)
    const auth = install?.body.auth as Auth
    expect(Object.keys(auth)).toEqual([
      'access_token', 'expires', 'expires_in', 'scope', 'domain', 'server_endpoint', 'status', 'client_endpoint', 'member_id', 'user_id', 'refresh_token', 'application_token',
    ])
    expect(auth).toMatchObject({ application_token: portal.applicationToken, user_id: '1', server_endpoint: portal.serverEndpoint, client_endpoint: portal.clientEndpoint })
    expect(auth.server_endpoint).not.toBe(auth.client_endpoint)
    expect((await refresh(portal, auth.refresh_token ?? '')).status).toBe(200)
    expect((await rest(portal, 'app.info', {}, auth.access_token ?? '')).json.result).toMatchObject({ INSTALLED: true })
  })

  it("sends ONAPPINSTALL when the browser page's set_installed finishes the install", async () => {
    await start()
    const page = await (await fetch(portal.appPageUrl({ installUrl: `${app.url}/install`, handlerUrl: `${app.url}/app` }))).text()
    const sessid = /"sessid":"([0-9a-f]+)"/.exec(page)?.[1] ?? ''
    const token = /"AUTH_ID":"([a-z0-9]+)"/.exec(page)?.[1] ?? ''
    await rest(portal, 'event.bind', { event: 'ONAPPINSTALL', handler: `${app.url}/installed` }, token)
    const ajax = await fetch(`${portal.url}/bitrix/components/bitrix/app.layout/lazyload.ajax.php`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `sessid=${sessid}&action=set_installed&v=Y`,
    })
    expect(await ajax.text()).toBe('{"result":"true"}')
    await portal.flushEvents()
    expect(portal.installed).toBe(true)
    const install = app.got.find((g) => g.path === '/installed')
    expect(install?.body).toMatchObject({ event: 'ONAPPINSTALL', event_handler_id: '1', data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'ru' } })
    expect((install?.body.auth as Auth).application_token).toBe(portal.applicationToken)
  })

  it('drops, duplicates, never retries and can reorder deliveries', async () => {
    const auth = await setup()
    await rest(portal, 'event.bind', { event: 'ONCRMLEADADD', handler: `${app.url}/events` }, auth.access_token ?? '')
    portal.faults.dropEvents(1)
    portal.faults.duplicateEvents(1)
    const dropped = portal.data.addLead({ TITLE: 'a' })
    const doubled = portal.data.addLead({ TITLE: 'b' })
    await portal.flushEvents()
    const ids = app.got.filter((g) => g.path === '/events').map((g) => (g.body.data as { FIELDS: Auth }).FIELDS.ID)
    expect(ids).toEqual([doubled, doubled])
    expect(portal.deliveries.map((d) => [d.event, d.status, d.dropped === true])).toEqual([
      ['ONAPPINSTALL', 200, false], ['ONCRMLEADADD', 0, true], ['ONCRMLEADADD', 200, false], ['ONCRMLEADADD', 200, false],
    ])
    app.status = 500
    portal.data.addLead({ TITLE: 'c' })
    await portal.flushEvents()
    expect(portal.deliveries.at(-1)?.status).toBe(500)
    expect(portal.deliveries).toHaveLength(5)
    app.status = 200
    portal.faults.reorderEvents(true)
    const x = portal.data.addLead({ TITLE: 'x' })
    const y = portal.data.addLead({ TITLE: 'y' })
    await portal.flushEvents()
    const last = app.got.slice(-2).map((g) => (g.body.data as { FIELDS: Auth }).FIELDS.ID)
    expect(last).toEqual([y, x])
  })
})

describe('offline events', () => {
  type Queued = { ID: string; TIMESTAMP_X: string; EVENT_NAME: string; EVENT_DATA: unknown; MESSAGE_ID: string; PROCESS_ID?: string; ERROR?: string }
  const got = (reply: RestReply) => reply.json.result as { process_id: string | null; events: Queued[] }

  it('binds offline as admin only, queues one record per object and source, and leaves out the own writes of that source', async () => {
    const auth = await setup()
    const token = auth.access_token ?? ''
    await portal.openApp({ url: `${app.url}/app`, userId: 5 })
    const manager = String(app.got.at(-1)?.body.AUTH_ID)
    expect(await rest(portal, 'event.bind', { event: 'ONCRMLEADUPDATE', event_type: 'offline' }, manager)).toMatchObject({
      status: 403, json: { error: 'ACCESS_DENIED', error_description: 'Access denied! Offline events binding requires administrator access rights' },
    })
    expect((await rest(portal, 'event.bind', { event: 'ONCRMLEADUPDATE', event_type: 'offline', auth_connector: 'mine' }, token)).json.result).toBe(true)
    expect((await rest(portal, 'event.bind', { event: 'ONCRMLEADUPDATE', event_type: 'offline', auth_connector: 'mine' }, token)).json.error).toBe('ERROR_CORE')
    expect((await rest(portal, 'event.bind', { event: 'ONCRMLEADUPDATE', handler: `${app.url}/events` }, token)).json.result).toBe(true)
    expect((await rest(portal, 'event.get', {}, token)).json.result).toEqual([
      { event: 'ONCRMLEADUPDATE', handler: '', auth_type: '0', offline: 1 },
      { event: 'ONCRMLEADUPDATE', handler: `${app.url}/events`, auth_type: '0', offline: 0 },
    ])
    const lead = portal.data.addLead({ TITLE: 'Заявка' })
    // "If the same deal is modified 1000 times, only one record … will remain" (offline-events.md).
    for (let i = 0; i < 20; i++) portal.data.updateLead(lead, { COMMENTS: `правка ${i}` })
    await rest(portal, 'crm.lead.update', { id: lead, fields: { TITLE: 'Своя правка' }, auth_connector: 'mine' }, token)
    await rest(portal, 'batch', { cmd: { a: `crm.lead.update?id=${lead}&fields[TITLE]=Снова своя&auth_connector=mine` } }, token)
    await portal.flushEvents()
    // Online delivery is independent of the offline binding: 20 user changes and both own writes.
    expect(app.got.filter((g) => g.path === '/events')).toHaveLength(22)
    expect(await rest(portal, 'event.offline.get', {}, token)).toMatchObject({ json: { result: { process_id: null, events: [] } } })
    const list = await rest(portal, 'event.offline.list', { auth_connector: 'mine' }, token)
    expect(list.json).toMatchObject({ total: 1, result: [{ ID: '1', EVENT_NAME: 'ONCRMLEADUPDATE', EVENT_DATA: { FIELDS: { ID: Number(lead) } }, EVENT_ADDITIONAL: false, PROCESS_ID: '', ERROR: '0' }] })
    const record = (list.json.result as Queued[])[0]
    expect(record?.TIMESTAMP_X).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/)
    expect(record?.MESSAGE_ID).toMatch(/^[0-9a-f]{32}$/)
    // A change by anyone else (or with another key) is queued again, in that one record.
    await rest(portal, 'crm.lead.update', { id: lead, fields: { TITLE: 'Чужая правка' }, auth_connector: 'other' }, token)
    expect((await rest(portal, 'event.offline.list', { auth_connector: 'mine' }, token)).json.total).toBe(1)
    expect(portal.offlineEvents).toHaveLength(1)
    expect((await rest(portal, 'feature.get', { CODE: 'rest_offline_extended' }, token)).json.result).toEqual({ value: 'Y' })
    expect(await rest(portal, 'feature.get', {}, token)).toMatchObject({ status: 400, json: { error: 'CODE_EMPTY', error_description: "CODE can't be empty" } })
    expect(await rest(portal, 'event.offline.list', {}, manager)).toMatchObject({ status: 403, json: { error: 'ACCESS_DENIED' } })
  })

  it('reserves with clear=0 (parallel gets see disjoint sets), clears by process, id or message_id, keeps errors apart, pushes ONOFFLINEEVENT', async () => {
    const auth = await setup({ features: { rest_auth_connector: false } })
    const token = auth.access_token ?? ''
    expect((await rest(portal, 'feature.get', { CODE: 'rest_auth_connector' }, token)).json.result).toEqual({ value: 'N' })
    await rest(portal, 'event.bind', { event: 'ONCRMLEADADD', event_type: 'offline' }, token)
    await rest(portal, 'event.bind', { event: 'ONOFFLINEEVENT', handler: `${app.url}/push`, options: { minTimeout: 60 } }, token)
    const ids = Array.from({ length: 5 }, (_, i) => portal.data.addLead({ TITLE: `Лид ${i}` }))
    await portal.flushEvents()
    // One push for five records: the next waits out minTimeout (on-offline-event.md).
    const pushes = app.got.filter((g) => g.path === '/push')
    expect(pushes).toHaveLength(1)
    expect(pushes[0]?.body).toMatchObject({ event: 'ONOFFLINEEVENT', auth: { member_id: portal.memberId, refresh_token: expect.any(String) } })
    expect(pushes[0]?.body.data).toBeUndefined() // `data: []` has no form field

    const [first, second] = await Promise.all([
      rest(portal, 'event.offline.get', { clear: 0, limit: 2 }, token),
      rest(portal, 'event.offline.get', { clear: 0, limit: 2 }, token),
    ])
    const a = got(first!)
    const b = got(second!)
    expect(a.process_id).toMatch(/^[0-9a-f]{32}$/)
    expect(a.process_id).not.toBe(b.process_id)
    const taken = [...a.events, ...b.events].map((e) => (e.EVENT_DATA as { FIELDS: { ID: number } }).FIELDS.ID)
    expect(new Set(taken).size).toBe(4)
    expect(Object.keys(a.events[0] ?? {})).toEqual(['ID', 'TIMESTAMP_X', 'EVENT_NAME', 'EVENT_DATA', 'EVENT_ADDITIONAL', 'MESSAGE_ID'])
    // Reserved records are hidden from other gets, and found again with their process_id.
    const c = got(await rest(portal, 'event.offline.get', { clear: 0 }, token))
    expect(c.events).toHaveLength(1)
    expect(got(await rest(portal, 'event.offline.get', { clear: 0, process_id: a.process_id }, token)).events).toHaveLength(2)
    const reserved = await rest(portal, 'event.offline.list', { filter: { '=PROCESS_ID': a.process_id } }, token)
    expect(reserved.json.total).toBe(2)

    expect(await rest(portal, 'event.offline.clear', {}, token)).toMatchObject({ status: 400 })
    expect((await rest(portal, 'event.offline.clear', { process_id: a.process_id, id: [a.events[0]?.ID] }, token)).json.result).toBe(true)
    expect(portal.offlineEvents).toHaveLength(4)
    await rest(portal, 'event.offline.clear', { process_id: a.process_id, message_id: [a.events[1]?.MESSAGE_ID] }, token)
    expect(portal.offlineEvents).toHaveLength(3)
    // An error keeps the record; it comes back only with error=1.
    await rest(portal, 'event.offline.error', { process_id: b.process_id, message_id: [b.events[0]?.MESSAGE_ID] }, token)
    await rest(portal, 'event.offline.clear', { process_id: b.process_id }, token)
    await rest(portal, 'event.offline.clear', { process_id: c.process_id }, token)
    expect(portal.offlineEvents.map((r) => r.ERROR)).toEqual(['1'])
    expect(got(await rest(portal, 'event.offline.get', {}, token)).events).toEqual([])
    expect(got(await rest(portal, 'event.offline.get', { error: 1 }, token)).events).toHaveLength(1)
    expect(portal.offlineEvents).toEqual([])
    // A change after a reservation puts the record back, so clearing the old batch loses nothing.
    portal.data.updateLead(ids[0]!, { TITLE: 'x' })
    await rest(portal, 'event.bind', { event: 'ONCRMLEADUPDATE', event_type: 'offline' }, token)
    portal.data.updateLead(ids[0]!, { TITLE: 'y' })
    const held = got(await rest(portal, 'event.offline.get', { clear: 0 }, token))
    portal.data.updateLead(ids[0]!, { TITLE: 'z' })
    await rest(portal, 'event.offline.clear', { process_id: held.process_id }, token)
    expect(portal.offlineEvents.map((r) => [r.EVENT_NAME, r.PROCESS_ID])).toEqual([['ONCRMLEADUPDATE', '']])
  })
})

describe('faults, widgets, lifecycle and methods', () => {
  it('answers scripted REST faults and still creates a record behind a slow *.add', async () => {
    const auth = await setup()
    const token = auth.access_token ?? ''
    portal.faults.fail({ method: 'profile', status: 503, error: 'QUERY_LIMIT_EXCEEDED' })
    expect(await rest(portal, 'profile', {}, token)).toMatchObject({ status: 503, json: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' } })
    expect((await rest(portal, 'profile', {}, token)).status).toBe(200)
    portal.faults.fail({ status: 502, error: 'HTML' })
    const html = await rest(portal, 'profile', {}, token)
    expect(html.status).toBe(502)
    expect(html.contentType).toContain('text/html')
    portal.faults.fail({ method: 'crm.lead.get', status: 429, error: 'OPERATION_TIME_LIMIT' })
    expect((await rest(portal, 'crm.lead.get', { id: 1 }, token)).json.error).toBe('OPERATION_TIME_LIMIT')
    expect(portal.calls.filter((c) => c.httpStatus === 429)).toHaveLength(1)
    portal.faults.slow({ method: 'crm.lead.add', ms: 400 })
    const aborted = fetch(`${portal.clientEndpoint}crm.lead.add`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields: { TITLE: 'Таймаут' }, auth: token }), signal: AbortSignal.timeout(50),
    })
    await expect(aborted).rejects.toThrow()
    expect(portal.data.lead(1)).toMatchObject({ TITLE: 'Таймаут' })
    expect(portal.calls.filter((c) => c.method === 'crm.lead.add')).toHaveLength(1)
  })

  it('binds widgets as admin only, refuses duplicates and frames the widget with JSON PLACEMENT_OPTIONS', async () => {
    const auth = await setup()
    const token = auth.access_token ?? ''
    const tab = { PLACEMENT: 'CRM_DEAL_DETAIL_TAB', HANDLER: `${app.url}/placements/deal`, TITLE: 'Правила', OPTIONS: { width: '500' } }
    expect((await rest(portal, 'placement.bind', tab, token)).json.result).toBe(true)
    expect(await rest(portal, 'placement.bind', tab, token)).toMatchObject({ status: 400, json: { error: 'ERROR_CORE', error_description: 'Unable to set placement handler: Handler already binded' } })
    expect(portal.placementBindings[0]).toMatchObject({ placement: 'CRM_DEAL_DETAIL_TAB', title: 'Правила', options: [] })
    const manager = await portal.openPlacement({ placement: 'CRM_DEAL_DETAIL_TAB', options: { ID: '8' }, userId: 5 })
    expect(manager.status).toBe(200)
    const frame = app.got.at(-1)
    expect(frame?.path).toBe('/placements/deal')
    expect(frame?.body.PLACEMENT_OPTIONS).toBe('{"ID":"8","URI":"\\/crm\\/deal\\/details\\/8\\/?IFRAME=Y&IFRAME_TYPE=SIDE_SLIDER"}')
    const managerToken = String(frame?.body.AUTH_ID)
    expect(await rest(portal, 'placement.bind', { ...tab, HANDLER: `${app.url}/other` }, managerToken)).toMatchObject({ status: 403, json: { error: 'ACCESS_DENIED' } })
  })

  it('frames as captured by default: no APPLICATION_TOKEN, SERVER_ENDPOINT, APPLICATION_SCOPE; documented adds them', async () => {
    const captured = ['AUTH_ID', 'AUTH_EXPIRES', 'REFRESH_ID', 'member_id', 'status', 'PLACEMENT']
    const documented = ['AUTH_ID', 'AUTH_EXPIRES', 'REFRESH_ID', 'SERVER_ENDPOINT', 'APPLICATION_TOKEN', 'APPLICATION_SCOPE', 'member_id', 'status', 'PLACEMENT']
    for (const [frames, keys] of [['captured', captured], ['documented', documented]] as const) {
      const p = await start({ frames })
      app.got.length = 0
      await p.openInstallFrame({ url: `${app.url}/install` })
      await p.openApp({ url: `${app.url}/app`, userId: 5 })
      for (const frame of app.got) {
        expect([...frame.query.keys()]).toEqual(['DOMAIN', 'PROTOCOL', 'LANG', 'APP_SID'])
        expect(Object.keys(frame.body)).toEqual(keys)
        expect(frame.raw).toMatch(/^AUTH_ID=[a-z0-9]+&AUTH_EXPIRES=3600&REFRESH_ID=/)
      }
      if (frames === 'documented') {
        expect(app.got[0]?.body).toMatchObject({ SERVER_ENDPOINT: p.serverEndpoint, APPLICATION_TOKEN: p.applicationToken, APPLICATION_SCOPE: 'crm,task,im,user,department,disk,placement' })
      }
      // The browser page: the form's hidden inputs are the same fields; its query becomes json_encode'd PLACEMENT_OPTIONS.
      const page = await (await fetch(`${p.appPageUrl({ installUrl: `${app.url}/install`, handlerUrl: `${app.url}/app` })}?any=52/&name=${encodeURIComponent('Вектор')}`)).text()
      const inputs = [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]?.replace(/&quot;/g, '"').replace(/&amp;/g, '&')])
      expect(inputs.map(([name]) => name)).toEqual([...keys, 'PLACEMENT_OPTIONS'])
      expect(Object.fromEntries(inputs).PLACEMENT_OPTIONS).toBe('{"any":"52\\/","name":"\\u0412\\u0435\\u043a\\u0442\\u043e\\u0440"}')
    }
  })

  it('fills PLACEMENT_OPTIONS as json_encode does: strings, \\/ and \\uXXXX, a URI on deal and lead tabs', async () => {
    const auth = await setup()
    const token = auth.access_token ?? ''
    for (const PLACEMENT of ['CRM_LEAD_DETAIL_TAB', 'CRM_DEAL_LIST_MENU']) {
      await rest(portal, 'placement.bind', { PLACEMENT, HANDLER: `${app.url}/placements/${PLACEMENT}`, TITLE: 'Правила' }, token)
    }
    await portal.openPlacement({ placement: 'CRM_LEAD_DETAIL_TAB', options: { ID: '42' } })
    await portal.openPlacement({ placement: 'CRM_DEAL_LIST_MENU', options: { ID: '7', name: 'Вектор/1' } })
    const [lead, menu] = app.got.slice(-2)
    expect(lead?.body.PLACEMENT_OPTIONS).toBe('{"ID":"42","URI":"\\/crm\\/lead\\/details\\/42\\/?IFRAME=Y&IFRAME_TYPE=SIDE_SLIDER"}')
    expect(lead?.raw).toContain('&PLACEMENT_OPTIONS=%7B%22ID%22%3A%2242%22%2C%22URI%22%3A%22%5C%2Fcrm%5C%2Flead%5C%2Fdetails%5C%2F42%5C%2F%3FIFRAME%3DY%26IFRAME_TYPE%3DSIDE_SLIDER%22%7D')
    expect(menu?.body.PLACEMENT_OPTIONS).toBe('{"ID":"7","name":"\\u0412\\u0435\\u043a\\u0442\\u043e\\u0440\\/1"}')
    expect(JSON.parse(String(menu?.body.PLACEMENT_OPTIONS))).toEqual({ ID: '7', name: 'Вектор/1' })
  })

  it("sends the old task card's ONTASKCOMMENTADD with taskCard: 'old': the comment's id, TASK_ID, no MESSAGE_ID", async () => {
    const auth = await setup({ taskCard: 'old' })
    await rest(portal, 'event.bind', { event: 'ONTASKCOMMENTADD', handler: `${app.url}/events` }, auth.access_token ?? '')
    const taskId = portal.data.addTask({ TITLE: 'Позвонить', RESPONSIBLE_ID: 5 })
    portal.data.addTaskComment(taskId, 'Первый', 5)
    const commentId = portal.data.addTaskComment(taskId, 'Второй', 5)
    await portal.flushEvents()
    const delivery = portal.deliveries.at(-1)
    expect(delivery?.body).toContain(
      `&data%5BFIELDS_BEFORE%5D=undefined&data%5BFIELDS_AFTER%5D%5BID%5D=${commentId}&data%5BFIELDS_AFTER%5D%5BTASK_ID%5D=${taskId}&data%5BIS_ACCESSIBLE_BEFORE%5D=N&data%5BIS_ACCESSIBLE_AFTER%5D=undefined&ts=`,
    )
    expect(delivery?.body).not.toContain('MESSAGE_ID')
    expect(commentId).not.toBe('0')
  })

  it('updates (new token, bindings gone, ONAPPUPDATE) and uninstalls (ONAPPUNINSTALL without tokens, tokens dead)', async () => {
    const auth = await setup()
    const token = auth.access_token ?? ''
    await rest(portal, 'event.bind', { event: 'ONAPPUPDATE', handler: `${app.url}/update` }, token)
    const oldToken = portal.applicationToken
    await portal.updateApp({ version: '2' })
    const update = app.got.find((g) => g.path === '/update')
    expect(update?.body).toMatchObject({ event: 'ONAPPUPDATE', data: { VERSION: '2', PREVIOUS_VERSION: '1', LANGUAGE_ID: 'ru' } })
    expect((update?.body.auth as Auth).application_token).toBe(portal.applicationToken)
    expect(portal.applicationToken).not.toBe(oldToken)
    expect(portal.eventBindings).toHaveLength(0)
    await rest(portal, 'event.bind', { event: 'ONAPPUNINSTALL', handler: `${app.url}/uninstall` }, token)
    await portal.uninstallApp({ clean: true })
    const gone = app.got.find((g) => g.path === '/uninstall')
    expect(gone?.body.data).toEqual({ LANGUAGE_ID: 'ru', CLEAN: '1' })
    expect(Object.keys(gone?.body.auth as Auth)).toEqual(['domain', 'server_endpoint', 'client_endpoint', 'member_id', 'application_token'])
    expect(await rest(portal, 'profile', {}, token)).toMatchObject({ status: 401, json: { error: 'invalid_token' } })
    expect((await refresh(portal, auth.refresh_token ?? '')).status).toBe(401)
  })

  it('speaks tasks (UPPER_CASE in, camelCase out), history, comments, stage history, notifications and disk', async () => {
    const auth = await setup()
    const token = auth.access_token ?? ''
    await rest(portal, 'event.bind', { event: 'ONTASKCOMMENTADD', handler: `${app.url}/events` }, token)
    const added = await rest(portal, 'tasks.task.add', { fields: { TITLE: 'ПР: письмо', RESPONSIBLE_ID: 5, DEADLINE: '2030-01-10T18:00:00', AUDITORS: [4] } }, token)
    const task = (added.json.result as { task: Auth }).task
    expect(task).toMatchObject({ title: 'ПР: письмо', responsibleId: '5', deadline: '2030-01-10T18:00:00+03:00', status: '2', auditors: ['4'] })
    await rest(portal, 'tasks.task.update', { taskId: task.id, fields: { STATUS: 5 } }, token)
    const list = await rest(portal, 'tasks.task.list', { filter: { RESPONSIBLE_ID: 5, '>=DEADLINE': '2030-01-01' }, select: ['ID', 'STATUS', 'CLOSED_DATE'] }, token)
    expect(list.json).toMatchObject({ total: 1, result: { tasks: [{ id: task.id, status: '5', closedDate: expect.any(String) }] } })
    const commentId = portal.data.addTaskComment(String(task.id), 'Готово', 5)
    const history = await rest(portal, 'tasks.task.history.list', { taskId: task.id }, token)
    const fields = (history.json.result as { list: Array<{ field: string; value: Auth }> }).list.map((h) => h.field)
    expect(fields).toEqual(['COMMENT', 'STATUS', 'NEW'])
    await portal.flushEvents()
    const comment = app.got.find((g) => g.body.event === 'ONTASKCOMMENTADD')
    expect(comment?.body.data).toEqual({ FIELDS_BEFORE: 'undefined', FIELDS_AFTER: { ID: '0', MESSAGE_ID: '1', TASK_ID: String(task.id) }, IS_ACCESSIBLE_BEFORE: 'N', IS_ACCESSIBLE_AFTER: 'undefined' })
    expect(comment?.raw).toContain(`&data%5BFIELDS_BEFORE%5D=undefined&data%5BFIELDS_AFTER%5D%5BID%5D=0&data%5BFIELDS_AFTER%5D%5BMESSAGE_ID%5D=1&data%5BFIELDS_AFTER%5D%5BTASK_ID%5D=${String(task.id)}&data%5BIS_ACCESSIBLE_BEFORE%5D=N&`)
    const comments = await rest(portal, 'task.commentitem.getlist', { TASKID: task.id }, token)
    expect((comments.json.result as Auth[])[0]).toMatchObject({ ID: commentId, POST_MESSAGE: 'Готово', AUTHOR_ID: '5' })

    const leadId = (await rest(portal, 'crm.lead.add', { fields: {} }, token)).json.result
    expect(portal.data.lead(Number(leadId))?.TITLE).toBe(`Лид #${String(leadId)}`)
    await rest(portal, 'crm.lead.update', { id: leadId, fields: { STATUS_ID: 'JUNK' } }, token)
    const stages = await rest(portal, 'crm.stagehistory.list', { entityTypeId: 1, order: { ID: 'ASC' }, filter: { OWNER_ID: leadId } }, token)
    expect((stages.json.result as { items: Auth[] }).items.map((i) => [i.TYPE_ID, i.STATUS_ID, i.STATUS_SEMANTIC_ID])).toEqual([[1, 'NEW', 'P'], [3, 'JUNK', 'F']])
    const statuses = await rest(portal, 'crm.status.list', { filter: { ENTITY_ID: 'STATUS' } }, token)
    expect((statuses.json.result as Array<Record<string, unknown>>).find((s) => s.STATUS_ID === 'NEW')).toMatchObject({ NAME: 'Не обработан', EXTRA: { SEMANTICS: 'process' } })

    expect((await rest(portal, 'crm.timeline.comment.add', { FIELDS: { ENTITY_ID: leadId, ENTITY_TYPE: 'lead', COMMENT: 'x' } }, token)).json.error).toBe('100')
    expect((await rest(portal, 'crm.timeline.comment.add', { fields: { ENTITY_ID: leadId, ENTITY_TYPE: 'lead', COMMENT: 'Просрочено' } }, token)).status).toBe(200)
    expect(portal.data.timelineComments.at(-1)).toMatchObject({ entityType: 'lead', comment: 'Просрочено' })

    await rest(portal, 'im.notify.system.add', { USER_ID: 4, MESSAGE: 'первое', TAG: 'SLA|lead|1' }, token)
    const second = await rest(portal, 'im.notify.personal.add', { USER_ID: 4, MESSAGE: 'второе', TAG: 'SLA|lead|1' }, token)
    expect(typeof second.json.result).toBe('number')
    expect(portal.data.notifications.map((n) => [n.message, n.kind])).toEqual([['второе', 'personal']])
    expect((await rest(portal, 'im.notify.system.add', { USER_ID: 4 }, token)).json.error).toBe('MESSAGE_EMPTY')

    const storage = (await rest(portal, 'disk.storage.getforapp', {}, token)).json.result as Auth
    const upload = await rest(portal, 'disk.folder.uploadfile', { id: storage.ROOT_OBJECT_ID, data: { NAME: 'отчёт.xlsx' }, fileContent: ['отчёт.xlsx', Buffer.from('PK').toString('base64')] }, token)
    expect(upload.json.result).toMatchObject({ NAME: 'отчёт.xlsx', SIZE: '2' })
    expect(Buffer.from(await (await fetch(String((upload.json.result as Auth).DOWNLOAD_URL))).arrayBuffer()).toString()).toBe('PK')
    // The upload-URL way: the call answers where to POST; the multipart POST stores the file. The documented token carries
    // only `id` and `generateUniqueName`: rights passed with the call are not kept, nor checked.
    const tasks = (await rest(portal, 'disk.rights.getTasks', {}, token)).json.result as Auth[]
    expect(tasks.find((task) => task.NAME === 'disk_access_read')?.ID).toBe('38')
    const step = (await rest(portal, 'disk.folder.uploadfile', { id: 21, data: { NAME: 'отчёт.xlsx' }, generateUniqueName: true, rights: [{ TASK_ID: 38, ACCESS_CODE: 'U4' }] }, token)).json.result as Auth
    expect(step.field).toBe('file')
    expect(String(step.uploadUrl)).toMatch(new RegExp(`^${portal.url}/rest/upload\\.json\\?token=disk%7C`))
    const form = new FormData()
    form.append(String(step.field), new Blob([Buffer.from('PK2')]), 'x.xlsx')
    const posted = await (await fetch(String(step.uploadUrl), { method: 'POST', body: form })).json() as { result: Auth }
    expect(posted.result).toMatchObject({ NAME: 'отчёт (1).xlsx', SIZE: '3' })
    expect(portal.data.files.at(-1)).toMatchObject({ rights: [], via: 'uploadUrl' })
    expect(portal.data.accessTo(portal.data.files.at(-1)!)).toEqual([])
    expect((await fetch(String(step.uploadUrl), { method: 'POST', body: form })).status).toBe(401)
    expect((await rest(portal, 'disk.folder.uploadfile', { id: 21, rights: [{ TASK_ID: 1, ACCESS_CODE: 'U4' }] }, token)).json.result).toMatchObject({ field: 'file' })
    // A folder in the storage's root made with its rights (disk-storage-add-folder.md); what is put in it gets them.
    const folder = await rest(portal, 'disk.storage.addfolder', { id: storage.ID, data: { NAME: 'Отчёты' }, rights: [{ TASK_ID: 38, ACCESS_CODE: 'U4' }] }, token)
    expect(folder.json.result).toMatchObject({ NAME: 'Отчёты', TYPE: 'folder', STORAGE_ID: storage.ID, PARENT_ID: storage.ROOT_OBJECT_ID })
    const folderId = (folder.json.result as Auth).ID
    expect(await rest(portal, 'disk.storage.addfolder', { id: storage.ID, data: { NAME: 'Отчёты' } }, token)).toMatchObject({ status: 400, json: { error: 'DISK_OBJ_22000', error_description: 'A folder with this name already exists' } })
    expect((await rest(portal, 'disk.storage.addfolder', { id: storage.ID, data: {} }, token)).json.error).toBe('ERROR_ARGUMENT')
    expect((await rest(portal, 'disk.storage.addfolder', { id: 999, data: { NAME: 'x' } }, token)).json).toMatchObject({ error: 'ERROR_NOT_FOUND', error_description: 'Could not find entity with id `999`' })
    expect((await rest(portal, 'disk.storage.addfolder', { id: storage.ID, data: { NAME: 'y' }, rights: [{ TASK_ID: 1, ACCESS_CODE: 'U4' }] }, token)).json.error).toBe('ERROR_ARGUMENT')
    const children = await rest(portal, 'disk.storage.getchildren', { id: storage.ID, filter: { NAME: 'Отчёты' } }, token)
    expect(children.json).toMatchObject({ total: 1, result: [{ ID: folderId, NAME: 'Отчёты', TYPE: 'folder' }] })
    expect((await rest(portal, 'disk.storage.getchildren', {}, token)).json.error).toBe('ERROR_ARGUMENT')
    const inFolder = await rest(portal, 'disk.folder.uploadfile', { id: folderId, data: { NAME: 'big.xlsx' } }, token)
    const folderForm = new FormData()
    folderForm.append('file', new Blob([Buffer.from('PK3')]), 'big.xlsx')
    const big = await (await fetch(String((inFolder.json.result as Auth).uploadUrl), { method: 'POST', body: folderForm })).json() as { result: Auth }
    expect(big.result).toMatchObject({ NAME: 'big.xlsx', PARENT_ID: String(folderId), DETAIL_URL: `${portal.url}/docs/path/${encodeURIComponent('Отчёты')}/big.xlsx` })
    expect(portal.data.accessTo(portal.data.files.at(-1)!)).toEqual([{ taskId: '38', accessCode: 'U4' }])
    const inBatch = await rest(portal, 'batch', { cmd: { up: 'disk.folder.uploadfile?id=21' } }, token)
    expect((inBatch.json.result as { result_error: Record<string, Auth> }).result_error.up?.error).toBe('ERROR_BATCH_METHOD_NOT_ALLOWED')
  })

  it('pages a task history by 50 in createdDate order (newest first by default), [] for a task that does not exist', async () => {
    const token = (await setup()).access_token ?? ''
    const taskId = portal.data.addTask({ TITLE: 'РЗ Согласовать макет', RESPONSIBLE_ID: 5 }, { byUserId: 4 })
    for (let n = 1; n <= 120; n++) portal.data.addTaskComment(taskId, `Комментарий ${n}`, 5)
    const page = async (params: Record<string, unknown>) =>
      ((await rest(portal, 'tasks.task.history.list', { taskId, ...params }, token)).json.result as { list: Array<{ id: number; field: string }> }).list
    const newest = await page({})
    expect(newest).toHaveLength(50)
    expect(newest[49]!.id).toBeLessThan(newest[0]!.id)
    const oldest = [...await page({ order: { createdDate: 'ASC' } }), ...await page({ order: { createdDate: 'ASC' }, start: 50 }), ...await page({ order: { createdDate: 'ASC' }, start: 100 })]
    expect(oldest.map((row) => row.field)).toEqual(['NEW', ...Array(120).fill('COMMENT')])
    // An undocumented order key is no order: newest first.
    expect((await page({ order: { ID: 'asc' } }))[0]).toEqual(newest[0])
    expect((await rest(portal, 'tasks.task.history.list', { taskId: 99_999 }, token)).json.result).toEqual({ list: [] })
  })

  it('lists activities 50 a page, finds them by BINDINGS, and keeps their bindings', async () => {
    const token = (await setup()).access_token ?? ''
    const deal = portal.data.addDeal({ TITLE: 'Вектор: серверы' }, { byUserId: 5 })
    const contact = portal.data.addContact({ NAME: 'Иван' }, { byUserId: 5 })
    const call = { TYPE_ID: 2, SUBJECT: 'Звонок', RESPONSIBLE_ID: 5, COMMUNICATIONS: [{ VALUE: '+79001234567', TYPE: 'PHONE' }] }
    for (let n = 0; n < 55; n++) portal.data.addActivity({ ...call, OWNER_TYPE_ID: 2, OWNER_ID: deal, COMPLETED: 'Y' }, { byUserId: 5 })
    const fromContact = portal.data.addActivity({ ...call, OWNER_TYPE_ID: 3, OWNER_ID: contact, COMPLETED: 'N' }, { byUserId: 5 })
    expect((await rest(portal, 'crm.activity.binding.add', { activityId: fromContact, entityTypeId: 2, entityId: deal }, token)).json.result).toBe(true)
    expect((await rest(portal, 'crm.activity.binding.add', { activityId: fromContact, entityTypeId: 2, entityId: deal }, token)).json.error).toBe('ACTIVITY_IS_ALREADY_BOUND')
    expect((await rest(portal, 'crm.activity.binding.list', { activityId: fromContact }, token)).json.result).toEqual([{ entityTypeId: 3, entityId: Number(contact) }, { entityTypeId: 2, entityId: Number(deal) }])
    expect((await rest(portal, 'crm.activity.binding.list', { activityId: 99_999 }, token)).json.error).toBe('NOT_FOUND')

    const byOwner = await rest(portal, 'crm.activity.list', { filter: { OWNER_TYPE_ID: 2, OWNER_ID: deal } }, token)
    expect(byOwner.json).toMatchObject({ total: 55, next: 50 })
    expect(byOwner.json.result).toHaveLength(50)
    const bound = await rest(portal, 'crm.activity.list', { filter: { BINDINGS: [{ OWNER_TYPE_ID: 2, OWNER_ID: deal }] }, order: { COMPLETED: 'ASC', LAST_UPDATED: 'DESC' } }, token)
    expect(bound.json.total).toBe(56)
    expect((bound.json.result as Auth[])[0]).toMatchObject({ ID: fromContact, OWNER_TYPE_ID: '3', COMPLETED: 'N' })
    expect((await rest(portal, 'crm.activity.binding.delete', { activityId: fromContact, entityTypeId: 3, entityId: contact }, token)).json.result).toBe(true)
    expect((await rest(portal, 'crm.activity.binding.delete', { activityId: fromContact, entityTypeId: 2, entityId: deal }, token)).json.error).toBe('LAST_BINDING_CANNOT_BE_DELETED')
  })
})
