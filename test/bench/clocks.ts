// npm run bench, the clocks phase: 100,000 open deadline clocks in a real SQLite file (WAL) — how long they take to
// start, how fast records are evaluated with them all present, what the timer's queries cost — and 1,000 clocks falling
// due at one instant, taken by the clock engine on an injected clock (no sleeps): once with a re-read that reads nothing
// (the app's own time), once with the worker's real re-read from the fake portal. Runnable alone: npx tsx test/bench/clocks.ts;
// with --postgres the same on a fresh database on BENCH_DATABASE_URL (or TEST_DATABASE_URL), its rows marked (PostgreSQL).
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pino from 'pino'
import type { RuleSettings } from '../../rules/catalogue.js'
import type { Entity, Snapshot } from '../../rules/types.js'
import { loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { ClockEngine } from '../../src/enforce/clock-engine.js'
import { Enforcer } from '../../src/enforce/enforcer.js'
import { portalCalendars } from '../../src/settings/portal-calendars.js'
import { fixedSettings } from '../../src/settings/portal-settings.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'
import { PortalClients } from '../../src/b24/index.js'
import { budgetFor } from '../../src/portal/installer.js'
import { openStore } from '../../src/store/index.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import { Worker } from '../../src/ingest/worker.js'
import type { Clock } from '../../src/store/clocks.js'
import type { RecordChangeToStore, StorePort } from '../../src/store/port.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { bareClocks } from './bare-clocks.js'
import { figure, print, record } from './figures.js'
import { BENCH_DATABASE_URL, freshDatabase, serverSettings } from './fresh-database.js'
import { installTokens } from './install-capture.js'

const MEMBER = 'b5c1e0d2a7f94e3c8d6b1a0f2e4c6d8a'
const DEALS = 100_000
// Deals start in groups of this many, one transaction each, one minute apart: each group's clocks fall due together.
const GROUP = 1_000
const GROUP_MS = 60_000
const EVALUATIONS = 10_000
const QUERY_REPEATS = 200
// Monday 09:00 in Moscow; DEAL-NEXT-STEP counts every minute here ("24/7"), so each deal is due four hours after it was created.
const START = Date.parse('2026-12-07T09:00:00+03:00')
const WITHIN_MS = 4 * 3_600_000
// The fake portal's deals are created half a minute after the first group: they fall due between the first and the second.
const PORTAL_CREATED = START + 30_000
const MANAGERS = 200

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const logger = pino({ level: 'silent' })
// Only DEAL-NEXT-STEP speaks: the lead and client rules are off, DEAL-STAGE-STUCK has no limits by default.
const RULES = {
  'LEAD-TITLE': { mode: 'off' }, 'LEAD-FIELDS': { mode: 'off' }, 'LEAD-COMPANY-NAME': { mode: 'off' }, 'CLIENT-DUPLICATE': { mode: 'off' },
  'DEAL-NEXT-STEP': { within: 'PT4H', time: '24/7' },
}

/** The portal's own date format, Moscow time: 2026-12-07T09:00:00+03:00. */
function portalTime(ms: number): string {
  return `${new Date(ms + 3 * 3_600_000).toISOString().slice(0, 19)}+03:00`
}

/** An open deal without activities: DEAL-NEXT-STEP starts its clock at DATE_CREATE. */
function deal(id: number, createdMs: number, fields: Snapshot = {}): Snapshot {
  return {
    ID: String(id), TITLE: `Поставка серверов №${id}`, STAGE_ID: 'NEW', STAGE_SEMANTIC_ID: 'P', CLOSED: 'N',
    ASSIGNED_BY_ID: String(10 + (id % MANAGERS)), OPPORTUNITY: String(1000 * id), DATE_CREATE: portalTime(createdMs), ...fields,
  }
}

type Records = ReadonlyArray<{ entity: Entity; entityId: string }>

/** Where the bench keeps its clocks: a SQLite file, or a fresh database on a PostgreSQL server. */
interface BenchStore {
  /** The set-up line's words for it. */
  readonly label: string
  /** What follows each row's scenario: '' on SQLite, ' (PostgreSQL)'. */
  readonly suffix: string
  open(now: () => Date): Promise<StorePort>
  /** Its size on disk, where the bench can see it. */
  size(): string | undefined
  dispose(): Promise<void>
}

function sqliteStore(dir: string): BenchStore {
  const file = join(dir, 'app.db')
  const size = (path: string) => { try { return statSync(path).size } catch { return 0 } }
  return {
    label: 'a SQLite file (WAL, synchronous=FULL)',
    suffix: '',
    open: async (now) => openStore(file, now),
    size: () => `SQLite file ${mb(size(file))} + WAL ${mb(size(`${file}-wal`))}`,
    dispose: async () => {},
  }
}

async function postgresStore(server: string): Promise<BenchStore> {
  const database = await freshDatabase(server, 'bench_clocks')
  return {
    label: `PostgreSQL (a fresh database; ${await serverSettings(server)})`,
    suffix: ' (PostgreSQL)',
    open: (now) => openPostgresStore({ connectionString: database.url }, now),
    size: () => undefined,
    dispose: () => database.drop(),
  }
}

/**
 * The store, the rules and the clock engine on one clock the bench moves. The bench's own portal is re-read by a stub
 * that reads nothing; a portal added with `reReadFrom` is re-read by the worker from the fake portal.
 */
class ClockBench {
  readonly now = () => new Date(this.clock.t)
  readonly enforcer: Enforcer
  readonly engine: ClockEngine
  readonly #reReaders = new Map<string, (memberId: string, records: Records) => Promise<void>>()

  /** The bench on `where`, its own portal installed. */
  static async open(where: BenchStore): Promise<ClockBench> {
    const clock = { t: START }
    const bench = new ClockBench(clock, await where.open(() => new Date(clock.t)), where)
    await bench.install({ memberId: MEMBER, domain: 'bench.bitrix24.ru', clientEndpoint: 'https://bench.bitrix24.ru/rest/', serverEndpoint: 'https://oauth.bitrix.info/rest/',
      accessToken: 'a', refreshToken: 'r', expiresAt: 1_900_000_000, applicationToken: 't', scope: 'crm' })
    return bench
  }

  private constructor(private readonly clock: { t: number }, readonly store: StorePort, readonly where: BenchStore) {
    const settings: RuleSettings = resolveRuleSettings({ rules: RULES })
    const calendarFor = portalCalendars(settings, loadProductionCalendars(), 'RULES_FILE')
    this.enforcer = new Enforcer({ store: this.store, settings: fixedSettings(settings, calendarFor), logger, now: this.now })
    const worker = { refresh: (memberId: string, records: Records) => this.#reReaders.get(memberId)?.(memberId, records) ?? Promise.resolve() }
    this.engine = new ClockEngine({ store: this.store, enforcer: this.enforcer, worker, now: this.now })
  }

  get t(): number {
    return this.clock.t
  }

  set t(ms: number) {
    this.clock.t = ms
  }

  /** A portal's install row and its directory: a head of sales over MANAGERS managers. */
  async install(portal: { memberId: string; domain: string; clientEndpoint: string; serverEndpoint: string; accessToken: string; refreshToken: string; expiresAt: number; applicationToken: string; scope: string }): Promise<void> {
    await this.store.portals.install({ ...portal, adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru' })
    const managers = Array.from({ length: MANAGERS }, (_, i) => ({ id: String(10 + i), name: `Менеджер ${i}`, active: true, departments: ['2'] }))
    await this.store.directory.replace(portal.memberId, [{ id: '2', name: 'Елена Директорова', active: true, departments: ['1'] }, { id: '4', name: 'Дмитрий Соколов', active: true, departments: ['2'] }, ...managers],
      [{ id: '1', name: 'Компания', parentId: null, headId: '2' }, { id: '2', name: 'Отдел продаж', parentId: '1', headId: '4' }])
  }

  /** The worker's batch re-read (PortalClients over the install row, as the app builds them) for `memberId`'s clocks. */
  reReadFrom(memberId: string): void {
    const clients = new PortalClients(
      async (id) => {
        const portal = await this.store.portals.get(id)
        return portal ? { ...portal, budget: budgetFor(portal.licenseFamily) } : undefined
      },
      { clientId: 'local.fake0000000000.00000000', clientSecret: 'fake-client-secret', allowedHosts: ['127.0.0.1'], timeoutMs: 10_000, logger, keeper: this.store.portals, now: this.now,
        sharedBudget: this.store.sharedByInstances ? this.store.restBudgets : undefined },
    )
    const worker = new Worker({ store: this.store, clients, logger, now: this.now, onChange: this.enforcer.onChange })
    this.#reReaders.set(memberId, (id, records) => worker.refresh(id, records))
  }

  /** A deal changes and its event comes in, as the worker hands it on: decided, to be stored with its plans in one store call. */
  async change(snapshot: Snapshot, memberId = MEMBER): Promise<RecordChangeToStore> {
    const id = String(snapshot.ID)
    const previous = (await this.store.mirror.get(memberId, 'deal', id))?.snapshot
    const plans = await this.enforcer.onChange({ memberId, entity: 'deal', entityId: id, events: ['ONCRMDEALUPDATE'], previous, current: snapshot, diff: {} })
    return { mirror: { memberId, record: { entity: 'deal', entityId: id, snapshot, deleted: false, modifiedAt: null } }, eventIds: [], plans }
  }

  /** Actions in the outbox by kind and state, e.g. "notify pending 1000", read through the port. */
  async actions(memberId: string): Promise<{ total: number; text: string }> {
    const counts = new Map<string, number>()
    for (const state of ['done', 'failed', 'folded', 'pending', 'sending'] as const) {
      for (const action of await this.store.actions.inState(memberId, state)) counts.set(`${action.kind} ${state}`, (counts.get(`${action.kind} ${state}`) ?? 0) + 1)
    }
    const rows = [...counts].sort(([a], [b]) => a.localeCompare(b))
    return { total: rows.reduce((sum, [, n]) => sum + n, 0), text: rows.map(([name, n]) => `${name} ${n}`).join(', ') }
  }

  /** Steps taken and breaches of the clocks `ids` (those that fell due: reading all 100,000 would swell the memory figure). */
  async taken(ids: readonly number[]): Promise<{ steps: number; breaches: number }> {
    const clocks: Clock[] = []
    for (const id of ids) {
      const clock = await this.store.clocks.get(id)
      if (clock) clocks.push(clock)
    }
    const steps = clocks.reduce((sum, clock) => sum + clock.steps.filter((step) => step.doneAt !== null).length, 0)
    return { steps, breaches: clocks.filter((clock) => clock.breachedAt !== null).length }
  }
}

function memory(): string {
  const m = process.memoryUsage()
  return `RSS ${mb(m.rss)}, heap used ${mb(m.heapUsed)}`
}

/** Milliseconds per call of `work`, averaged over `times` calls made one after another. */
async function perCall(times: number, work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < times; i++) await work()
  return (performance.now() - started) / times
}

// 1. 100,000 open deals, group by group, each group at its own minute and in one transaction.
async function fill(bench: ClockBench): Promise<number> {
  const started = performance.now()
  for (let first = 0; first < DEALS; first += GROUP) {
    bench.t = START + (first / GROUP) * GROUP_MS
    const changes: RecordChangeToStore[] = []
    for (let id = first + 1; id <= first + GROUP; id++) changes.push(await bench.change(deal(id, bench.t)))
    await bench.store.applyChanges(changes)
  }
  const seconds = (performance.now() - started) / 1000
  print(`Clocks (DEAL-NEXT-STEP, "within": "PT4H", "time": "24/7"; one portal, ${MANAGERS} responsibles; the store, the rules and the clock engine`)
  print(`  in this process on ${bench.where.label}, on an injected clock the bench moves)`)
  print(`  filled:                    ${DEALS.toLocaleString('en')} open deals without activities through the rules (enforcer.onChange), ${GROUP.toLocaleString('en')} per transaction,`)
  print(`                             a minute apart: ${seconds.toFixed(1)} s (${(DEALS / seconds).toFixed(0)} records/s)`)
  const size = bench.where.size()
  print(`  running clocks:            ${(await bench.store.clocks.runningCount()).toLocaleString('en')}${size === undefined ? '' : `; ${size}`}`)
  print(`  memory after filling:      ${memory()}`)
  return DEALS / seconds
}

// 2. Records changed again with every clock present, each in its own transaction as the worker commits them.
async function evaluate(bench: ClockBench): Promise<void> {
  bench.t = START + (DEALS / GROUP) * GROUP_MS
  const ids = Array.from({ length: EVALUATIONS }, (_, i) => 1 + ((i * 7919) % DEALS))
  const started = performance.now()
  for (const id of ids) {
    const createdMs = START + Math.floor((id - 1) / GROUP) * GROUP_MS
    await bench.store.applyChanges([await bench.change(deal(id, createdMs, { OPPORTUNITY: String(id + 1), COMMENTS: 'правка' }))])
  }
  const seconds = (performance.now() - started) / 1000
  const nextAtMs = await perCall(QUERY_REPEATS, () => bench.store.clocks.nextAt())
  const noneDueMs = await perCall(QUERY_REPEATS, () => bench.store.clocks.due(bench.now(), 1000))
  const dueAt = new Date(START + WITHIN_MS)
  const thousandDueMs = await perCall(20, () => bench.store.clocks.due(dueAt, 1000))
  print(`  evaluations:               ${EVALUATIONS.toLocaleString('en')} deals changed (amount, comment), one transaction each: ${seconds.toFixed(2)} s,`)
  print(`                             ${(EVALUATIONS / seconds).toFixed(0)} evaluations/s (${((seconds * 1000) / EVALUATIONS).toFixed(3)} ms each); clocks kept, running ${(await bench.store.clocks.runningCount()).toLocaleString('en')}`)
  print(`  the timer's queries:       nextAt() ${nextAtMs.toFixed(3)} ms; due(now) with none due ${noneDueMs.toFixed(3)} ms; due() returning 1,000 clocks ${thousandDueMs.toFixed(2)} ms`)
  print(`  memory:                    ${memory()}`)
}

// The fake portal's own 1,000 open deals, mirrored as the portal returns them and their clocks started by the rules.
async function portalDeals(bench: ClockBench): Promise<FakePortal> {
  const portal = await startFakePortal({ now: () => PORTAL_CREATED, accessTokenTtlSeconds: 7 * 86_400 })
  const tokens = await installTokens(portal, PORTAL_CREATED)
  await bench.install({ memberId: portal.memberId, domain: portal.domain, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, ...tokens })
  bench.reReadFrom(portal.memberId)
  const changes: RecordChangeToStore[] = []
  for (let i = 0; i < GROUP; i++) {
    const id = portal.data.addDeal({ TITLE: `Поставка ноутбуков №${i}`, ASSIGNED_BY_ID: 10 + (i % MANAGERS), OPPORTUNITY: 1000 * i }, { byUserId: 1 })
    changes.push(await bench.change(project(ENTITIES.deal!, portal.data.deal(id) ?? {}), portal.memberId))
  }
  await bench.store.applyChanges(changes)
  return portal
}

// 3. The first group's 1,000 clocks fall due at one instant; the engine takes them with a re-read that reads nothing.
async function fallDue(bench: ClockBench): Promise<number> {
  bench.t = START + WITHIN_MS
  const due = (await bench.store.clocks.due(bench.now(), 100_000)).map((clock) => clock.id)
  const started = performance.now()
  await bench.engine.runDue()
  const ms = performance.now() - started
  const { steps, breaches } = await bench.taken(due)
  const actions = await bench.actions(MEMBER)
  print(`  falling due at once:       ${due.length.toLocaleString('en')} clocks due at ${bench.now().toISOString()}; engine.runDue() with a re-read that reads nothing`)
  print(`                             (the app's own time: the rules asked again, steps taken, notices planned): ${ms.toFixed(0)} ms`)
  print(`  taken:                     ${steps.toLocaleString('en')} steps (${breaches.toLocaleString('en')} breaches, each a violation opened); ${actions.total.toLocaleString('en')} actions planned in the outbox:`)
  print(`                             ${actions.text}`)
  print(`  after:                     next step at ${(await bench.store.clocks.nextAt())?.toISOString() ?? 'none'}, still due now ${(await bench.store.clocks.due(bench.now())).length}; ${memory()}`)
  return ms
}

// 4. The fake portal's 1,000 clocks fall due at one instant; the engine re-reads them from the portal first, as the app does.
async function fallDueReRead(bench: ClockBench, portal: FakePortal): Promise<void> {
  bench.t = PORTAL_CREATED + WITHIN_MS
  const due = (await bench.store.clocks.due(bench.now(), 100_000)).map((clock) => clock.id)
  portal.clearCalls()
  const started = performance.now()
  await bench.engine.runDue()
  const ms = performance.now() - started
  const requests = portal.calls.filter((call) => !call.viaBatch)
  const refused = requests.filter((call) => call.error === 'QUERY_LIMIT_EXCEEDED').length
  const { steps, breaches } = await bench.taken(due)
  const actions = await bench.actions(portal.memberId)
  print(`  the same with the re-read: ${due.length.toLocaleString('en')} clocks of the fake portal's own deals due at ${bench.now().toISOString()}; engine.runDue() with the worker's`)
  print(`                             batch re-read (each deal and its activities) over 127.0.0.1, portal rate limit 50 burst / 2 per s: ${ms.toFixed(0)} ms`)
  print(`                             REST requests ${requests.length} (batch ${requests.filter((call) => call.method === 'batch').length}, refused ${refused}), ${portal.calls.filter((call) => call.viaBatch).length} calls inside them;`)
  print(`                             ${steps.toLocaleString('en')} steps (${breaches.toLocaleString('en')} breaches), ${actions.total.toLocaleString('en')} actions planned: ${actions.text}`)
}

/** Prints the clocks phase's figures and keeps its rows: on a SQLite file, or with `postgres` on a fresh database on that server. */
export async function clockFigures(postgres?: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-bench-clocks-'))
  const where = postgres === undefined ? sqliteStore(dir) : await postgresStore(postgres)
  let bench: ClockBench | undefined
  let portal: FakePortal | undefined
  try {
    bench = await ClockBench.open(where)
    const filled = await fill(bench)
    await evaluate(bench)
    portal = await portalDeals(bench)
    const dueMs = await fallDue(bench)
    await fallDueReRead(bench, portal)
    // The baselines stay SQLite's bare table on PostgreSQL too: the same yardstick for both stores' rows.
    const bare = bareClocks(dir, DEALS, GROUP, GROUP)
    print(`  baselines, a bare table:   ${DEALS.toLocaleString('en')} rows of a clock's size inserted ${GROUP.toLocaleString('en')} a transaction, ${bare.perSecond.toFixed(0)} rows/s;`)
    print(`                             ${GROUP.toLocaleString('en')} due rows selected and rewritten in one transaction, ${bare.dueMs.toFixed(0)} ms (test/bench/bare-clocks.ts, SQLite)`)
    print()
    const sqlite = postgres === undefined ? '' : ' on SQLite'
    record(figure(`clocks: 100,000 started through the rules${where.suffix}`, 'records/s', filled, bare.perSecond, `baseline: bare inserts${sqlite}`, { atLeast: 12_000 }))
    record(figure(`clocks: 1,000 due at once${where.suffix}`, 'ms', dueMs, bare.dueMs, `baseline: bare due round${sqlite}`, { atMost: 300 }))
  } finally {
    await portal?.close()
    await bench?.store.close()
    await where.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}

// `--postgres`: on BENCH_DATABASE_URL (or TEST_DATABASE_URL), as `npm run bench` runs it when one is set.
function postgresServer(): string | undefined {
  if (!process.argv.includes('--postgres')) return undefined
  if (BENCH_DATABASE_URL === undefined) throw new Error('--postgres: set BENCH_DATABASE_URL=postgres://user@host:port/db (or TEST_DATABASE_URL)')
  return BENCH_DATABASE_URL
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  Promise.resolve().then(() => clockFigures(postgresServer())).catch((error: unknown) => {
    process.stderr.write(`clocks bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  })
}
