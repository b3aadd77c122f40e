// npm run bench, the PostgreSQL part of the app phases (BENCH_DATABASE_URL or TEST_DATABASE_URL; Node ≥ 22.12 for the
// app's pg-boss): the app as `npm start` runs it, on a fresh database of its own each time, against the fake portal with
// its real rate limits: the big burst's REST requests and the intake, with one instance and with three behind a
// round-robin sender (as a load balancer spreads the portal's events). Runnable alone: npx tsx test/bench/postgres.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import { systemClock } from '../../src/shared/clock.js'
import { deriveTokenKey } from '../../src/shared/token-key.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { freePort } from '../helpers/harness.js'
import { startRoundRobin, type RoundRobin } from '../helpers/round-robin.js'
import { startAppProcess, waitDrained, waitHealthy, type AppProcess } from './app-process.js'
import { startBareIntake } from './bare-intake-process.js'
import { print } from './figures.js'
import { BENCH_DATABASE_URL, freshDatabase, serverSettings } from './fresh-database.js'
import { engineRunsOn } from '../../src/jobs/engine.js'
import { burst, createLeads, intake, recordBurst, recordIntake } from './phases.js'
import { CONNECTIONS, EVENTS, LEADS, UPDATES, WARM_UP } from './sizes.js'

/** The fake portal and `count` app processes on one fresh database; with more than one, the portal reaches them through `rr`. */
interface Deployment {
  portal: FakePortal
  apps: AppProcess[]
  rr: RoundRobin | undefined
  databaseUrl: string
  /** Where the portal and the load send: the sender's address, or the one app's. */
  url: string
  dir: string
  drop(): Promise<void>
}

// The portal, `count` apps on a fresh database, installed (through the sender when there are several) and settled.
async function deploy(server: string, count: number): Promise<Deployment> {
  const database = await freshDatabase(server)
  const portal = await startFakePortal() // the real limits: 50 burst, 2 per second
  const rr = count > 1 ? await startRoundRobin([]) : undefined
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()))
  const env = {
    DATABASE_URL: database.url,
    B24_CLIENT_ID: portal.clientId,
    B24_CLIENT_SECRET: portal.clientSecret,
    B24_ALLOWED_HOSTS: '127.0.0.1',
    // No scheduled sweep during the run: every REST request counted is the events' work.
    SWEEP_CRON: '0 0 1 1 *',
    // Behind the sender the app's handler URL, which the portal calls, is the sender's.
    ...(rr ? { PUBLIC_URL: rr.url } : {}),
  }
  const apps = ports.map((port) => startAppProcess({ port, env }))
  if (rr) rr.targets.push(...apps.map((app) => app.url))
  const d: Deployment = { portal, apps, rr, databaseUrl: database.url, url: rr?.url ?? apps[0]!.url, dir: mkdtempSync(join(tmpdir(), 'rules-bench-pg-')), drop: database.drop }
  try {
    // The first start migrates the database and the job engine's schema; the others wait on its lock.
    for (const app of apps) await waitHealthy(app, 60_000)
    await portal.installApp({ installUrl: `${d.url}/install` })
    await waitDrained(apps[0]!, portal)
    return d
  } catch (error) {
    await undeploy(d)
    throw error
  }
}

async function undeploy(d: Deployment): Promise<void> {
  for (const app of d.apps) await app.stop('SIGKILL')
  await d.rr?.close()
  await d.portal.close()
  await d.drop()
  rmSync(d.dir, { recursive: true, force: true })
}

// The intake through `d.url` beside the bare route (SQLite, the same as the SQLite rows' baseline), each on a file of its own.
async function intakeRows(d: Deployment, ids: readonly string[], suffix: string): Promise<void> {
  const bare = await startBareIntake(join(d.dir, 'bare.db'), await freePort())
  try {
    const load = await intake(d.apps[0]!, d.portal, ids, { count: EVENTS, connections: CONNECTIONS, warmUp: WARM_UP, bareUrl: `${bare.url}/events`, via: d.rr?.url })
    recordIntake(suffix, load, 'baseline: bare route on SQLite')
    if (d.rr) print(`  answers per instance:      ${[...d.rr.counts.values()].join(', ')} (the sender's count since the install); failed ${d.rr.failed}\n`)
  } finally {
    bare.stop()
  }
}

// What the app left in its database, read through the store port as the app reads it.
async function check(d: Deployment, ids: readonly string[]): Promise<void> {
  const store = await openPostgresStore({ connectionString: d.databaseUrl, max: 2 }, systemClock, deriveTokenKey(d.portal.clientSecret))
  try {
    let equal = 0
    for (const id of ids) {
      const mirrored = (await store.mirror.get(d.portal.memberId, 'lead', id))?.snapshot
      if (JSON.stringify(mirrored) === JSON.stringify(project(ENTITIES.lead!, d.portal.data.lead(id) ?? {}))) equal += 1
    }
    const inbox = await store.inbox.stats(d.portal.memberId)
    const actions = await store.actions.stats(d.portal.memberId)
    print(`Check: ${equal}/${ids.length} leads mirrored equal to the portal; inbox pending ${inbox.pending}, parked ${inbox.parked}; actions pending ${actions.pending}, sending ${actions.sending}, failed ${actions.failed}`)
    print()
  } finally {
    await store.close()
  }
}

// `count` instances (more than one: behind the round-robin sender, the portal's events spread over them, its records read
// by the one that holds the portal's job): the leads, the big burst, the intake.
async function instances(server: string, count: number, heading: string, suffix: string): Promise<void> {
  const d = await deploy(server, count)
  try {
    print(heading)
    const ids = await createLeads(d.apps[0]!, d.portal, LEADS)
    recordBurst('big burst', suffix, await burst(d.apps[0]!, d.portal, ids, UPDATES, `the big burst${suffix}`), LEADS)
    await intakeRows(d, ids, suffix)
    await check(d, ids)
  } finally {
    await undeploy(d)
  }
}

async function main(): Promise<void> {
  if (BENCH_DATABASE_URL === undefined) throw new Error('set BENCH_DATABASE_URL=postgres://user@host:port/db (or TEST_DATABASE_URL)')
  if (!engineRunsOn()) throw new Error(`the app's job engine (pg-boss) needs Node ≥ 22.12, this is ${process.version}`)
  print(`PostgreSQL: ${await serverSettings(BENCH_DATABASE_URL)}; each deployment on a fresh database, dropped after it`)
  print('         the app as a child process (node --import tsx src/main.ts) with DATABASE_URL, its jobs on pg-boss in the same database;')
  print('         the fake portal, the load (and the sender) in this process, all on 127.0.0.1; portal rate limit 50 burst / 2 per s')
  print()
  await instances(BENCH_DATABASE_URL, 1, 'One app instance on PostgreSQL', ' (PostgreSQL)')
  await instances(BENCH_DATABASE_URL, 3, 'Three app instances on one PostgreSQL database, behind a round-robin sender in the bench process (test/helpers/round-robin.ts)', ' (PostgreSQL, 3 instances)')
}

main().catch((error: unknown) => {
  process.stderr.write(`PostgreSQL bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
