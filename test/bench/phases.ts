// The benchmark's measured phases: REST calls per event under a burst of portal changes, and intake at POST /events.
import type { FakeCall, FakePortal } from '../fake-portal/index.js'
import { health, waitDrained, type AppProcess } from './app-process.js'
import { leadUpdateBodies } from './event-form.js'
import { figure, print, record } from './figures.js'
import { percentile, postAll, type LoadResult } from './load.js'

// The app reads changed records 50 to a batch request: a burst's floor is one batch per 50 changed records.
const PER_BATCH = 50

const seconds = (fromMs: number, toMs: number) => `${((toMs - fromMs) / 1000).toFixed(2)} s`

function restFigures(calls: readonly FakeCall[]) {
  const requests = calls.filter((call) => !call.viaBatch)
  return {
    requests: requests.length,
    batches: requests.filter((call) => call.method === 'batch').length,
    refused: requests.filter((call) => call.error === 'QUERY_LIMIT_EXCEEDED').length,
    other: [...new Set(requests.filter((call) => call.method !== 'batch').map((call) => call.method))],
    reReads: calls.filter((call) => call.viaBatch).length,
    logFull: calls.length >= 10_000,
  }
}

/** Creates `count` leads that keep the rules (the figures are the sync's own: no fixes or notices), and lets the app settle. */
export async function createLeads(app: AppProcess, portal: FakePortal, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) =>
    portal.data.addLead({ TITLE: `Вектор ${i} ООО: 20 ноутбуков`, COMPANY_TITLE: `Вектор ${i} ООО`, OPPORTUNITY: 1000 * i }, { byUserId: 5 }))
  await waitDrained(app, portal, 120_000)
  return ids
}

/** What a burst cost: the REST requests the app made, and the records it re-read inside its batches. */
export interface BurstFigures {
  requests: number
  reReads: number
}

/** `updates` changes spread over `ids`, made at once in the portal; prints the REST requests the app made for them. */
export async function burst(app: AppProcess, portal: FakePortal, ids: readonly string[], updates: number, name: string): Promise<BurstFigures> {
  portal.clearCalls()
  const from = portal.deliveries.length
  const started = performance.now()
  for (let i = 0; i < updates; i++) {
    portal.data.updateLead(ids[i % ids.length] ?? '', { COMMENTS: `правка ${i}`, OPPORTUNITY: i }, { byUserId: 5 })
  }
  await portal.flushEvents()
  const delivered = performance.now()
  await waitDrained(app, portal, 150_000)
  const drained = performance.now()
  const deliveries = portal.deliveries.slice(from)
  const accepted = deliveries.filter((d) => d.status === 200).length
  const f = restFigures(portal.calls)
  print(`REST calls per event, ${name} (${updates} lead updates made at once in the portal over ${ids.length} leads, after creating them and letting the app settle;`)
  print('  the leads keep the rules, so the app only re-reads them)')
  print(`  events delivered:          ${deliveries.length} (${accepted} answered 200), delivery took ${seconds(started, delivered)} (the portal sends one at a time)`)
  print(`  REST requests by the app:  ${f.requests} (batch ${f.batches}${f.other.length ? `, other: ${f.other.join(', ')}` : ''}; refused QUERY_LIMIT_EXCEEDED ${f.refused})`)
  print(`  requests per event:        ${(f.requests / updates).toFixed(4)}`)
  print(`  records re-read in batches: ${f.reReads} (${(f.reReads / Math.max(1, f.batches)).toFixed(1)} per batch)`)
  print(`  wall time to drain:        ${seconds(started, drained)} from the first update to an empty inbox`)
  if (f.logFull) print('  (the portal call log reached its 10,000 limit: counts are a lower bound)')
  print()
  return { requests: f.requests, reReads: f.reReads }
}

/**
 * POSTs `count` portal-shaped events for `ids` from `connections` keep-alive senders, to the app (or to `via`) and then
 * to the bare route at `bareUrl` (the same bodies, the same warm-up); prints throughput and time to the 200 of both.
 */
export async function intake(
  app: AppProcess, portal: FakePortal, ids: readonly string[], o: { count: number; connections: number; warmUp: number; bareUrl: string; via?: string },
): Promise<{ app: LoadResult; bare: LoadResult }> {
  const template = [...portal.deliveries].reverse().find((d) => d.event === 'ONCRMLEADUPDATE' && d.status === 200)
  if (!template) throw new Error('no ONCRMLEADUPDATE delivery to copy')
  // ts from a minute ahead, so no body repeats an event the portal itself sent.
  const firstTs = Math.floor(Date.now() / 1000) + 60
  const bodies = leadUpdateBodies(template, ids, o.warmUp + o.count, firstTs)
  // `via`: a round-robin sender in front of several instances, as a load balancer is; else the app itself.
  const url = `${o.via ?? app.url}/events`
  await postAll(url, bodies.slice(0, o.warmUp), { connections: o.connections, timeLimitMs: 30_000 })
  portal.clearCalls()
  const load = await postAll(url, bodies.slice(o.warmUp), { connections: o.connections, timeLimitMs: 60_000 })
  const ended = performance.now()
  const left = (await health(app))?.portals.find((p) => p.memberId === portal.memberId)?.inbox.pending ?? 0
  await waitDrained(app, portal, 120_000)
  const drained = performance.now()
  const f = restFigures(portal.calls)
  const bytes = bodies[o.warmUp]?.length ?? 0
  print(`Intake (POST /events${o.via ? ' through the round-robin sender' : ''}: ${o.count} ONCRMLEADUPDATE events, ${bytes} bytes each, over ${ids.length} leads; ${o.connections} concurrent keep-alive connections; after ${o.warmUp} warm-up events)`)
  print(`  answered:                  ${load.sent} sent, ${load.ok} × 200${Object.keys(load.statuses).length > 1 ? `, all: ${JSON.stringify(load.statuses)}` : ''}`)
  print(`  throughput:                ${(load.ok / load.seconds).toFixed(0)} events/s accepted (${load.seconds.toFixed(2)} s)`)
  print(`  time to the 200:           p50 ${percentile(load.latenciesMs, 0.5).toFixed(2)} ms, p99 ${percentile(load.latenciesMs, 0.99).toFixed(2)} ms, max ${percentile(load.latenciesMs, 1).toFixed(2)} ms`)
  print(`  events pending at the end: ${left}, drained ${seconds(ended, drained)} later`)
  print(`  the worker, load + drain:  ${f.requests} REST requests (batch ${f.batches}, refused ${f.refused}), ${f.reReads} records re-read`)
  await postAll(o.bareUrl, bodies.slice(0, o.warmUp), { connections: o.connections, timeLimitMs: 30_000 })
  const bare = await postAll(o.bareUrl, bodies.slice(o.warmUp), { connections: o.connections, timeLimitMs: 60_000 })
  print(`  the bare route (baseline): ${(bare.ok / bare.seconds).toFixed(0)} events/s, p50 ${percentile(bare.latenciesMs, 0.5).toFixed(2)} ms, p99 ${percentile(bare.latenciesMs, 0.99).toFixed(2)} ms`)
  print('                             (Fastify, the same form parser, one SQLite insert a request, WAL, synchronous=FULL: test/bench/bare-intake.ts)')
  print()
  return { app: load, bare }
}

/** The burst's two rows, `suffix` after each scenario's name: REST requests beside a batch per 50 changed, records re-read beside each changed once. */
export function recordBurst(name: string, suffix: string, f: BurstFigures, changed: number): void {
  record(figure(`${name}: REST requests${suffix}`, 'requests', f.requests, Math.ceil(changed / PER_BATCH), 'floor: a batch per 50 changed', { atMostTimes: 1.5 }))
  record(figure(`${name}: records re-read${suffix}`, 'records', f.reReads, changed, 'floor: each changed record once', { atMostTimes: 1 }))
}

/** The intake's two rows, `suffix` after each scenario's name: events accepted a second and p99 time to the 200, beside the bare route's. */
export function recordIntake(suffix: string, load: { app: LoadResult; bare: LoadResult }, baselineIs = 'baseline: bare route'): void {
  const perSecond = (result: LoadResult) => result.ok / result.seconds
  record(figure(`intake: events accepted${suffix}`, 'events/s', perSecond(load.app), perSecond(load.bare), baselineIs, { atLeastTimes: 0.5 }))
  record(figure(`intake: p99 time to the 200${suffix}`, 'ms', percentile(load.app.latenciesMs, 0.99), percentile(load.bare.latenciesMs, 0.99), baselineIs, { atMostTimes: 2 }))
}
