// npm run bench, the clocks phase: 100,000 open deadline clocks in a real SQLite file (WAL) — how long they take to
// start, how fast records are evaluated with them all present, what the timer's queries cost — and 1,000 clocks falling
// due at one instant, taken by the clock engine on an injected clock (no sleeps): once with a re-read that reads nothing
// (the app's own time), once with the worker's real re-read from the fake portal. Runnable alone: npx tsx test/bench/clocks.ts
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
import { openStore, type Store } from '../../src/store/index.js'
import { sqliteRows } from '../store/sqlite-file.js'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import { Worker } from '../../src/ingest/worker.js'
import type { RecordChangeToStore } from '../../src/store/port.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { bareClocks } from './bare-clocks.js'
import { figure, print, record } from './figures.js'
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

/**
 * The store, the rules and the clock engine on one clock the bench moves. The bench's own portal is re-read by a stub
 * that reads nothing; a portal added with `reReadFrom` is re-read by the worker from the fake portal.
 */
class ClockBench {
  t = START
  readonly now = () => new Date(this.t)
  readonly store: Store
  readonly enforcer: Enforcer
  readonly engine: ClockEngine
  readonly #reReaders = new Map<string, (memberId: string, records: Records) => Promise<void>>()

  constructor(readonly file: string) {
    this.store = openStore(file, this.now)
    this.install({ memberId: MEMBER, domain: 'bench.bitrix24.ru', clientEndpoint: 'https://bench.bitrix24.ru/rest/', serverEndpoint: 'https://oauth.bitrix.info/rest/',
      accessToken: 'a', refreshToken: 'r', expiresAt: 1_900_000_000, applicationToken: 't', scope: 'crm' })
    const settings: RuleSettings = resolveRuleSettings({ rules: RULES })
    const calendarFor = portalCalendars(settings, loadProductionCalendars(), 'RULES_FILE')
    this.enforcer = new Enforcer({ store: this.store, settings: fixedSettings(settings, calendarFor), logger, now: this.now })
    const worker = { refresh: (memberId: string, records: Records) => this.#reReaders.get(memberId)?.(memberId, records) ?? Promise.resolve() }
    this.engine = new ClockEngine({ store: this.store, enforcer: this.enforcer, worker, now: this.now })
  }

  /** A portal's install row and its directory: a head of sales over MANAGERS managers. */
  install(portal: { memberId: string; domain: string; clientEndpoint: string; serverEndpoint: string; accessToken: string; refreshToken: string; expiresAt: number; applicationToken: string; scope: string }): void {
    this.store.sync.portals.install({ ...portal, adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru' })
    const managers = Array.from({ length: MANAGERS }, (_, i) => ({ id: String(10 + i), name: `Менеджер ${i}`, active: true, departments: ['2'] }))
    this.store.sync.directory.replace(portal.memberId, [{ id: '2', name: 'Елена Директорова', active: true, departments: ['1'] }, { id: '4', name: 'Дмитрий Соколов', active: true, departments: ['2'] }, ...managers],
      [{ id: '1', name: 'Компания', parentId: null, headId: '2' }, { id: '2', name: 'Отдел продаж', parentId: '1', headId: '4' }])
  }

  /** The worker's batch re-read (PortalClients over the install row) for `memberId`'s clocks. */
  reReadFrom(memberId: string): void {
    const clients = new PortalClients(
      async (id) => {
        const portal = await this.store.portals.get(id)
        return portal ? { ...portal, budget: budgetFor(portal.licenseFamily) } : undefined
      },
      { clientId: 'local.fake0000000000.00000000', clientSecret: 'fake-client-secret', allowedHosts: ['127.0.0.1'], timeoutMs: 10_000, logger, keeper: this.store.sync.portals, now: this.now },
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

  /** Actions in the outbox by kind and state, e.g. "notify pending 1000". */
  actions(memberId: string): { total: number; text: string } {
    const rows = sqliteRows<{ kind: string; state: string; n: number }>(this.file,
      'SELECT kind, state, count(*) AS n FROM actions WHERE member_id = ? GROUP BY kind, state ORDER BY kind, state', memberId)
    return { total: rows.reduce((sum, row) => sum + row.n, 0), text: rows.map((row) => `${row.kind} ${row.state} ${row.n}`).join(', ') }
  }

  /** Steps taken and breaches of one portal's clocks. */
  taken(memberId: string): { steps: number; breaches: number } {
    const steps = sqliteRows<{ n: number }>(this.file, `SELECT count(*) AS n FROM clocks, json_each(clocks.steps)
      WHERE member_id = ? AND json_extract(json_each.value, '$.doneAt') IS NOT NULL`, memberId)[0]?.n ?? 0
    const breaches = sqliteRows<{ n: number }>(this.file, 'SELECT count(*) AS n FROM clocks WHERE member_id = ? AND breached_at IS NOT NULL', memberId)[0]?.n ?? 0
    return { steps, breaches }
  }

  fileSize(): string {
    const size = (path: string) => { try { return statSync(path).size } catch { return 0 } }
    return `${mb(size(this.file))} + WAL ${mb(size(`${this.file}-wal`))}`
  }
}

function memory(): string {
  const m = process.memoryUsage()
  return `RSS ${mb(m.rss)}, heap used ${mb(m.heapUsed)}`
}

/** Milliseconds per call of `work`, averaged over `times` calls. */
function perCall(times: number, work: () => unknown): number {
  const started = performance.now()
  for (let i = 0; i < times; i++) work()
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
  print('  in this process on a SQLite file (WAL, synchronous=FULL), on an injected clock the bench moves)')
  print(`  filled:                    ${DEALS.toLocaleString('en')} open deals without activities through the rules (enforcer.onChange), ${GROUP.toLocaleString('en')} per transaction,`)
  print(`                             a minute apart: ${seconds.toFixed(1)} s (${(DEALS / seconds).toFixed(0)} records/s)`)
  print(`  running clocks:            ${bench.store.sync.clocks.runningCount().toLocaleString('en')}; SQLite file ${bench.fileSize()}`)
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
  const nextAtMs = perCall(QUERY_REPEATS, () => bench.store.sync.clocks.nextAt())
  const noneDueMs = perCall(QUERY_REPEATS, () => bench.store.sync.clocks.due(bench.now(), 1000))
  const dueAt = new Date(START + WITHIN_MS)
  const thousandDueMs = perCall(20, () => bench.store.sync.clocks.due(dueAt, 1000))
  print(`  evaluations:               ${EVALUATIONS.toLocaleString('en')} deals changed (amount, comment), one transaction each: ${seconds.toFixed(2)} s,`)
  print(`                             ${(EVALUATIONS / seconds).toFixed(0)} evaluations/s (${((seconds * 1000) / EVALUATIONS).toFixed(3)} ms each); clocks kept, running ${bench.store.sync.clocks.runningCount().toLocaleString('en')}`)
  print(`  the timer's queries:       nextAt() ${nextAtMs.toFixed(3)} ms; due(now) with none due ${noneDueMs.toFixed(3)} ms; due() returning 1,000 clocks ${thousandDueMs.toFixed(2)} ms`)
  print(`  memory:                    ${memory()}`)
}

// The fake portal's own 1,000 open deals, mirrored as the portal returns them and their clocks started by the rules.
async function portalDeals(bench: ClockBench): Promise<FakePortal> {
  const portal = await startFakePortal({ now: () => PORTAL_CREATED, accessTokenTtlSeconds: 7 * 86_400 })
  const tokens = await installTokens(portal, PORTAL_CREATED)
  bench.install({ memberId: portal.memberId, domain: portal.domain, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, ...tokens })
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
  const due = bench.store.sync.clocks.due(bench.now(), 100_000).length
  const started = performance.now()
  await bench.engine.runDue()
  const ms = performance.now() - started
  const { steps, breaches } = bench.taken(MEMBER)
  const actions = bench.actions(MEMBER)
  print(`  falling due at once:       ${due.toLocaleString('en')} clocks due at ${bench.now().toISOString()}; engine.runDue() with a re-read that reads nothing`)
  print(`                             (the app's own time: the rules asked again, steps taken, notices planned): ${ms.toFixed(0)} ms`)
  print(`  taken:                     ${steps.toLocaleString('en')} steps (${breaches.toLocaleString('en')} breaches, each a violation opened); ${actions.total.toLocaleString('en')} actions planned in the outbox:`)
  print(`                             ${actions.text}`)
  print(`  after:                     next step at ${bench.store.sync.clocks.nextAt()?.toISOString() ?? 'none'}, still due now ${bench.store.sync.clocks.due(bench.now()).length}; ${memory()}`)
  return ms
}

// 4. The fake portal's 1,000 clocks fall due at one instant; the engine re-reads them from the portal first, as the app does.
async function fallDueReRead(bench: ClockBench, portal: FakePortal): Promise<void> {
  bench.t = PORTAL_CREATED + WITHIN_MS
  const due = bench.store.sync.clocks.due(bench.now(), 100_000).length
  portal.clearCalls()
  const started = performance.now()
  await bench.engine.runDue()
  const ms = performance.now() - started
  const requests = portal.calls.filter((call) => !call.viaBatch)
  const refused = requests.filter((call) => call.error === 'QUERY_LIMIT_EXCEEDED').length
  const { steps, breaches } = bench.taken(portal.memberId)
  const actions = bench.actions(portal.memberId)
  print(`  the same with the re-read: ${due.toLocaleString('en')} clocks of the fake portal's own deals due at ${bench.now().toISOString()}; engine.runDue() with the worker's`)
  print(`                             batch re-read (each deal and its activities) over 127.0.0.1, portal rate limit 50 burst / 2 per s: ${ms.toFixed(0)} ms`)
  print(`                             REST requests ${requests.length} (batch ${requests.filter((call) => call.method === 'batch').length}, refused ${refused}), ${portal.calls.filter((call) => call.viaBatch).length} calls inside them;`)
  print(`                             ${steps.toLocaleString('en')} steps (${breaches.toLocaleString('en')} breaches), ${actions.total.toLocaleString('en')} actions planned: ${actions.text}`)
}

/** Prints the clocks phase's figures. */
export async function clockFigures(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-bench-clocks-'))
  const bench = new ClockBench(join(dir, 'app.db'))
  let portal: FakePortal | undefined
  try {
    const filled = await fill(bench)
    await evaluate(bench)
    portal = await portalDeals(bench)
    const dueMs = await fallDue(bench)
    await fallDueReRead(bench, portal)
    const bare = bareClocks(dir, DEALS, GROUP, GROUP)
    print(`  baselines, a bare table:   ${DEALS.toLocaleString('en')} rows of a clock's size inserted ${GROUP.toLocaleString('en')} a transaction, ${bare.perSecond.toFixed(0)} rows/s;`)
    print(`                             ${GROUP.toLocaleString('en')} due rows selected and rewritten in one transaction, ${bare.dueMs.toFixed(0)} ms (test/bench/bare-clocks.ts)`)
    print()
    record(figure('clocks: 100,000 started through the rules', 'records/s', filled, bare.perSecond, 'baseline: bare inserts', { atLeast: 12_000 }))
    record(figure('clocks: 1,000 due at once', 'ms', dueMs, bare.dueMs, 'baseline: bare due round', { atMost: 300 }))
  } finally {
    await portal?.close()
    bench.store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  clockFigures().catch((error: unknown) => {
    process.stderr.write(`clocks bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  })
}
