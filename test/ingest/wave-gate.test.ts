// The wave gate's promise that a burst has settled: the job engine keeps a portal's job while its burst settles
// (src/services.ts), so it must resolve when the wave falls due, when the gate is cleared, and at once when none settles.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WaveGate } from '../../src/ingest/waves.js'

afterEach(() => vi.useRealTimers())

describe('the wave gate', () => {
  it('says a burst has settled when its wave falls due, after the last event moved it on, and looks at the portal then', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-07T09:00:00Z') })
    const looked: string[] = []
    const gate = new WaveGate(() => new Date(), (memberId) => looked.push(memberId))
    let settled = false
    await expect(gate.settled('m1')).resolves.toBeUndefined()
    gate.settleUntil('m1', new Date(Date.now() + 1_000))
    void gate.settled('m1').then(() => { settled = true })
    await vi.advanceTimersByTimeAsync(500)
    // Another event of the burst: the wave waits a second from it.
    gate.settleUntil('m1', new Date(Date.now() + 1_000))
    await vi.advanceTimersByTimeAsync(900)
    expect({ settled, looked, holds: gate.holds('m1') }).toEqual({ settled: false, looked: [], holds: true })
    await vi.advanceTimersByTimeAsync(100)
    expect({ settled, looked, holds: gate.holds('m1') }).toEqual({ settled: true, looked: ['m1'], holds: false })
  })

  it('says every burst has settled when the gate is cleared (the app stops)', async () => {
    const gate = new WaveGate(() => new Date(), () => {})
    gate.settleUntil('m1', new Date(Date.now() + 60_000))
    const settled = gate.settled('m1')
    gate.clear()
    await expect(settled).resolves.toBeUndefined()
    expect(gate.holds('m1')).toBe(false)
  })
})
