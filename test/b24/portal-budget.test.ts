// PortalBudget: the process's bucket first, then the budget shared with other instances, in the same order; a 503 fills
// both; a shared budget that cannot answer leaves the process's bucket in charge.
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PortalClient, RATE_BUDGETS, type BudgetLimits, type BudgetSlot, type RateBudget, type SharedRateBudget } from '../../src/b24/index.js'
import { PortalBudget } from '../../src/b24/portal-budget.js'
import { systemClock } from '../../src/shared/clock.js'

/** A shared budget that refuses the first `refusals` asks (wait 5 ms), then takes; or that cannot be reached at all. */
class SharedStandIn implements SharedRateBudget {
  readonly asked: Array<{ memberId: string; limits: BudgetLimits }> = []
  readonly filled: Array<{ memberId: string; budget: RateBudget }> = []
  constructor(private refusals = 0, private readonly unreachable = false) {}

  async take(memberId: string, limits: BudgetLimits): Promise<BudgetSlot> {
    this.asked.push({ memberId, limits })
    if (this.unreachable) throw new Error('connection refused')
    if (this.refusals === 0) return { taken: true }
    this.refusals -= 1
    return { taken: false, waitMs: 5 }
  }

  async markFull(memberId: string, budget: RateBudget): Promise<void> {
    if (this.unreachable) throw new Error('connection refused')
    this.filled.push({ memberId, budget })
  }
}

const silent = pino({ level: 'silent' })
// A budget shaped like the portal's, fast enough that a test does not wait on it.
const FAST = { burst: 10, perSecond: 100 }

describe('PortalBudget', () => {
  it('lets requests go in the order they asked, however often the shared budget says wait', async () => {
    const shared = new SharedStandIn(4)
    const budget = new PortalBudget(RATE_BUDGETS.standard, { memberId: 'm1', logger: silent, shared })
    const order: number[] = []
    await Promise.all(Array.from({ length: 6 }, (_, n) => budget.take().then(() => order.push(n))))
    expect(order).toEqual([0, 1, 2, 3, 4, 5])
    // Six slots taken, four refusals asked again; each with the process's capacity (burst minus margin) and drain.
    expect(shared.asked).toHaveLength(10)
    expect(shared.asked[0]).toEqual({ memberId: 'm1', limits: { capacity: 45, perSecond: 2 } })
  })

  it('marks the shared budget full with the portal’s current limits', async () => {
    const shared = new SharedStandIn()
    const budget = new PortalBudget(RATE_BUDGETS.standard, { memberId: 'm1', logger: silent, shared })
    await budget.markFull()
    budget.setBudget(RATE_BUDGETS.enterprise)
    await budget.markFull()
    expect(shared.filled).toEqual([{ memberId: 'm1', budget: RATE_BUDGETS.standard }, { memberId: 'm1', budget: RATE_BUDGETS.enterprise }])
  })

  it('goes by the process’s own bucket when the shared budget cannot answer, and says so once', async () => {
    const lines: string[] = []
    const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(line) } })
    const budget = new PortalBudget(RATE_BUDGETS.standard, { memberId: 'm1', logger, shared: new SharedStandIn(0, true) })
    await Promise.all([budget.take(), budget.take(), budget.markFull()])
    expect(lines.filter((line) => line.includes('shared REST budget unreachable'))).toHaveLength(1)
  })
})

describe('PortalClient with a shared budget', () => {
  const server = setupServer()
  afterEach(() => server.close())

  it('takes a shared slot for every HTTP request and marks the shared budget full on QUERY_LIMIT_EXCEEDED', async () => {
    let answers = 0
    server.use(http.post('https://portal.test/rest/:method', () => {
      answers += 1
      if (answers === 1) return HttpResponse.json({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' }, { status: 503 })
      return HttpResponse.json({ result: true, time: { operating: 0 } })
    }))
    server.listen({ onUnhandledRequest: 'error' })
    const shared = new SharedStandIn()
    const client = new PortalClient(
      { memberId: 'm1', domain: 'portal.test', clientEndpoint: 'https://portal.test/rest', serverEndpoint: 'https://oauth.test/rest/', accessToken: 'A', refreshToken: 'R', expiresAt: Math.floor(Date.now() / 1000) + 3600, scope: 'crm' },
      { clientId: 'c', clientSecret: 's', timeoutMs: 2_000, logger: silent, now: systemClock, keeper: { saveTokens: vi.fn(), markNeedsReauth: vi.fn() }, budget: FAST, sharedBudget: shared, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
    )
    // The local bucket, marked full by the 503, holds the retry 20 ms (10 → 8 at 100/s).
    await expect(client.call('server.time')).resolves.toBe(true)
    expect(shared.asked).toHaveLength(2)
    expect(shared.filled).toEqual([{ memberId: 'm1', budget: FAST }])
  })
})
