// Several app processes on one PostgreSQL behind a round-robin sender, as a deployment runs them: one killed with
// SIGKILL mid-burst and started again, then a rolling restart under a steady stream of events (TEST_DATABASE_URL and
// Node ≥ 22.12 for pg-boss; skipped without).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { engineRunsOn } from '../../src/jobs/engine.js'
import { RULE_IDS } from '../../rules/catalogue.js'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import { systemClock } from '../../src/shared/clock.js'
import { deriveTokenKey } from '../../src/shared/token-key.js'
import type { StorePort } from '../../src/store/port.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { startAppProcess, waitHealthy, type AppProcess } from '../bench/app-process.js'
import { freshDatabase } from '../bench/fresh-database.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { freePort } from '../helpers/harness.js'
import { startRoundRobin, type RoundRobin } from '../helpers/round-robin.js'
import { sayPostgresSkipped, TEST_DATABASE_URL } from '../store/postgres-target.js'

const ANNA = 5
const HEALTHZ = 'bench-healthz-token-0123456789'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const ENGINE_RUNS = engineRunsOn()

interface Deployment {
  portal: FakePortal
  rr: RoundRobin
  apps: AppProcess[]
  ports: number[]
  env: Record<string, string>
  store: StorePort
  dir: string
  drop(): Promise<void>
}

if (TEST_DATABASE_URL === undefined || !ENGINE_RUNS) {
  describe('several app processes', () => {
    if (TEST_DATABASE_URL === undefined) sayPostgresSkipped('several app processes')
    else it.skip(`several app processes: pg-boss needs Node ≥ 22.12, this is ${process.versions.node}`, () => {})
  })
} else {
  const url = TEST_DATABASE_URL
  let d: Deployment | undefined
  afterEach(async () => {
    if (!d) return
    for (const app of d.apps) await app.stop('SIGKILL')
    await d.store.close()
    await d.rr.close()
    await d.portal.close()
    await d.drop()
    rmSync(d.dir, { recursive: true, force: true })
    d = undefined
  })

  // The fake portal, `count` app processes on a fresh database behind the sender, installed through it.
  const deploy = async (count: number): Promise<Deployment> => {
    const database = await freshDatabase(url, 'instances')
    const portal = await startFakePortal()
    const rr = await startRoundRobin([])
    const dir = mkdtempSync(join(tmpdir(), 'instances-'))
    const rulesFile = join(dir, 'rules.json')
    writeFileSync(rulesFile, JSON.stringify({ calendar: { hours: '24/7' }, rules: { ...Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }])), 'LEAD-COMPANY-NAME': { mode: 'autofix' } } }))
    const env = {
      DATABASE_URL: database.url, B24_CLIENT_ID: portal.clientId, B24_CLIENT_SECRET: portal.clientSecret, B24_ALLOWED_HOSTS: '127.0.0.1',
      PUBLIC_URL: rr.url, RULES_FILE: rulesFile, WORKER_RETRY_BASE_MS: '200', SHUTDOWN_GRACE_MS: '1500',
    }
    const ports: number[] = []
    const apps: AppProcess[] = []
    for (let i = 0; i < count; i++) {
      const port = await freePort()
      ports.push(port)
      apps.push(startAppProcess({ port, env }))
      rr.targets.push(`http://127.0.0.1:${port}`)
    }
    for (const app of apps) await waitHealthy(app, 60_000)
    const store = await openPostgresStore({ connectionString: database.url, max: 2 }, systemClock, deriveTokenKey(portal.clientSecret))
    d = { portal, rr, apps, ports, env, store, dir, drop: database.drop }
    await portal.installApp({ installUrl: `${rr.url}/install` })
    await settled()
    portal.clearCalls()
    return d
  }

  // Until the portal delivered every event and nothing is left to do: no event pending, no action waiting.
  const settled = async (timeoutMs = 120_000) => {
    const { portal, store } = d!
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      await portal.flushEvents()
      const inbox = await store.inbox.stats(portal.memberId)
      const actions = [...await store.actions.inState(portal.memberId, 'pending'), ...await store.actions.inState(portal.memberId, 'sending')]
      if (inbox.pending === 0 && actions.length === 0 && (await store.portals.about(portal.memberId))?.status === 'active') return
      await sleep(200)
    }
    throw new Error(`the instances never settled:\n${d!.apps.map((app) => app.stderr()).join('\n')}`)
  }

  // Which process holds the portal's job now, by /healthz.
  const holder = async (): Promise<number | undefined> => {
    for (const [i, app] of d!.apps.entries()) {
      try {
        const answer = await fetch(`${app.url}/healthz`, { headers: { authorization: `Bearer ${HEALTHZ}` } })
        const body = (await answer.json()) as { instance?: { jobs?: { holds?: string[] } } }
        if (body.instance?.jobs?.holds?.includes(d!.portal.memberId)) return i
      } catch {
        // not listening (killed, restarting)
      }
    }
    return undefined
  }

  const expectEveryLeadDoneOnce = async (ids: readonly string[]) => {
    const { portal, store } = d!
    for (const [i, id] of ids.entries()) expect(portal.data.lead(id)?.COMPANY_TITLE, `lead ${id}`).toBe(`Вектор ${i} ООО`)
    for (const id of ids) expect((await store.mirror.get(portal.memberId, 'lead', id))?.snapshot, `lead ${id}`).toEqual(project(ENTITIES.lead!, portal.data.lead(id) ?? {}))
    // Each fix written once (one update of its lead), and its timeline comment once.
    const updates = portal.calls.filter((call) => call.method === 'crm.lead.update').map((call) => String((call.params as { id: unknown }).id))
    expect(updates.sort()).toEqual(ids.map(String).sort())
    const comments = portal.data.timelineComments.map((comment) => String(comment.entityId))
    expect(comments.sort()).toEqual(ids.map(String).sort())
    expect(await store.inbox.stats(portal.memberId)).toMatchObject({ pending: 0, parked: 0 })
  }

  describe('several app processes', () => {
    it('three processes, 1,000 events over 300 leads, the portal\'s holder killed mid-burst: taken over within a minute, nothing lost, each fix once', async () => {
      const { portal, rr, apps, ports, env } = await deploy(3)
      const ids = Array.from({ length: 300 }, (_, i) => portal.data.addLead({ TITLE: `Лид ${i}`, COMPANY_TITLE: `ООО "Вектор ${i}"` }, { byUserId: ANNA }))
      for (const id of ids) portal.data.updateLead(id, { COMMENTS: 'перезвонить' }, { byUserId: ANNA })
      for (const id of ids.slice(0, 100)) portal.data.updateLead(id, { COMMENTS: 'перезвонить завтра' }, { byUserId: ANNA })
      // Delivered while the instances work; when one of them holds the portal, it is killed.
      const delivering = portal.flushEvents()
      let held: number | undefined
      for (let i = 0; i < 600 && held === undefined; i++) {
        held = await holder()
        if (held === undefined) await sleep(50)
      }
      expect(held).toBeDefined()
      await apps[held!]!.stop('SIGKILL')
      const killedAt = Date.now()
      // Another one takes the portal over.
      let takenBy: number | undefined
      while (Date.now() - killedAt < 90_000 && (takenBy === undefined || takenBy === held)) {
        takenBy = await holder()
        if (takenBy === undefined && (await d!.store.inbox.stats(portal.memberId)).pending === 0) break
        await sleep(250)
      }
      const takeover = Date.now() - killedAt
      await delivering
      apps[held!] = startAppProcess({ port: ports[held!]!, env })
      await waitHealthy(apps[held!]!, 60_000)
      await settled()
      await expectEveryLeadDoneOnce(ids)
      expect(portal.deliveries.filter((delivery) => delivery.status === 200).length).toBeGreaterThanOrEqual(1000)
      expect(rr.failed).toBe(0)
      expect(takeover).toBeLessThan(60_000)
      process.stdout.write(`killed the holder (instance ${held! + 1}); the portal's work went on within ${(takeover / 1000).toFixed(1)} s; requests per instance: ${[...rr.counts.values()].join(', ')}\n`)
    }, 300_000)

    it('a rolling restart of two instances under a steady stream of events: no event answered with an error, none lost', async () => {
      const { portal, apps, ports, env } = await deploy(2)
      const ids = Array.from({ length: 60 }, (_, i) => portal.data.addLead({ TITLE: `Лид ${i}`, COMPANY_TITLE: `ООО "Вектор ${i}"` }, { byUserId: ANNA }))
      let streaming = true
      const stream = (async () => {
        for (let round = 0; streaming; round++) {
          for (const id of ids.slice((round * 5) % 60, (round * 5) % 60 + 5)) portal.data.updateLead(id, { COMMENTS: `правка ${round}` }, { byUserId: ANNA })
          await portal.flushEvents()
          await sleep(100)
        }
      })()
      // Each instance in turn: SIGTERM (it answers 503 on /readyz while it still serves, then closes), started again.
      for (const i of [0, 1]) {
        await sleep(1500)
        await apps[i]!.stop('SIGTERM')
        apps[i] = startAppProcess({ port: ports[i]!, env })
        await waitHealthy(apps[i]!, 60_000)
      }
      await sleep(1500)
      streaming = false
      await stream
      await settled()
      const answers = portal.deliveries.map((delivery) => delivery.status)
      expect(answers.filter((status) => status !== 200)).toEqual([])
      expect(answers.length).toBeGreaterThan(200)
      await expectEveryLeadDoneOnce(ids)
    }, 300_000)
  })
}
