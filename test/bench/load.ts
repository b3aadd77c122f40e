// A closed-loop load of form POSTs over keep-alive connections: how many got a 200, how fast, and how long each waited.
import { Agent, request } from 'node:http'

/** What one load run measured; `latenciesMs` is sorted. */
export interface LoadResult {
  sent: number
  ok: number
  statuses: Record<string, number>
  seconds: number
  latenciesMs: number[]
}

/** POSTs every body (until `timeLimitMs`) from `connections` concurrent senders, each waiting for its answer before the next. */
export async function postAll(url: string, bodies: readonly string[], o: { connections: number; timeLimitMs: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections })
  const target = new URL(url)
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let next = 0
  let ok = 0
  const started = performance.now()
  const deadline = started + o.timeLimitMs
  const sender = async () => {
    while (next < bodies.length && performance.now() < deadline) {
      const body = bodies[next++] ?? ''
      const sentAt = performance.now()
      const status = await post(agent, target, body).catch((error: Error) => error.message)
      latencies.push(performance.now() - sentAt)
      statuses[status] = (statuses[status] ?? 0) + 1
      if (status === '200') ok += 1
    }
  }
  await Promise.all(Array.from({ length: o.connections }, sender))
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  return { sent: latencies.length, ok, statuses, seconds, latenciesMs: latencies.sort((a, b) => a - b) }
}

/** The value below which `share` (0..1) of the sorted values fall (nearest rank). */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? Number.NaN
}

function post(agent: Agent, target: URL, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(target, {
      method: 'POST',
      agent,
      timeout: 10_000,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    })
    req.on('response', (res) => {
      res.resume()
      res.on('end', () => resolve(String(res.statusCode ?? 0)))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(body)
  })
}
