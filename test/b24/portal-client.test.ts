// PortalClient against scripted msw portals: URLs, token refresh, retries, timeouts and error mapping.
import { delay, http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { AppError } from '../../src/shared/app-error.js'
import { B24Error, isNotFound, PortalClient, PortalClients, type ClientOptions, type PortalCredentials } from '../../src/b24/index.js'
import type { LeakyBucket } from '../../src/b24/leaky-bucket.js'
import { createSdkInstance } from '../../src/b24/sdk-instance.js'
import type { TokenRefresher } from '../../src/b24/token-refresher.js'
import { systemClock } from '../../src/shared/clock.js'
import { openSharedTestStores, type SharedTestStores } from '../helpers/test-store.js'

const PORTAL = 'https://portal.test/rest'
const TOKEN_URL = 'https://oauth.test/oauth/token/'
const SECRETS = ['OLD_ACCESS', 'OLD_REFRESH', 'NEW_ACCESS', 'NEW_REFRESH', 'CLIENT_SECRET_42']

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

interface Seen { method: string; path: string; body: Record<string, unknown>; userAgent: string | null; query: URLSearchParams }

/** A portal whose every answer is scripted by `answer`; records what reached it. */
function portal(answer: (seen: Seen, nth: number) => Response | Promise<Response>) {
  const seen: Seen[] = []
  server.use(
    http.post(`${PORTAL}/:method`, async ({ request, params }) => {
      const url = new URL(request.url)
      const entry = { method: String(params.method), path: url.pathname, body: await request.json() as Record<string, unknown>, userAgent: request.headers.get('user-agent'), query: url.searchParams }
      seen.push(entry)
      return answer(entry, seen.filter((s) => s.method === entry.method).length)
    }),
  )
  return seen
}

/** A token server; records each form body. */
function tokenServer(answer: () => Response | Promise<Response> = () => HttpResponse.json(newTokens())) {
  const forms: URLSearchParams[] = []
  server.use(http.post(TOKEN_URL, async ({ request }) => {
    forms.push(new URLSearchParams(await request.text()))
    return answer()
  }))
  return forms
}

const ok = (result: unknown, extra: Record<string, unknown> = {}) => HttpResponse.json({ result, ...extra, time: { operating: 0 } })
const fail = (status: number, error: string, description = '') => HttpResponse.json({ error, error_description: description }, { status })
const newTokens = () => ({
  access_token: 'NEW_ACCESS', refresh_token: 'NEW_REFRESH', expires: Math.floor(Date.now() / 1000) + 3600, expires_in: 3600,
  client_endpoint: 'https://portal.test/rest/', server_endpoint: 'https://oauth.test/rest/', scope: 'crm,task', status: 'L', member_id: 'm1', domain: 'oauth.test',
})

function credentials(over: Partial<PortalCredentials> = {}): PortalCredentials {
  return {
    memberId: 'm1', domain: 'portal.test', clientEndpoint: 'https://portal.test/rest/', serverEndpoint: 'https://oauth.test/rest/',
    accessToken: 'OLD_ACCESS', refreshToken: 'OLD_REFRESH', expiresAt: Math.floor(Date.now() / 1000) + 3600, scope: 'crm,task', ...over,
  }
}

function setup(over: Partial<ClientOptions> = {}, creds: Partial<PortalCredentials> = {}) {
  const lines: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => { lines.push(line) } })
  const keeper = { saveTokens: vi.fn(), markNeedsReauth: vi.fn() }
  const options: ClientOptions = {
    // A fast-draining budget: after a 503 the bucket re-syncs to full, which at 2/s takes seconds.
    clientId: 'app.1', clientSecret: 'CLIENT_SECRET_42', timeoutMs: 150, logger, keeper, now: systemClock, budget: { burst: 50, perSecond: 1_000 },
    retry: { attempts: 3, baseDelayMs: 2, maxDelayMs: 10 }, ...over,
  }
  const client = new PortalClient(credentials(creds), options)
  const logText = () => lines.join('')
  return { client, keeper, lines, logText, options }
}

function expectNoSecrets(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret)
}

/** What an error handler would log of the error, cause chain included. */
function logged(error: Error): string {
  return JSON.stringify(pino.stdSerializers.errWithCause(error)) + JSON.stringify(error)
}

async function failure(promise: Promise<unknown>): Promise<B24Error> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught)
  expect(error).toBeInstanceOf(B24Error)
  return error as B24Error
}

describe('requests', () => {
  it('go through the SDK to <endpoint>/<method> even when clientEndpoint ends with a slash', async () => {
    const seen = portal(() => ok({ ID: '7' }))
    const { client } = setup()
    await expect(client.call('crm.lead.get', { id: 7 })).resolves.toEqual({ ID: '7' })
    expect(seen[0]?.path).toBe('/rest/crm.lead.get')
    expect(seen[0]?.body).toEqual({ id: 7, auth: 'OLD_ACCESS' })
    // b24jssdk stamps its own requests: proof the call went through actions.v2.
    expect(seen[0]?.userAgent).toMatch(/^b24-js-sdk\//)
    expect(seen[0]?.query.get('bx24_sdk_type')).toBe('b24-js-sdk')
  })

  it('callPage returns total and next as the portal sent them', async () => {
    portal(() => ok([{ ID: '1' }], { total: 120, next: 50 }))
    const { client } = setup()
    await expect(client.callPage('crm.lead.list', {})).resolves.toEqual({ result: [{ ID: '1' }], total: 120, next: 50 })
  })

  it('many clients at once (a client per page frame checked) each get their own answers, through one AsyncLocalStorage', async () => {
    // The portal answers each token's page with its own total and next, late for the first ones, so the calls overlap.
    portal(async (seen) => {
      const n = Number(String(seen.body.auth).replace('TOKEN_', ''))
      await delay(50 - n)
      return ok([{ ID: String(n) }], { total: 1000 + n, next: n })
    })
    const clients = Array.from({ length: 40 }, (_, n) => setup({}, { accessToken: `TOKEN_${n}` }).client)
    const pages = await Promise.all(clients.map((client) => client.callPage('crm.lead.list', {})))
    expect(pages).toEqual(clients.map((_, n) => ({ result: [{ ID: String(n) }], total: 1000 + n, next: n })))
    // One store for all of them: Node never frees an AsyncLocalStorage once used and visits each on every async
    // operation, so one per client slowed the whole process and grew it with every frame (forged ones included).
    const instance = (memberId: string) => createSdkInstance(credentials({ memberId }), {
      clientId: 'app.1', clientSecret: 'CLIENT_SECRET_42', timeoutMs: 150, now: systemClock,
      refresher: {} as TokenRefresher, bucket: {} as LeakyBucket, // used only when a call is made
    })
    expect(instance('m1').envelopes).toBe(instance('m2').envelopes)
  })
})

describe('token refresh', () => {
  it('20 concurrent calls meeting expired_token cause one refresh, all succeed, the pair is saved', async () => {
    let expiredAnswers = 0
    const seen = portal(async (s) => {
      if (s.body.auth === 'NEW_ACCESS') return ok(s.body.n)
      // Half the 401s come back after the refresh is over: they must not trigger a second one.
      if (expiredAnswers++ % 2 === 1) await delay(60)
      return fail(401, 'expired_token', 'The access token provided has expired')
    })
    const forms = tokenServer(async () => { await delay(20); return HttpResponse.json(newTokens()) })
    const { client, keeper, logText } = setup()
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => client.call('crm.lead.get', { id: 1, n })))
    expect(results).toEqual(Array.from({ length: 20 }, (_, n) => n))
    expect(forms).toHaveLength(1)
    expect(Object.fromEntries(forms[0] ?? [])).toEqual({ grant_type: 'refresh_token', client_id: 'app.1', client_secret: 'CLIENT_SECRET_42', refresh_token: 'OLD_REFRESH' })
    expect(seen.filter((s) => s.body.auth === 'NEW_ACCESS')).toHaveLength(20)
    expect(keeper.saveTokens).toHaveBeenCalledTimes(1)
    expect(keeper.saveTokens).toHaveBeenCalledWith('m1', expect.objectContaining({
      accessToken: 'NEW_ACCESS', refreshToken: 'NEW_REFRESH', clientEndpoint: 'https://portal.test/rest', serverEndpoint: 'https://oauth.test/rest/',
    }))
    expectNoSecrets(logText())
  })

  it('refreshes before calling when the stored token has expired by the clock', async () => {
    const seen = portal((s) => (s.body.auth === 'NEW_ACCESS' ? ok(true) : fail(401, 'expired_token')))
    const forms = tokenServer()
    const { client } = setup({}, { expiresAt: Math.floor(Date.now() / 1000) - 10 })
    await expect(client.call('profile')).resolves.toBe(true)
    expect(forms).toHaveLength(1)
    expect(seen.map((s) => s.body.auth)).toEqual(['NEW_ACCESS'])
  })

  it('posts a form to the oauthUrl override when one is configured', async () => {
    portal((s) => (s.body.auth === 'NEW_ACCESS' ? ok(1) : fail(401, 'expired_token')))
    const types: Array<string | null> = []
    server.use(http.post('https://oauth-override.test/oauth/token/', ({ request }) => {
      types.push(request.headers.get('content-type'))
      return HttpResponse.json(newTokens())
    }))
    const { client } = setup({ oauthUrl: 'https://oauth-override.test/' })
    await expect(client.call('crm.lead.get', { id: 1 })).resolves.toBe(1)
    expect(types).toEqual(['application/x-www-form-urlencoded'])
  })

  it('a keeper that cannot save does not fail the call, and the log names no token', async () => {
    portal((s) => (s.body.auth === 'NEW_ACCESS' ? ok('fine') : fail(401, 'expired_token')))
    tokenServer()
    const { client, keeper, logText } = setup()
    keeper.saveTokens.mockImplementation(() => { throw new Error('disk full while writing NEW_REFRESH') })
    await expect(client.call('crm.deal.get', { id: 1 })).resolves.toBe('fine')
    expect(logText()).toContain('could not persist refreshed tokens')
    expectNoSecrets(logText())
  })

  it('invalid_grant marks the portal, says so, and is not asked again', async () => {
    const seen = portal(() => fail(401, 'expired_token'))
    const forms = tokenServer(() => HttpResponse.json({ error: 'invalid_grant', error_description: 'Invalid refresh token' }, { status: 400 }))
    const { client, keeper, logText } = setup()
    const error = await failure(client.call('crm.deal.get', { id: 1 }))
    expect(error).toMatchObject({ code: 'invalid_grant', method: 'crm.deal.get', httpStatus: 400 })
    expect(error.message).toMatch(/re-authorisation/)
    expect(keeper.markNeedsReauth).toHaveBeenCalledTimes(1)
    expect(keeper.markNeedsReauth).toHaveBeenCalledWith('m1', expect.stringContaining('Invalid refresh token'))
    const again = await failure(client.call('crm.deal.get', { id: 1 }))
    expect(again.code).toBe('invalid_grant')
    expect(forms).toHaveLength(1)
    expect(seen).toHaveLength(2)
    expect(logText()).toContain('needing re-authorisation')
    expectNoSecrets(logText() + logged(error))
  })

  it('a token server that never answers fails the call with a timeout', async () => {
    portal(() => fail(401, 'expired_token'))
    const forms = tokenServer(async () => { await delay('infinite'); return HttpResponse.json({}) })
    const { client } = setup({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } })
    const error = await failure(client.call('crm.deal.get', { id: 1 }))
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', httpStatus: 0, method: 'crm.deal.get' })
    expect(forms).toHaveLength(2)
  }, 5_000)

  it('a call queued behind the bucket during a refresh leaves with the new token', async () => {
    const seen = portal((s) => (s.body.auth === 'NEW_ACCESS' ? ok(s.method) : fail(401, 'expired_token')))
    const forms = tokenServer()
    // Capacity 1 at 4/s: the second call waits ~250 ms in the bucket, long after the SDK picked OLD_ACCESS for it.
    const { client } = setup({ budget: { burst: 2, perSecond: 4 } })
    await Promise.all([client.call('crm.lead.get', { id: 1 }), client.call('crm.deal.get', { id: 1 })])
    expect(forms).toHaveLength(1)
    // FIFO: the queued deal.get leaves before lead.get's resend, and already carries the new token.
    expect(seen.map((s) => `${s.method} ${String(s.body.auth)}`)).toEqual(['crm.lead.get OLD_ACCESS', 'crm.deal.get NEW_ACCESS', 'crm.lead.get NEW_ACCESS'])
  })

  it('clients from the registry share one SDK instance: a refresh by one caller serves the next', async () => {
    const seen = portal((s) => (s.body.auth === 'NEW_ACCESS' ? ok(s.method) : fail(401, 'expired_token')))
    const forms = tokenServer()
    const { options } = setup()
    const clients = new PortalClients(async () => credentials(), options)
    await (await clients.get('m1')).call('crm.lead.get', { id: 1 })
    await (await clients.get('m1')).call('crm.deal.get', { id: 1 })
    expect(forms).toHaveLength(1)
    expect(seen.map((s) => `${s.method} ${String(s.body.auth)}`)).toEqual(['crm.lead.get OLD_ACCESS', 'crm.lead.get NEW_ACCESS', 'crm.deal.get NEW_ACCESS'])
  })
})

describe('token refresh across instances', () => {
  let shared: SharedTestStores | undefined
  afterEach(() => shared?.close())

  it('two instances over one store meeting expired_token at once refresh once; the other takes the new pair from the store', async () => {
    shared = await openSharedTestStores(2, systemClock)
    const { stores } = shared
    const creds = credentials()
    await stores[0]!.portals.install({ ...creds, applicationToken: 'APP', adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru' })
    const seen = portal((s) => (s.body.auth === 'NEW_ACCESS' ? ok(s.method) : fail(401, 'expired_token')))
    // As Bitrix24's token server does: a refresh token works once; used again it is invalid_grant.
    const spent = new Set<string>()
    const forms: URLSearchParams[] = []
    server.use(http.post(TOKEN_URL, async ({ request }) => {
      const form = new URLSearchParams(await request.text())
      forms.push(form)
      const token = form.get('refresh_token') ?? ''
      if (spent.has(token)) return fail(400, 'invalid_grant', 'Invalid refresh token')
      spent.add(token)
      await delay(100)
      return HttpResponse.json(newTokens())
    }))
    const { options } = setup()
    const clients = stores.map((store) => new PortalClient(creds, { ...options, timeoutMs: 2_000, keeper: store.portals }))
    const answers = await Promise.all(clients.map((client, i) => client.call(i === 0 ? 'crm.lead.get' : 'crm.deal.get', { id: 1 })))
    expect(answers).toEqual(['crm.lead.get', 'crm.deal.get'])
    expect(forms).toHaveLength(1)
    expect(await stores[1]!.portals.get('m1')).toMatchObject({ status: 'active', accessToken: 'NEW_ACCESS', refreshToken: 'NEW_REFRESH' })
    expect(seen.filter((s) => s.body.auth === 'NEW_ACCESS').map((s) => s.method).sort()).toEqual(['crm.deal.get', 'crm.lead.get'])
  })
})

describe('retries', () => {
  it('503 QUERY_LIMIT_EXCEEDED then success: resent, even for *.add', async () => {
    const seen = portal((_, nth) => (nth === 1 ? fail(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests') : ok(42)))
    const { client } = setup()
    await expect(client.call('crm.lead.add', { fields: { TITLE: 'ООО «Вектор»' } })).resolves.toBe(42)
    expect(seen).toHaveLength(2)
  })

  it('429 OPERATION_TIME_LIMIT then success: resent, even for *.add', async () => {
    const seen = portal((_, nth) => (nth === 1 ? fail(429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.') : ok(43)))
    const { client } = setup()
    await expect(client.call('crm.lead.add', { fields: { TITLE: 'x' } })).resolves.toBe(43)
    expect(seen).toHaveLength(2)
  })

  it('a crm.lead.add that times out is sent exactly once and fails', async () => {
    const seen = portal(async () => { await delay(1_000); return ok(1) })
    const { client } = setup()
    const error = await failure(client.call('crm.lead.add', { fields: { TITLE: 'x' } }))
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', httpStatus: 0, method: 'crm.lead.add' })
    expect(seen).toHaveLength(1)
    expectNoSecrets(logged(error))
  })

  it('a crm.lead.get that times out is retried', async () => {
    const seen = portal(async (_, nth) => { if (nth === 1) await delay(1_000); return ok({ ID: '1' }) })
    const { client } = setup()
    await expect(client.call('crm.lead.get', { id: 1 })).resolves.toEqual({ ID: '1' })
    expect(seen).toHaveLength(2)
  })

  it('5xx: retried for reads, never for adds or notifications', async () => {
    const seen = portal((s, nth) => (nth === 1 ? fail(500, 'INTERNAL_SERVER_ERROR', 'boom') : ok(s.method)))
    const { client } = setup()
    await expect(client.call('crm.deal.list', {})).resolves.toBe('crm.deal.list')
    await expect(failure(client.call('im.notify.system.add', { USER_ID: 1, MESSAGE: 'x' }))).resolves.toMatchObject({ code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 })
    expect(seen.map((s) => s.method)).toEqual(['crm.deal.list', 'crm.deal.list', 'im.notify.system.add'])
  })

  it('a batch holding an add is not resent after a timeout; a read-only batch is', async () => {
    const seen = portal(async (_, nth) => { if (nth <= 2) await delay(1_000); return ok({ result: { a: 1 }, result_error: [] }) })
    const { client } = setup({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } })
    await expect(failure(client.batch({ a: { method: 'crm.deal.get', params: { id: 1 } }, b: { method: 'crm.timeline.comment.add', params: {} } }))).resolves.toMatchObject({ code: 'REQUEST_TIMEOUT' })
    expect(seen).toHaveLength(1)
    await expect(client.batch({ a: { method: 'crm.deal.get', params: { id: 1 } } })).resolves.toEqual({ results: { a: 1 }, errors: {} })
    expect(seen).toHaveLength(3)
  })

  it('gives up after the configured attempts', async () => {
    const seen = portal(() => fail(503, 'QUERY_LIMIT_EXCEEDED'))
    const { client } = setup()
    await expect(failure(client.call('crm.deal.get', { id: 1 }))).resolves.toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', httpStatus: 503 })
    expect(seen).toHaveLength(3)
  })
})

describe('errors', () => {
  it('CRM "Not found" (error "") is a B24Error that isNotFound recognises, not retried', async () => {
    const seen = portal(() => fail(400, '', 'Not found'))
    const { client } = setup()
    const error = await failure(client.call('crm.deal.get', { id: 404 }))
    expect(error).toMatchObject({ code: '', description: 'Not found', httpStatus: 400, method: 'crm.deal.get', statusCode: 404 })
    expect(error).toBeInstanceOf(AppError)
    expect(isNotFound(error)).toBe(true)
    expect(seen).toHaveLength(1)
  })

  it('a 2xx body with error is an error, "" included', async () => {
    portal((s) => (s.method === 'a.b' ? HttpResponse.json({ error: 'ERROR_CORE', error_description: 'bad field' }) : HttpResponse.json({ error: '', error_description: 'Not found' })))
    const { client } = setup()
    await expect(failure(client.call('a.b'))).resolves.toMatchObject({ code: 'ERROR_CORE', description: 'bad field', httpStatus: 200 })
    const empty = await failure(client.call('c.d'))
    expect(isNotFound(empty)).toBe(true)
  })

  it('other portal errors keep code, text, status and method and are final', async () => {
    const seen = portal(() => fail(403, 'ACCESS_DENIED', 'Access denied'))
    const { client } = setup()
    const error = await failure(client.call('crm.deal.update', { id: 1, fields: {} }))
    expect(error).toMatchObject({ code: 'ACCESS_DENIED', description: 'Access denied', httpStatus: 403, method: 'crm.deal.update', statusCode: 502 })
    expectNoSecrets(logged(error))
    expect(isNotFound(error)).toBe(false)
    expect(seen).toHaveLength(1)
  })
})

describe('PortalClients', () => {
  it('keeps one client per member_id, 404 for an unknown portal, a fresh one after forget', async () => {
    const { options } = setup()
    const load = vi.fn(async (memberId: string) => (memberId === 'm1' ? credentials() : undefined))
    const clients = new PortalClients(load, options)
    // Two callers at once share one read of the store and one client.
    const [first, same] = await Promise.all([clients.get('m1'), clients.get('m1')])
    expect(same).toBe(first)
    expect(first.memberId).toBe('m1')
    expect(load).toHaveBeenCalledTimes(1)
    await expect(clients.get('nobody')).rejects.toMatchObject({ statusCode: 404, code: 'PORTAL_UNKNOWN' })
    clients.forget('m1')
    expect(await clients.get('m1')).not.toBe(first)
  })
})
