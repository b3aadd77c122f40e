// PortalClient.batch (chunks of 50, halt=0, per-key errors) and list (keyset pages) against msw portals.
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import pino from 'pino'
import qs from 'qs'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { isNotFound, PortalClient } from '../../src/b24/index.js'
import { systemClock } from '../../src/shared/clock.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

interface Seen { method: string; path: string; query: URLSearchParams; body: Record<string, unknown> }

function portal(answer: (body: Record<string, unknown>, method: string) => unknown) {
  const seen: Seen[] = []
  server.use(http.post('https://portal.test/rest/:method', async ({ request, params }) => {
    const url = new URL(request.url)
    const body = await request.json() as Record<string, unknown>
    seen.push({ method: String(params.method), path: url.pathname, query: url.searchParams, body })
    return HttpResponse.json({ result: answer(body, String(params.method)), time: { operating: 0 } })
  }))
  return seen
}

function client() {
  return new PortalClient(
    {
      memberId: 'm1', domain: 'portal.test', clientEndpoint: 'https://portal.test/rest/', serverEndpoint: 'https://oauth.test/rest/',
      accessToken: 'OLD_ACCESS', refreshToken: 'OLD_REFRESH', expiresAt: Math.floor(Date.now() / 1000) + 3600, scope: 'crm,task',
    },
    {
      clientId: 'app.1', clientSecret: 'S', timeoutMs: 500, logger: pino({ level: 'silent' }), now: systemClock,
      keeper: { saveTokens: vi.fn(), markNeedsReauth: vi.fn() }, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    },
  )
}

/** Decodes one `cmd` entry the way the portal does: method plus PHP-style query. */
function decode(command: string): { method: string; params: Record<string, unknown> } {
  const [method = '', query = ''] = command.split('?')
  return { method, params: qs.parse(query) as Record<string, unknown> }
}

describe('batch', () => {
  it('sends 120 commands as 3 requests of ≤50 with halt=0 and returns results and errors per key', async () => {
    const seen = portal((body) => {
      const cmd = body.cmd as Record<string, string>
      const result: Record<string, unknown> = {}
      const errors: Record<string, unknown> = {}
      for (const [key, command] of Object.entries(cmd)) {
        const id = Number(decode(command).params.id)
        if (id % 40 === 0) errors[key] = { error: '', error_description: 'Not found' }
        else if (id === 7) errors[key] = { error: 'ACCESS_DENIED', error_description: 'Access denied' }
        else result[key] = { ID: String(id) }
      }
      // As the portal sends them: an empty map is [].
      return { result: Object.keys(result).length ? result : [], result_error: Object.keys(errors).length ? errors : [], result_total: [], result_next: [], result_time: [] }
    })
    const commands = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`deal${i + 1}`, { method: 'crm.deal.get', params: { id: i + 1 } }]))
    const outcome = await client().batch(commands)

    expect(seen.map((s) => s.path)).toEqual(['/rest/batch', '/rest/batch', '/rest/batch'])
    expect(seen.map((s) => Object.keys(s.body.cmd as object).length)).toEqual([50, 50, 20])
    expect(seen.every((s) => s.body.halt === 0)).toBe(true)
    expect(seen.every((s) => s.query.get('bx24_sdk_type') === 'b24-js-sdk')).toBe(true)
    expect(decode((seen[0]?.body.cmd as Record<string, string>).deal1 ?? '')).toEqual({ method: 'crm.deal.get', params: { id: '1' } })

    expect(Object.keys(outcome.results)).toHaveLength(116)
    expect(outcome.results.deal1).toEqual({ ID: '1' })
    expect(Object.keys(outcome.errors).sort()).toEqual(['deal120', 'deal40', 'deal7', 'deal80'])
    expect(outcome.errors.deal40).toEqual({ error: '', description: 'Not found' })
    expect(isNotFound(outcome.errors.deal40)).toBe(true)
    expect(outcome.errors.deal7).toEqual({ error: 'ACCESS_DENIED', description: 'Access denied' })
    expect(isNotFound(outcome.errors.deal7)).toBe(false)
  })

  it('reads an all-failed chunk (result: []) and keys that PHP turned into a JSON array', async () => {
    portal((body) => {
      const keys = Object.keys(body.cmd as object)
      if (keys[0] === 'a') return { result: [], result_error: { a: { error: 'ERROR_CORE', error_description: 'bad' } } }
      return { result: ['zero', 'one'], result_error: [] }
    })
    await expect(client().batch({ a: { method: 'crm.deal.update', params: { id: 1, fields: { TITLE: 'x' } } } }))
      .resolves.toEqual({ results: {}, errors: { a: { error: 'ERROR_CORE', description: 'bad' } } })
    await expect(client().batch({ 0: { method: 'user.current' }, 1: { method: 'profile' } }))
      .resolves.toEqual({ results: { 0: 'zero', 1: 'one' }, errors: {} })
  })
})

describe('list', () => {
  const records = Array.from({ length: 120 }, (_, i) => ({ ID: String(i + 1), TITLE: `Сделка ${i + 1}` }))
  const page = (filter: Record<string, unknown>, key: string) => records.filter((r) => Number(r.ID) > Number(filter[key])).slice(0, 50)

  it('walks 120 records in 3 keyset pages: order ID ASC, filter >ID = last id, start -1', async () => {
    const seen = portal((body) => page(body.filter as Record<string, unknown>, '>ID'))
    const pages: Array<Array<{ ID: string }>> = []
    for await (const items of client().list<{ ID: string }>('crm.deal.list', { filter: { CATEGORY_ID: 0 }, select: ['ID', 'TITLE'], order: { TITLE: 'DESC' } })) pages.push(items)

    expect(pages.map((p) => p.length)).toEqual([50, 50, 20])
    expect(pages.flat().map((r) => r.ID)).toEqual(records.map((r) => r.ID))
    expect(seen.map((s) => s.body)).toEqual([0, 50, 100].map((last) => ({
      filter: { CATEGORY_ID: 0, '>ID': last }, select: ['ID', 'TITLE'], order: { ID: 'ASC' }, start: -1, auth: 'OLD_ACCESS',
    })))
  })

  it('tasks.task.list: items under "tasks" with camelCase id, sorted and filtered by ID', async () => {
    const tasks = Array.from({ length: 60 }, (_, i) => ({ id: String(i + 1), title: `Задача ${i + 1}` }))
    const seen = portal((body) => ({ tasks: tasks.filter((t) => Number(t.id) > Number((body.filter as Record<string, unknown>)['>ID'])).slice(0, 50) }))
    const pages: Array<Array<{ id: string }>> = []
    for await (const items of client().list<{ id: string }>('tasks.task.list', { select: ['TITLE'] }, { idKey: 'id', resultKey: 'tasks' })) pages.push(items)

    expect(pages.map((p) => p.length)).toEqual([50, 10])
    expect(seen.map((s) => s.body.filter)).toEqual([{ '>ID': 0 }, { '>ID': 50 }])
    expect(seen[0]?.body).toMatchObject({ order: { ID: 'ASC' }, select: ['TITLE', 'ID'], start: -1 })
  })

  it('an empty list yields nothing after one request', async () => {
    const seen = portal(() => [])
    const pages: unknown[] = []
    for await (const items of client().list('crm.lead.list', {})) pages.push(items)
    expect(pages).toEqual([])
    expect(seen).toHaveLength(1)
  })
})
