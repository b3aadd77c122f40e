// npm run bench: the app (as `npm start` runs it) against the fake portal with its real rate limits, on SQLite and, when
// BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a server, on PostgreSQL too; prints its figures, then one table of
// every scenario beside its floor or baseline measured in the same run (`-- --json`: the table as JSON on stdout, the
// prose on stderr); exits 0.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { systemClock } from '../../src/shared/clock.js'
import { deriveTokenKey } from '../../src/shared/token-key.js'
import { openStore } from '../../src/store/index.js'
import { sqliteRows } from '../store/sqlite-file.js'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { freePort } from '../helpers/harness.js'
import { startAppProcess, waitDrained, waitHealthy, type AppProcess } from './app-process.js'
import { collected, print, table } from './figures.js'
import { burst, createLeads, intake, recordBurst, recordIntake } from './phases.js'
import { startBareIntake } from './bare-intake-process.js'
import { BENCH_DATABASE_URL } from './fresh-database.js'
import { engineRunsOn } from '../../src/jobs/engine.js'
import { CONNECTIONS, EVENTS, LEADS, SMALL, UPDATES, WARM_UP } from './sizes.js'

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

// The app's own figures, from the probe preloaded into it.
function appMemory(app: AppProcess): Promise<NodeJS.MemoryUsage | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 2_000)
    app.child.once('message', (message: { memory?: NodeJS.MemoryUsage }) => {
      clearTimeout(timer)
      resolve(message.memory)
    })
    app.child.send('memory')
  })
}

// `npm run bench -- --json`: the table as JSON on stdout; the phases (their own processes) print their prose to stderr.
const JSON_OUTPUT = process.argv.includes('--json')
if (JSON_OUTPUT) process.env.BENCH_JSON = '1'
// `BENCH_ONLY=burst npm run bench`: the two bursts alone (about a minute); a list (`burst,intake`) runs those phases. The
// intake runs with the bursts: it needs their 1,000 leads. `postgres` is the PostgreSQL part (the big burst, the intake
// with one and with three instances, the clocks), run when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server.
const PHASES = ['burst', 'intake', 'clocks', 'reports', 'postgres'] as const
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((name) => name.trim()).filter(Boolean)
for (const name of ONLY) if (!(PHASES as readonly string[]).includes(name)) throw new Error(`BENCH_ONLY: "${name}" is not one of ${PHASES.join(', ')}`)
const runs = (name: (typeof PHASES)[number]) => ONLY.length === 0 || ONLY.includes(name)

async function main(): Promise<void> {
  const began = performance.now()
  const figures = join(mkdtempSync(join(tmpdir(), 'rules-bench-figures-')), 'figures.jsonl')
  process.env.BENCH_FIGURES = figures
  if (runs('burst') || runs('intake')) await appPhase()
  if (runs('clocks')) phase('clocks', 'clocks.ts', figures)
  // All three sizes (about ten minutes on 2 cores); BENCH_REPORT_ROWS=10000,100000 leaves the million out.
  if (runs('reports')) phase('reports', 'reports.ts', figures)
  if (runs('postgres')) postgresPart(figures)
  print(`Total run time ${((performance.now() - began) / 1000).toFixed(1)} s`)
  const rows = collected(figures)
  rmSync(figures, { force: true })
  if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
  else print(`\nThe figures beside their floors and baselines, all measured in this run:\n${table(rows)}`)
}

// The app as `npm start` runs it against the fake portal: the bursts (always with the intake: it needs their leads),
// the intake, the memory at the end.
async function appPhase(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-bench-'))
  const databasePath = join(dir, 'app.db')
  const portal = await startFakePortal() // the real limits: 50 burst, 2 per second
  const app = startAppProcess({
    port: await freePort(),
    env: {
      DATABASE_PATH: databasePath,
      B24_CLIENT_ID: portal.clientId,
      B24_CLIENT_SECRET: portal.clientSecret,
      B24_ALLOWED_HOSTS: '127.0.0.1',
      // No scheduled sweep during the run: every REST request counted is the events' work.
      SWEEP_CRON: '0 0 1 1 *',
    },
    preload: [pathToFileURL(join(import.meta.dirname, 'memory-probe.ts')).href],
    ipc: true,
  })
  try {
    const cpu = cpus()[0]?.model ?? 'unknown CPU'
    print(`Machine: Node ${process.version}, ${process.platform} ${process.arch}, ${availableParallelism()} CPUs (${cpu}), ${mb(totalmem())} RAM`)
    print(`Set-up:  the app as a child process (node --import tsx src/main.ts), SQLite file in ${tmpdir()} (WAL, synchronous=FULL);`)
    print('         the fake portal and the load in this process, both on 127.0.0.1; portal rate limit 50 burst / 2 per s')
    print()
    await waitHealthy(app)
    await portal.installApp({ installUrl: `${app.url}/install` })
    await waitDrained(app, portal)
    // REST calls first, so that the intake's backlog does not count in them.
    const ids = await createLeads(app, portal, LEADS)
    recordBurst('big burst', '', await burst(app, portal, ids, UPDATES, 'the big burst'), LEADS)
    recordBurst('small burst', '', await burst(app, portal, ids.slice(0, SMALL.leads), SMALL.updates, 'a small burst'), SMALL.leads)
    if (runs('intake')) await intakePhase(app, portal, ids, dir)

    const memory = await appMemory(app)
    const own = process.memoryUsage()
    print('Memory at the end')
    print(memory ? `  app process:               RSS ${mb(memory.rss)}, heap used ${mb(memory.heapUsed)} (heap total ${mb(memory.heapTotal)})` : '  app process:               (no answer from the probe)')
    print(`  bench process (portal+load): RSS ${mb(own.rss)}, heap used ${mb(own.heapUsed)}`)
    await app.stop('SIGTERM')
    const store = openStore(databasePath, systemClock, deriveTokenKey(portal.clientSecret))
    const equal = ids.filter((id) => JSON.stringify(store.sync.mirror.get(portal.memberId, 'lead', id)?.snapshot) === JSON.stringify(project(ENTITIES.lead!, portal.data.lead(id) ?? {}))).length
    const inbox = store.sync.inbox.stats(portal.memberId)
    store.close()
    const actions = sqliteRows<{ n: number }>(databasePath, 'SELECT count(*) AS n FROM actions WHERE member_id = ?', portal.memberId)[0]?.n ?? 0
    print()
    print(`Check: ${equal}/${ids.length} leads mirrored equal to the portal; inbox pending ${inbox.pending}, parked ${inbox.parked}; actions planned by the rules ${actions}`)
    print()
  } finally {
    await app.stop('SIGKILL')
    await portal.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

// Intake at POST /events beside the bare route, both fed the same bodies.
async function intakePhase(app: AppProcess, portal: FakePortal, ids: readonly string[], dir: string): Promise<void> {
  const bare = await startBareIntake(join(dir, 'bare.db'), await freePort())
  try {
    recordIntake('', await intake(app, portal, ids, { count: EVENTS, connections: CONNECTIONS, warmUp: WARM_UP, bareUrl: `${bare.url}/events` }))
  } finally {
    bare.stop()
  }
}

// The same app phases and clocks on PostgreSQL, each in a process of its own; without a server named it says how to run
// them, and when asked for by name it fails rather than leave them out silently.
function postgresPart(figures: string): void {
  const missing = postgresMissing()
  if (missing !== undefined) {
    if (ONLY.includes('postgres')) throw new Error(`BENCH_ONLY=postgres: ${missing}`)
    print(`The PostgreSQL part was not run: ${missing}.`)
    return
  }
  phase('postgres', 'postgres.ts', figures)
  phase('clocks on PostgreSQL', 'clocks.ts', figures, ['--postgres'])
}

// What the PostgreSQL part lacks to run here, if anything.
function postgresMissing(): string | undefined {
  if (BENCH_DATABASE_URL === undefined) return 'set BENCH_DATABASE_URL=postgres://user@host:port/db (or TEST_DATABASE_URL) to run it'
  if (!engineRunsOn()) return `the app's job engine (pg-boss) needs Node ≥ 22.12, this is ${process.version}`
  return undefined
}

// The clocks, reports and PostgreSQL phases each in a process of their own, after the app's: their memory figures are
// their own, and they cannot disturb the others.
function phase(name: string, file: string, figures: string, args: readonly string[] = []): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, file), ...args], { stdio: 'inherit', timeout: 3_600_000, env: { ...process.env, BENCH_FIGURES: figures } })
  if (run.status !== 0) throw new Error(`the ${name} phase failed (exit ${String(run.status)}${run.signal ? `, ${run.signal}` : ''})`)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
