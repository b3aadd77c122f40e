// Redirects over real HTTP: a portal or token server answering 3xx is refused, and the target hears nothing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { B24Error, PortalClient, type ClientOptions, type PortalCredentials } from '../../src/b24/index.js'
import { toB24Error } from '../../src/b24/error-mapping.js'
import { checkEndpoint, isLoopbackHost } from '../../src/config.js'
import { systemClock } from '../../src/shared/clock.js'

const SECRETS = ['OLD_ACCESS', 'OLD_REFRESH', 'CLIENT_SECRET_42']

interface Heard { method: string; url: string; body: string }
interface Listening { url: string; heard: Heard[] }

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve) })))
})

/** A plain HTTP server on `host`, port 0; records every request it hears and lets `answer` reply. */
async function listen(host: string, answer: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<Listening> {
  const heard: Heard[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => { body += chunk.toString() })
    req.on('end', () => {
      heard.push({ method: req.method ?? '', url: req.url ?? '', body })
      answer(req, res, body)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, resolve)
  })
  return { url: `http://${host}:${(server.address() as AddressInfo).port}`, heard }
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/**
 * Where a redirect points: a live server on 127.0.0.2, off the tests' allow-list (127.0.0.1).
 * Linux routes all of 127.0.0.0/8 to loopback; the suite runs on Debian.
 */
async function offListTarget(): Promise<Listening> {
  return listen('127.0.0.2', (_req, res) => json(res, 200, { result: 'followed', access_token: 'STOLEN', refresh_token: 'STOLEN' }))
}

function credentials(over: Partial<PortalCredentials> = {}): PortalCredentials {
  return {
    memberId: 'm1', domain: 'portal.test', clientEndpoint: 'http://127.0.0.1:9/rest/', serverEndpoint: 'http://127.0.0.1:9/rest/',
    accessToken: 'OLD_ACCESS', refreshToken: 'OLD_REFRESH', expiresAt: Math.floor(Date.now() / 1000) + 3600, scope: 'crm', ...over,
  }
}

function setup(creds: Partial<PortalCredentials>, over: Partial<ClientOptions> = {}) {
  const lines: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => { lines.push(line) } })
  const keeper = { saveTokens: vi.fn(), markNeedsReauth: vi.fn() }
  const client = new PortalClient(credentials(creds), {
    clientId: 'app.1', clientSecret: 'CLIENT_SECRET_42', timeoutMs: 2_000, logger, keeper, now: systemClock, allowedHosts: ['127.0.0.1'],
    budget: { burst: 50, perSecond: 1_000 }, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, ...over,
  })
  const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  return { client, keeper, logs, logText: () => lines.join('') }
}

async function failure(promise: Promise<unknown>): Promise<B24Error> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught)
  expect(error).toBeInstanceOf(B24Error)
  return error as B24Error
}

function expectNoSecrets(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret)
}

describe('a REST call answered with a redirect', () => {
  it.each([302, 307, 308])('HTTP %i: refused once, not retried, logged, and the target hears nothing', async (status) => {
    const target = await offListTarget()
    // A body that would be retried (or refreshed on) if the client read it: it must not be.
    const portal = await listen('127.0.0.1', (req, res) =>
      json(res, status, { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' }, { location: `${target.url}/rest${req.url ?? ''}` }))
    const { client, logs, logText } = setup({ clientEndpoint: `${portal.url}/rest/` })

    const error = await failure(client.call('crm.lead.get', { id: 7 }))

    expect(error).toMatchObject({ code: 'REDIRECT_REFUSED', method: 'crm.lead.get', httpStatus: status })
    expect(error.description).toContain(`HTTP ${status}`)
    expect(error.description).toContain(new URL(target.url).host)
    expect(portal.heard).toHaveLength(1)
    expect(target.heard).toEqual([])
    const warned = logs().filter((line) => line.level === 40)
    expect(warned).toEqual([expect.objectContaining({ memberId: 'm1', method: 'crm.lead.get', httpStatus: status, targetHost: new URL(target.url).host })])
    expectNoSecrets(logText() + JSON.stringify(error) + error.message)
  })

  it('a batch met by a redirect fails the same way', async () => {
    const target = await offListTarget()
    const portal = await listen('127.0.0.1', (_req, res) => json(res, 302, {}, { location: `${target.url}/rest/batch` }))
    const { client } = setup({ clientEndpoint: `${portal.url}/rest` })
    const error = await failure(client.batch({ a: { method: 'crm.lead.get', params: { id: 1 } } }))
    expect(error).toMatchObject({ code: 'REDIRECT_REFUSED', method: 'batch', httpStatus: 302 })
    expect(portal.heard).toHaveLength(1)
    expect(target.heard).toEqual([])
  })
})

describe('toB24Error', () => {
  it('maps an axios 3xx to REDIRECT_REFUSED whatever its body says', () => {
    const axiosLike = {
      isAxiosError: true, message: 'Request failed with status code 302', config: { url: 'https://portal.bitrix24.ru/rest/crm.lead.get' },
      response: { status: 302, headers: { location: 'https://evil.example:8443/steal?auth=OLD_ACCESS' }, data: { error: 'expired_token' } },
    }
    const error = toB24Error({ originalError: axiosLike }, 'crm.lead.get')
    expect(error).toMatchObject({ code: 'REDIRECT_REFUSED', httpStatus: 302 })
    expect(error.description).toContain('"evil.example:8443"')
    expectNoSecrets(error.message)
  })
})

describe('a token refresh answered with a redirect', () => {
  it.each([302, 307, 308])('HTTP %i: refused, logged, the target hears nothing, the portal keeps its tokens', async (status) => {
    const target = await offListTarget()
    // invalid_grant in the body would mark the portal as needing re-authorisation if the client read it.
    const tokens = await listen('127.0.0.1', (_req, res) =>
      json(res, status, { error: 'invalid_grant', error_description: 'moved' }, { location: `${target.url}/oauth/token/` }))
    const portal = await listen('127.0.0.1', (_req, res) => json(res, 401, { error: 'expired_token', error_description: 'The access token provided has expired' }))
    const { client, keeper, logs, logText } = setup({ clientEndpoint: `${portal.url}/rest`, serverEndpoint: `${tokens.url}/rest/` })

    const error = await failure(client.call('crm.lead.get', { id: 1 }))

    expect(error).toMatchObject({ code: 'REDIRECT_REFUSED', method: 'crm.lead.get', httpStatus: status })
    expect(error.description).toContain(`HTTP ${status}`)
    expect(error.description).toContain(new URL(target.url).host)
    expect(tokens.heard).toHaveLength(1)
    expect(tokens.heard[0]?.body).toContain('client_secret=CLIENT_SECRET_42')
    // Neither the client secret nor the refresh token left for the Location.
    expect(target.heard).toEqual([])
    expect(keeper.markNeedsReauth).not.toHaveBeenCalled()
    expect(keeper.saveTokens).not.toHaveBeenCalled()
    expect(portal.heard).toHaveLength(1)
    const warned = logs().filter((line) => line.level === 40)
    expect(warned).toEqual([expect.objectContaining({ memberId: 'm1', httpStatus: status, targetHost: new URL(target.url).host })])
    expectNoSecrets(logText() + JSON.stringify(error) + error.message)

    // Not taken for invalid_grant: the next call asks the token server again.
    await failure(client.call('crm.lead.get', { id: 1 }))
    expect(tokens.heard).toHaveLength(2)
    expect(target.heard).toEqual([])
  })
})

describe('endpoints a refresh answer brings', () => {
  async function refreshBringing(endpoints: { client_endpoint?: string; server_endpoint?: string }, over: Partial<ClientOptions> = {}) {
    const tokens = await listen('127.0.0.1', (_req, res) => json(res, 200, {
      access_token: 'NEW_ACCESS', refresh_token: 'NEW_REFRESH', expires_in: 3600, scope: 'crm', ...endpoints,
    }))
    const portal = await listen('127.0.0.1', (_req, res, body) => (body.includes('NEW_ACCESS')
      ? json(res, 200, { result: 'ok', time: {} })
      : json(res, 401, { error: 'expired_token', error_description: '' })))
    const { client, keeper, logs } = setup({ clientEndpoint: `${portal.url}/rest/`, serverEndpoint: `${tokens.url}/rest/` }, over)
    await expect(client.call('profile')).resolves.toBe('ok')
    const saved = keeper.saveTokens.mock.calls[0]?.[1] as { clientEndpoint: string; serverEndpoint: string }
    return { saved, portal, tokens, warned: logs().filter((line) => line.level === 40) }
  }

  it('plain http off the loopback, or a host off the allow-list, is ignored, the old endpoint kept, and logged', async () => {
    const { saved, portal, tokens, warned } = await refreshBringing(
      { client_endpoint: 'http://x.bitrix24.ru/rest/', server_endpoint: 'https://oauth.evil.example/rest/' },
      { allowedHosts: ['127.0.0.1', '*.bitrix24.ru'] },
    )
    expect(saved).toMatchObject({ clientEndpoint: `${portal.url}/rest`, serverEndpoint: `${tokens.url}/rest/` })
    expect(warned).toEqual([
      expect.objectContaining({ memberId: 'm1', field: 'client_endpoint', code: 'ENDPOINT_NOT_HTTPS', reason: 'The endpoint "http://x.bitrix24.ru/rest/" must use https' }),
      expect.objectContaining({ memberId: 'm1', field: 'server_endpoint', code: 'HOST_NOT_ALLOWED' }),
    ])
  })

  it('without an allow-list a refresh never moves the portal to another endpoint', async () => {
    const { saved, portal, warned } = await refreshBringing({ client_endpoint: 'https://acme.bitrix24.ru/rest/' }, { allowedHosts: undefined })
    expect(saved.clientEndpoint).toBe(`${portal.url}/rest`)
    expect(warned).toEqual([expect.objectContaining({ field: 'client_endpoint', code: 'HOST_NOT_ALLOWED' })])
  })

  it('a change to an acceptable endpoint is taken', async () => {
    const { saved, warned } = await refreshBringing({ client_endpoint: 'http://127.0.0.1:9/rest/' })
    expect(saved.clientEndpoint).toBe('http://127.0.0.1:9/rest')
    expect(warned).toEqual([])
  })
})

describe('checkEndpoint', () => {
  const cloud = ['*.bitrix24.ru', 'oauth.bitrix.info', '127.0.0.1', 'localhost', '[::1]']
  it.each<[string, readonly string[], true | string]>([
    ['https://acme.bitrix24.ru/rest/', cloud, true],
    ['https://oauth.bitrix.info/rest/', cloud, true],
    ['http://acme.bitrix24.ru/rest/', cloud, 'ENDPOINT_NOT_HTTPS'],
    ['http://oauth.bitrix.info/rest/', cloud, 'ENDPOINT_NOT_HTTPS'],
    ['http://127.0.0.1:8080/rest/', cloud, true],
    ['https://127.0.0.1/rest/', cloud, true],
    ['http://127.5.6.7/rest/', cloud, 'HOST_NOT_ALLOWED'],
    ['http://127.5.6.7/rest/', ['127.5.6.7'], true],
    ['http://127.5.6.7/rest/', ['*.5.6.7'], true],
    ['http://localhost:3000/rest/', cloud, true],
    ['http://localhost:3000/rest/', ['127.0.0.1'], 'HOST_NOT_ALLOWED'],
    ['http://[::1]:3000/rest/', cloud, true],
    ['http://[0:0:0:0:0:0:0:1]/rest/', cloud, true],
    ['http://[::1]/rest/', ['127.0.0.1'], 'HOST_NOT_ALLOWED'],
    // The URL parser spells these 127.0.0.1; what is checked is what would be dialled.
    ['http://2130706433/rest/', cloud, true],
    ['http://0x7f.1/rest/', cloud, true],
    ['https://evil.example/rest/', cloud, 'HOST_NOT_ALLOWED'],
    ['https://acme.bitrix24.ru.evil.example/rest/', cloud, 'HOST_NOT_ALLOWED'],
    ['https://acme.bitrix24.ru@evil.example/rest/', cloud, 'HOST_NOT_ALLOWED'],
    ['http://evil.example/rest/', cloud, 'HOST_NOT_ALLOWED'],
    ['http://localhost.evil.example/rest/', ['*.evil.example'], 'ENDPOINT_NOT_HTTPS'],
    ['ftp://acme.bitrix24.ru/rest/', cloud, 'ENDPOINT_NOT_HTTPS'],
    ['ws://127.0.0.1/rest/', cloud, 'ENDPOINT_NOT_HTTPS'],
    ['file:///etc/passwd', cloud, 'ENDPOINT_NOT_HTTPS'],
    ['javascript:alert(1)', cloud, 'ENDPOINT_NOT_HTTPS'],
    ['acme.bitrix24.ru/rest/', cloud, 'ENDPOINT_INVALID'],
    ['', cloud, 'ENDPOINT_INVALID'],
  ])('%s with %j → %s', (endpoint, allowed, expected) => {
    const check = checkEndpoint(endpoint, allowed)
    if (expected === true) {
      expect(check).toMatchObject({ ok: true })
      return
    }
    expect(check).toMatchObject({ ok: false, code: expected })
  })

  it('says what is wrong in one sentence', () => {
    expect(checkEndpoint('http://x.bitrix24.ru/rest/', cloud)).toEqual({ ok: false, code: 'ENDPOINT_NOT_HTTPS', reason: 'The endpoint "http://x.bitrix24.ru/rest/" must use https' })
    expect(checkEndpoint('https://evil.example/rest/', cloud)).toEqual({
      ok: false, code: 'HOST_NOT_ALLOWED', reason: 'The host "evil.example" is not on the allow-list of portals (B24_ALLOWED_HOSTS)',
    })
  })

  it.each([
    ['127.0.0.1', true], ['127.255.255.255', true], ['localhost', true], ['[::1]', true], ['::1', true],
    ['128.0.0.1', false], ['127.0.0.256', false], ['localhost.evil.example', false], ['[::ffff:7f00:1]', false], ['0.0.0.0', false],
  ])('isLoopbackHost(%s) → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})
