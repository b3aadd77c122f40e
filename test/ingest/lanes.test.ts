// The per-portal lanes: work that falls due while a drain finishes, or arrives after its last look, is not left waiting
// for another event.
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PortalLanes } from '../../src/ingest/lanes.js'

/** One portal, one backed-off item; the drain takes it only once it is due, and the clock moves on as it returns. */
class OneItem extends PortalLanes {
  done = false
  drains = 0
  constructor(private readonly clock: { now: number }, private readonly dueAt: number, private readonly drainTakesMs: number) {
    super({ name: 'test', logger: pino({ level: 'silent' }), now: () => new Date(clock.now) })
  }
  protected async drain(): Promise<void> {
    this.drains++
    if (this.clock.now >= this.dueAt) this.done = true
    // Between the drain's last look and the next timer, time passes (a busy machine; a timer firing a millisecond early).
    this.clock.now += this.drainTakesMs
  }
  protected portalsWithWork(): string[] {
    return this.done ? [] : ['portal']
  }
  // Like the store: the earliest due moment after `after` (now, when none is given).
  protected nextRetryAt(after?: Date): Date | undefined {
    const from = after?.getTime() ?? this.clock.now
    return !this.done && this.dueAt > from ? new Date(this.dueAt) : undefined
  }
}

describe('PortalLanes', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('work that fell due while the drain was finishing is picked up at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const clock = { now: 1_000 }
    const lanes = new OneItem(clock, 1_001, 5)
    lanes.start()
    await lanes.idle()
    expect(lanes.done).toBe(false)
    // The drain looked at 1,000 (not due), returned at 1,005 (due since 1,001): the timer fires at once.
    await vi.runOnlyPendingTimersAsync()
    await lanes.idle()
    expect(lanes.done).toBe(true)
    expect(lanes.drains).toBe(2)
    await lanes.stop()
  })

  it('a wake that comes after the drain\'s last look, before it returns, drains again', async () => {
    let pending = 0
    let drains = 0
    let lastLook: () => void = () => {}
    const lookedLast = new Promise<void>((resolve) => { lastLook = resolve })
    let letReturn: () => void = () => {}
    const returns = new Promise<void>((resolve) => { letReturn = resolve })
    const lanes = new (class extends PortalLanes {
      protected async drain(): Promise<void> {
        drains++
        pending = 0
        if (drains > 1) return
        // The store answered "nothing more"; the drain has not returned yet (a slower store's round trip).
        lastLook()
        await returns
      }
      protected portalsWithWork(): string[] { return [] }
      protected nextRetryAt(): undefined { return undefined }
    })({ name: 'test', logger: pino({ level: 'silent' }), now: () => new Date(0) })
    lanes.start()
    lanes.wake('portal')
    await lookedLast
    pending = 1
    lanes.wake('portal')
    letReturn()
    await lanes.idle()
    expect(drains).toBe(2)
    expect(pending).toBe(0)
    await lanes.stop()
  })
})
