// The clock engine's rounds, by portal: with several instances the timer asks the job engine for one round per portal
// with a step due (a job each, never one per clock), and a portal's round takes that portal's clocks only.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Entity } from '../../rules/types.js'
import { ClockEngine } from '../../src/enforce/clock-engine.js'
import type { NewClock } from '../../src/store/clocks.js'
import { openStore, type SqliteStore } from '../../src/store/index.js'
import { A, B, install, iso, MINUTE, START } from '../store/fixtures.js'

const clock = (entityId: string, nextAt: number): NewClock => ({
  ruleId: 'LEAD-CONTACT-SLA', ruleVersion: 1, entity: 'lead', entityId, variant: '', responsibleId: '5', warnTo: ['5'], basis: '24/7',
  startedAt: iso(START), dueAt: iso(nextAt), steps: [{ kind: 'breach', level: 0, at: iso(nextAt), doneAt: null }],
  nextAt: iso(nextAt), pausedAt: null, audit: false, eventAt: iso(START),
})

let store: SqliteStore | undefined
let engine: ClockEngine | undefined
afterEach(async () => {
  await engine?.stop()
  store?.close()
})

// Two portals with clocks due at START + 10 min (three of A's, two of B's) and one of B's an hour later.
async function world() {
  let t = START
  const now = () => new Date(t)
  store = openStore(':memory:', now)
  await store.portals.install(install(A, 'a.bitrix24.ru'))
  await store.portals.install(install(B, 'b.bitrix24.ru'))
  for (const id of ['1', '2', '3']) await store.clocks.start(A, clock(id, START + 10 * MINUTE))
  for (const id of ['1', '2']) await store.clocks.start(B, clock(id, START + 10 * MINUTE))
  await store.clocks.start(B, clock('9', START + 60 * MINUTE))
  const asked: string[] = []
  const stepped: Array<{ memberId: string; records: string[] }> = []
  const records = (list: ReadonlyArray<{ entity: Entity; entityId: string }>) => list.map((record) => `${record.entity}:${record.entityId}`)
  engine = new ClockEngine({
    store, now,
    worker: { refresh: async () => {} },
    enforcer: {
      stepDue: async (memberId, list) => {
        stepped.push({ memberId, records: records(list) })
        return 0
      },
    },
    shared: { askClocks: (memberId) => void asked.push(memberId) },
  })
  return { asked, stepped, engine, at: (ms: number) => { t = ms } }
}

describe('clock rounds with several instances', () => {
  it('asks for one round per portal with a step due, not one per clock, and runs none itself', async () => {
    const { asked, stepped, engine, at } = await world()
    at(START + 10 * MINUTE)
    engine.start()
    await vi.waitFor(() => expect(asked).toEqual([A, B].sort()))
    expect(stepped).toEqual([])
  })

  it("a portal's round takes that portal's due clocks only", async () => {
    const { stepped, engine, at } = await world()
    at(START + 10 * MINUTE)
    await engine.runDue(B)
    expect(stepped).toEqual([{ memberId: B, records: ['lead:1', 'lead:2'] }])
    await engine.runDue(A)
    expect(stepped.slice(1)).toEqual([{ memberId: A, records: ['lead:1', 'lead:2', 'lead:3'] }])
  })
})
