// The rate bucket against a model of the portal's leaky bucket, and the retry policy as tables.
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { B24Error, isIdempotent, PortalClient, RATE_BUDGETS, type RateBudget } from '../../src/b24/index.js'
import { LeakyBucket } from '../../src/b24/leaky-bucket.js'
import { retryDelay } from '../../src/b24/retry-policy.js'
import { systemClock } from '../../src/shared/clock.js'

/** The portal's rule (limits.md): each request adds 1, more than `burst` ⇒ 503, drains `perSecond` continuously. */
class PortalCounter {
  level = 0
  at: number
  constructor(private budget: RateBudget, private readonly now: () => number) { this.at = now() }
  setBudget(budget: RateBudget) { this.drain(); this.budget = budget }
  admit(): boolean {
    this.drain()
    if (this.level + 1 > this.budget.burst) return false
    this.level += 1
    return true
  }
  private drain() {
    const t = this.now()
    this.level = Math.max(0, this.level - ((t - this.at) / 1000) * this.budget.perSecond)
    this.at = t
  }
}

/** Deterministic jitter: a linear congruential generator in [0, 1). */
function seeded(seed: number) {
  let state = seed
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
}

afterEach(() => { vi.useRealTimers() })

describe('LeakyBucket', () => {
  async function run(budget: RateBudget, calls: number, maxLatencyMs: number, switchTo?: { after: number; budget: RateBudget }) {
    vi.useFakeTimers()
    const bucket = new LeakyBucket(budget, () => Date.now())
    const sent: Array<{ n: number; at: number }> = []
    const done = Array.from({ length: calls }, (_, n) => bucket.take().then(() => {
      sent.push({ n, at: Date.now() })
      if (switchTo && sent.length === switchTo.after) bucket.setBudget(switchTo.budget)
    }))
    await vi.advanceTimersByTimeAsync(600_000)
    await Promise.all(done)
    // Each request reaches the portal after its own network delay, so arrivals can reorder.
    const jitter = seeded(7)
    const arrivals = sent.map((s) => ({ ...s, arrives: s.at + jitter() * maxLatencyMs })).sort((a, b) => a.arrives - b.arrives)
    let clock = 0
    const counter = new PortalCounter(budget, () => clock)
    let refused = 0
    for (const [i, arrival] of arrivals.entries()) {
      clock = arrival.arrives
      if (switchTo && i === switchTo.after) counter.setBudget(switchTo.budget)
      if (!counter.admit()) refused += 1
    }
    return { sent, refused, lastAt: sent.at(-1)?.at ?? 0, startedAt: sent[0]?.at ?? 0 }
  }

  it('200 calls on the standard budget: none refused even with 2 s of network jitter, FIFO, near full speed', async () => {
    const { sent, refused, lastAt, startedAt } = await run(RATE_BUDGETS.standard, 200, 2_000)
    expect(refused).toBe(0)
    expect(sent.map((s) => s.n)).toEqual(Array.from({ length: 200 }, (_, n) => n))
    // 45 at once (50 minus a margin of 5), then 2/s: 155 more take 77.5 s of (fake) time.
    expect(sent.filter((s) => s.at === startedAt)).toHaveLength(45)
    expect(lastAt - startedAt).toBeGreaterThanOrEqual(77_000)
    expect(lastAt - startedAt).toBeLessThanOrEqual(78_000)
  })

  it('Enterprise after setBudget: 600 calls, none refused', async () => {
    const { refused } = await run(RATE_BUDGETS.standard, 600, 1_000, { after: 40, budget: RATE_BUDGETS.enterprise })
    expect(refused).toBe(0)
  })

  it('after a 503 the bucket counts itself full and waits for the margin to drain', async () => {
    vi.useFakeTimers()
    const bucket = new LeakyBucket(RATE_BUDGETS.standard, () => Date.now())
    await bucket.take()
    bucket.markFull()
    const start = Date.now()
    let at = 0
    void bucket.take().then(() => { at = Date.now() })
    await vi.advanceTimersByTimeAsync(10_000)
    // Level 50 must drain to 44 so one more stays within 45: 6 at 2/s.
    expect(at - start).toBe(3_000)
  })
})

describe('against a portal enforcing a leaky bucket', () => {
  const server = setupServer()
  afterEach(() => server.close())

  it('a burst of calls meets no 503', async () => {
    // Same shape as the real budgets (margin 10% of the burst = 400 ms of jitter here), but faster.
    const budget = { burst: 40, perSecond: 10 }
    const counter = new PortalCounter(budget, () => performance.now())
    let refused = 0
    server.use(http.post('https://portal.test/rest/:method', () => {
      if (counter.admit()) return HttpResponse.json({ result: true, time: { operating: 0 } })
      refused += 1
      return HttpResponse.json({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' }, { status: 503 })
    }))
    server.listen({ onUnhandledRequest: 'error' })
    const client = new PortalClient(
      { memberId: 'm1', domain: 'portal.test', clientEndpoint: 'https://portal.test/rest', serverEndpoint: 'https://oauth.test/rest/', accessToken: 'A', refreshToken: 'R', expiresAt: Math.floor(Date.now() / 1000) + 3600, scope: 'crm' },
      { clientId: 'c', clientSecret: 's', timeoutMs: 2_000, logger: pino({ level: 'silent' }), now: systemClock, keeper: { saveTokens: vi.fn(), markNeedsReauth: vi.fn() }, budget, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    )
    // One call first, so the burst does not pay the first request's warm-up (it would arrive late, then bunch up).
    await client.call('server.time')
    await new Promise((resolve) => setTimeout(resolve, 150))
    const results = await Promise.all(Array.from({ length: 60 }, (_, n) => client.call('crm.deal.get', { id: n })))
    expect(results).toHaveLength(60)
    expect(refused).toBe(0)
  })
})

describe('PortalClient.setBudget', () => {
  const server = setupServer(http.post('https://portal.test/rest/:method', () => HttpResponse.json({ result: true, time: { operating: 0 } })))
  afterEach(() => server.close())

  it('a client built on a budget that would take an hour per call is unblocked by setBudget', async () => {
    server.listen({ onUnhandledRequest: 'error' })
    const client = new PortalClient(
      { memberId: 'm1', domain: 'portal.test', clientEndpoint: 'https://portal.test/rest', serverEndpoint: 'https://oauth.test/rest/', accessToken: 'A', refreshToken: 'R', expiresAt: Math.floor(Date.now() / 1000) + 3600, scope: 'crm' },
      { clientId: 'c', clientSecret: 's', timeoutMs: 2_000, logger: pino({ level: 'silent' }), now: systemClock, keeper: { saveTokens: vi.fn(), markNeedsReauth: vi.fn() }, budget: { burst: 2, perSecond: 1 / 3600 } },
    )
    await client.call('server.time')
    const pending = Promise.all(Array.from({ length: 10 }, () => client.call('server.time')))
    // Let the ten reach the bucket and queue there before the budget changes.
    await new Promise((resolve) => setTimeout(resolve, 100))
    client.setBudget(RATE_BUDGETS.enterprise)
    await expect(pending).resolves.toHaveLength(10)
  }, 5_000)
})

describe('retry policy', () => {
  const retry = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 }
  const err = (code: string, httpStatus: number) => new B24Error({ method: 'x', code, description: '', httpStatus })
  const now = 1_000_000
  const at = (error: B24Error, over: { idempotent?: boolean; attempt?: number; operatingResetAt?: number } = {}) =>
    retryDelay(error, { idempotent: true, attempt: 1, retry, now, random: () => 1, ...over })

  it.each([
    ['QUERY_LIMIT_EXCEEDED on an add', err('QUERY_LIMIT_EXCEEDED', 503), { idempotent: false }, 100],
    ['OPERATION_TIME_LIMIT on an add, reset unknown', err('OPERATION_TIME_LIMIT', 429), { idempotent: false }, 100],
    ['OPERATION_TIME_LIMIT, reset in 30 s', err('OPERATION_TIME_LIMIT', 429), { operatingResetAt: now + 30_000 }, 31_000],
    ['429 with a reset in an hour waits at most the 10-minute window', err('OPERATION_TIME_LIMIT', 429), { operatingResetAt: now + 3_600_000 }, 600_000],
    ['timeout on a read', err('REQUEST_TIMEOUT', 0), {}, 100],
    ['timeout on an add', err('REQUEST_TIMEOUT', 0), { idempotent: false }, undefined],
    ['network error on a read', err('NETWORK_ERROR', 0), {}, 100],
    ['500 on a read, 4th try', err('INTERNAL_SERVER_ERROR', 500), { attempt: 4 }, 800],
    ['HTML 502 on a read, capped', err('HTTP_502', 502), { attempt: 4, }, 800],
    ['500 on an add', err('INTERNAL_SERVER_ERROR', 500), { idempotent: false }, undefined],
    ['OVERLOAD_LIMIT (manual block)', err('OVERLOAD_LIMIT', 503), {}, undefined],
    ['PORTAL_DELETED', err('PORTAL_DELETED', 500), {}, undefined],
    ['ACCESS_DENIED', err('ACCESS_DENIED', 403), {}, undefined],
    ['expired_token after the refresh', err('expired_token', 401), {}, undefined],
    ['invalid_grant', err('invalid_grant', 400), {}, undefined],
    ['CRM Not found', err('', 400), {}, undefined],
    ['attempts spent', err('QUERY_LIMIT_EXCEEDED', 503), { attempt: 5 }, undefined],
  ] as const)('%s', (_name, error, over, expected) => {
    expect(at(error, over)).toBe(expected)
  })

  it('backs off exponentially with jitter between half and all of the ceiling', () => {
    const timeout = err('REQUEST_TIMEOUT', 0)
    expect([1, 2, 3, 4].map((attempt) => retryDelay(timeout, { idempotent: true, attempt, retry, now, random: () => 0 }))).toEqual([50, 100, 200, 400])
    expect(retryDelay(timeout, { idempotent: true, attempt: 4, retry: { ...retry, maxDelayMs: 300 }, now, random: () => 1 })).toBe(300)
  })

  it.each([
    ['crm.lead.add', false], ['task.commentitem.add', false], ['crm.timeline.comment.add', false], ['im.notify.system.add', false],
    ['im.notify', false], ['tasks.task.chat.message.send', false], ['disk.folder.uploadfile', false],
    ['crm.lead.get', true], ['crm.deal.update', true], ['event.bind', true], ['tasks.task.list', true], ['batch', true], ['crm.address.list', true],
  ] as const)('%s idempotent: %s', (method, expected) => {
    expect(isIdempotent(method)).toBe(expected)
  })
})
