// The real leaky bucket of a standard plan (50 burst, 2/s): a burst of 200 calls gets no 503.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from '../helpers/harness.js'

describe('rate budget against the fake portal with the real limits', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    // Let the portal's bucket drain the install's calls, as a quiet portal would be.
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    h.portal.clearCalls()
  }, 30_000)
  afterAll(async () => h?.close())

  it('200 concurrent calls all succeed without one QUERY_LIMIT_EXCEEDED', async () => {
    const client = await h.app.clients.get(h.portal.memberId)
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => client.call('crm.lead.list', { filter: { '>ID': i }, start: -1 })))
    expect(results).toHaveLength(200)
    expect(h.portal.calls.filter((call) => call.method === 'crm.lead.list')).toHaveLength(200)
    expect(h.portal.calls.filter((call) => call.httpStatus === 503)).toEqual([])
  }, 120_000)
})
