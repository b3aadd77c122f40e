// The REST budget's contract (store.restBudgets), run on each adapter: a portal's counter taken atomically, drained by
// the database's clock, filled by markFull. The drain rates are slow (one slot a 100 s) where the test must not see
// time pass, and fast (one slot a second) where it waits as long as the store says.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Clock } from '../../src/shared/clock.js'
import type { StorePort } from '../../src/store/port.js'
import { A, B, install, START } from './fixtures.js'

const SLOW = { perSecond: 0.01 }
const FAST = { perSecond: 1 }

// A timer may fire a little early on the event loop's cached time: sleeps until `ms` have surely passed.
async function waitAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms
  while (performance.now() < until) await sleep(Math.ceil(until - performance.now()))
}

/** Runs the budget's contract on the store `open` gives, a fresh one for each test. */
export function describeRestBudgetContract(name: string, open: (now: Clock) => Promise<StorePort> | StorePort): void {
  describe(`REST budget contract: ${name}`, () => {
    let store: StorePort
    beforeEach(async () => {
      store = await open(() => new Date(START))
      await store.portals.install(install(A, 'acme.bitrix24.ru'))
      await store.portals.install(install(B, 'beta.bitrix24.ru'))
    })
    afterEach(async () => store.close())

    it('takes slots up to the capacity, then takes none and says how long until one drains; each portal has its own', async () => {
      const limits = { capacity: 5, ...SLOW }
      for (let n = 0; n < 5; n += 1) expect(await store.restBudgets.take(A, limits)).toEqual({ taken: true })
      const refused = await store.restBudgets.take(A, limits)
      // One slot drains in 100 s; a refusal takes nothing, so asking again waits as long.
      expect(refused).toMatchObject({ taken: false, waitMs: expect.any(Number) })
      expect(refused.taken === false && refused.waitMs > 90_000 && refused.waitMs <= 100_001).toBe(true)
      expect(await store.restBudgets.take(A, limits)).toMatchObject({ taken: false })
      expect(await store.restBudgets.take(B, limits)).toEqual({ taken: true })
    })

    it('counts each slot once however many ask at once', async () => {
      const limits = { capacity: 7, ...SLOW }
      const slots = await Promise.all(Array.from({ length: 20 }, () => store.restBudgets.take(A, limits)))
      expect(slots.filter((slot) => slot.taken)).toHaveLength(7)
    })

    it('has a slot again once the wait it told has passed', async () => {
      // Taken until refused: a slot drains in a second, so a loaded machine may see one drain on the way, not three.
      const limits = { capacity: 3, ...FAST }
      let refused = await store.restBudgets.take(A, limits)
      for (let n = 0; n < 5 && refused.taken; n += 1) refused = await store.restBudgets.take(A, limits)
      if (refused.taken) return expect.fail('six slots in a capacity of three')
      await waitAtLeast(refused.waitMs)
      expect(await store.restBudgets.take(A, limits)).toEqual({ taken: true })
    })

    it('marks the counter full at the burst, on a portal with a counter or without one', async () => {
      await store.restBudgets.take(A, { capacity: 9, ...SLOW })
      await store.restBudgets.markFull(A, { burst: 10, ...SLOW })
      await store.restBudgets.markFull(B, { burst: 10, ...SLOW })
      for (const memberId of [A, B]) {
        const slot = await store.restBudgets.take(memberId, { capacity: 9, ...SLOW })
        // From 10 to 8 (room for one under 9) drains in 200 s.
        expect(slot.taken === false && slot.waitMs > 190_000 && slot.waitMs <= 200_001).toBe(true)
      }
    })
  })
}
