// The fake portal's seeded chaos answers as the docs say portals fail, does the work behind a lost answer, and drops and doubles events.
import { afterEach, describe, expect, it } from 'vitest'
import { startCapture, type Capture } from '../helpers/capture.js'
import { startFakePortal, type ChaosKind, type FakePortal } from './index.js'

let portal: FakePortal | undefined
let app: Capture | undefined
afterEach(async () => {
  await portal?.close()
  await app?.close()
})

// A stand-in for the app that answers every POST 200 and keeps the install's access token.
async function installed(): Promise<{ portal: FakePortal; token: string }> {
  app = await startCapture()
  portal = await startFakePortal({ rateLimit: 'off' })
  await portal.installApp({ installUrl: `${app.url}/install` })
  return { portal, token: String((await app.next()).auth?.access_token ?? '') }
}

const call = (p: FakePortal, token: string, method: string, params: Record<string, unknown>) =>
  fetch(`${p.clientEndpoint}${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, auth: token }), signal: AbortSignal.timeout(500) })

describe('faults.chaos', () => {
  it.each([
    ['error500', 500, 'INTERNAL_SERVER_ERROR'],
    ['queryLimit', 503, 'QUERY_LIMIT_EXCEEDED'],
    ['operationLimit', 429, 'OPERATION_TIME_LIMIT'],
  ] as const)('%s answers %i %s and does nothing', async (kind, status, error) => {
    const { portal: p, token } = await installed()
    p.faults.chaos({ seed: 1, rate: 1, kinds: [kind] })
    const answer = await call(p, token, 'crm.lead.add', { fields: { TITLE: 'Заявка' } })
    expect(answer.status).toBe(status)
    expect(await answer.json()).toMatchObject({ error, error_description: expect.any(String) })
    expect(p.data.lead('1')).toBeUndefined()
    expect(p.faults.chaosCounts?.[kind]).toBe(1)
  })

  it.each([['timeout'], ['disconnect']] as Array<[ChaosKind]>)('%s leaves the client without an answer', async (kind) => {
    const { portal: p, token } = await installed()
    p.faults.chaos({ seed: 7, rate: 1, kinds: [kind], timeoutMs: 1000 })
    await expect(call(p, token, 'crm.lead.add', { fields: { TITLE: 'Заявка' } })).rejects.toThrow()
    expect(p.calls.at(-1)?.chaos).toBe(kind)
    // A timeout has done the work; a disconnect has done it or not, as its seed decided.
    if (kind === 'timeout') expect(p.data.lead('1')).toBeDefined()
  })

  it('is seeded: the same seed fails the same requests; calm() stops it', async () => {
    const { portal: p, token } = await installed()
    const run = async (seed: number) => {
      p.faults.chaos({ seed, rate: 0.5, kinds: ['error500'] })
      const statuses: number[] = []
      for (let i = 0; i < 20; i++) statuses.push((await call(p, token, 'server.time', {})).status)
      return statuses
    }
    const first = await run(42)
    expect(await run(42)).toEqual(first)
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(3)
    p.faults.calm()
    expect((await call(p, token, 'server.time', {})).status).toBe(200)
  })

  it('drops and doubles the given shares of event deliveries', async () => {
    const { portal: p, token } = await installed()
    expect((await call(p, token, 'event.bind', { event: 'ONCRMLEADADD', handler: `${app!.url}/events` })).status).toBe(200)
    await p.flushEvents()
    const from = p.deliveries.length
    p.faults.chaos({ seed: 3, rate: 0, events: { drop: 0.2, duplicate: 0.2 } })
    for (let i = 0; i < 100; i++) p.data.addLead({ TITLE: `Заявка ${i}` })
    await p.flushEvents()
    const counts = p.faults.chaosCounts!
    const deliveries = p.deliveries.slice(from)
    expect(deliveries.filter((d) => d.dropped === true)).toHaveLength(counts.eventsDropped)
    expect(deliveries.length).toBe(100 + counts.eventsDuplicated)
    expect(counts.eventsDropped).toBeGreaterThan(5)
    expect(counts.eventsDuplicated).toBeGreaterThan(5)
  })
})
