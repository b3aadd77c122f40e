// The fault suite's scripted day: the app as a process against a chaotic fake portal, killed with SIGKILL at 20 seeded
// moments (intake, the worker's batch, a due round of the deadline clocks, a report delivery, the outbox applying) and
// started again on the same database each time; then the faults stop and everything settles.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { health, startAppProcess, waitHealthy, type AppProcess } from '../bench/app-process.js'
import { seeded } from '../fake-portal/chaos.js'
import { startFakePortal, type FakeCall, type FakePortal } from '../fake-portal/index.js'
import { freePort } from '../helpers/harness.js'
import { FullLog } from './full-log.js'

/** Where a kill lands. */
export type Phase = 'intake' | 'batch' | 'due' | 'delivery' | 'apply'

/** One kill as it happened. */
export interface Kill { phase: Phase; at: number; trigger: string }

/** What the day leaves for the checks. */
export interface Day {
  portal: FakePortal
  app: AppProcess
  log: FullLog
  dir: string
  databasePath: string
  kills: Kill[]
  restarts: number
  leads: string[]
  deals: string[]
  startedAt: number
  /** When the faults stopped. */
  calmAt: number
}

const ANNA = 5
const PAVEL = 6
const MANAGERS = [ANNA, PAVEL, 7]
// The app's timeout is short so that a held answer (chaos `timeout`) is a timeout without slowing the day down much.
const APP_TIMEOUT_MS = 1500
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Three report moments in the first minutes (a delivery runs on the minute and retries what a kill cut the next minute;
// once all are delivered there is nothing left to cut), every other kill between them; the rest shuffled by the seed.
function killPlan(random: () => number): Phase[] {
  const others: Phase[] = [...Array<Phase>(6).fill('intake'), ...Array<Phase>(4).fill('batch'), ...Array<Phase>(3).fill('due'), ...Array<Phase>(4).fill('apply')]
  for (let i = others.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[others[i], others[j]] = [others[j] as Phase, others[i] as Phase]
  }
  const plan: Phase[] = []
  for (const [i, phase] of others.entries()) {
    if (i < 3) plan.push('delivery')
    plan.push(phase)
  }
  return plan
}

// What each phase's kill waits for: the portal receiving a call of that stage of the app's work.
const TRIGGERS: Record<Exclude<Phase, 'intake'>, (call: FakeCall) => boolean> = {
  // The worker's re-read: a record read inside a batch.
  batch: (call) => call.viaBatch && /^crm\.(lead|deal)\.get$/.test(call.method),
  // The clock engine's round re-reads a record's activities by its bindings.
  due: (call) => call.method === 'crm.activity.list' && JSON.stringify(call.params).includes('BINDINGS'),
  // The report delivery: the storage, a head's folder, an upload, the head's message (which of them: see DELIVERY_STEPS).
  delivery: (call) => /^disk\./.test(call.method) || call.method === 'upload.json' || JSON.stringify(call.params).includes('RULES_REPORT'),
  // The outbox: a fix, a rules notice, a timeline comment.
  apply: (call) => call.viaBatch && (/^crm\.(lead|deal)\.update$/.test(call.method) || call.method === 'crm.timeline.comment.add'
    || (call.method === 'im.notify.system.add' && JSON.stringify(call.params).includes('rules|'))),
}

// Where in a delivery its kill lands, picked by the seed: as it starts, at a head's folder, at an upload, at the message.
const DELIVERY_STEPS: Array<(call: FakeCall) => boolean> = [
  (call) => call.method === 'disk.storage.getforapp',
  (call) => call.method === 'disk.storage.getchildren' || call.method === 'disk.storage.addfolder',
  (call) => call.method === 'disk.folder.uploadfile',
  (call) => call.method === 'im.notify.system.add' && JSON.stringify(call.params).includes('RULES_REPORT'),
]

/** Plays the day; the app is left running, settled, with the faults off. */
export async function playDay(seed: number): Promise<Day> {
  const random = seeded(seed)
  const pick = (low: number, high: number) => low + Math.floor(random() * (high - low + 1))
  const dir = mkdtempSync(join(tmpdir(), 'rules-faults-'))
  const databasePath = join(dir, 'app.db')
  const portal = await startFakePortal()
  const log = new FullLog(portal)
  log.start()
  const port = await freePort()
  const rulesFile = join(dir, 'rules.json')
  writeFileSync(rulesFile, JSON.stringify({
    calendar: { hours: '24/7' },
    notifications: { digest: { limit: 5, window: 'PT2S' } },
    // A deal without a planned step: its responsible is told after 20 s, the supervisor 20 s later.
    rules: { 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT20S', escalate: ['PT20S'], time: '24/7' } },
    // Due every minute; each still reports on one period (last week, last month), so each is delivered once a head.
    reports: { weekly: '* * * * *', monthly: '* * * * *' },
  }))
  const env = {
    DATABASE_PATH: databasePath, B24_CLIENT_ID: portal.clientId, B24_CLIENT_SECRET: portal.clientSecret, B24_ALLOWED_HOSTS: '127.0.0.1',
    B24_TIMEOUT_MS: String(APP_TIMEOUT_MS), WORKER_RETRY_BASE_MS: '200', RULES_FILE: rulesFile,
    // Lost events are found by the sweep, as in a real deployment; here every 15 seconds.
    SWEEP_CRON: '*/15 * * * * *',
  }
  const day: Day = { portal, app: startAppProcess({ port, env }), log, dir, databasePath, kills: [], restarts: 0, leads: [], deals: [], startedAt: Date.now(), calmAt: 0 }
  await waitHealthy(day.app)
  await portal.installApp({ installUrl: `${day.app.url}/install` })
  await portal.flushEvents()
  portal.faults.chaos({ seed, rate: 0.2, timeoutMs: APP_TIMEOUT_MS + 500, events: { drop: 0.1, duplicate: 0.1 } })

  let n = 0
  const newLeads = (count: number) => {
    for (let i = 0; i < count; i++) {
      n += 1
      const manager = MANAGERS[n % MANAGERS.length] ?? ANNA
      // Every third one carries a company name the rules fix (LEAD-COMPANY-NAME).
      const fields = n % 3 === 0 ? { TITLE: `Заявка ${n}`, COMPANY_TITLE: `ооо вектор-${n}`, ASSIGNED_BY_ID: manager } : { TITLE: `Заявка ${n}`, ASSIGNED_BY_ID: manager }
      day.leads.push(portal.data.addLead({ ...fields, OPPORTUNITY: 1000 * n }, { byUserId: manager }))
    }
  }
  const changeLeads = (count: number) => {
    for (let i = 0; i < count && day.leads.length > 0; i++) {
      const id = day.leads[pick(0, day.leads.length - 1)] as string
      portal.data.updateLead(id, { COMMENTS: `правка ${pick(1, 1_000_000)}`, OPPORTUNITY: pick(1, 99) * 1000 })
    }
  }
  // Deals without a next step (a clock each) and with one (no clock breaks).
  const newDeals = (count: number) => {
    for (let i = 0; i < count; i++) {
      const manager = MANAGERS[pick(0, MANAGERS.length - 1)] ?? ANNA
      const id = portal.data.addDeal({ TITLE: `Сделка ${day.deals.length + 1}`, ASSIGNED_BY_ID: manager, OPPORTUNITY: 5000 }, { byUserId: manager })
      day.deals.push(id)
      if (i % 2 === 1) {
        portal.data.addActivity({ OWNER_TYPE_ID: 2, OWNER_ID: id, TYPE_ID: 2, SUBJECT: 'Позвонить', COMPLETED: 'N', DIRECTION: 2, RESPONSIBLE_ID: manager,
          DEADLINE: new Date(Date.now() + 86_400_000).toISOString(), COMMUNICATIONS: [{ VALUE: '+79001234567', TYPE: 'PHONE' }] }, { byUserId: manager })
      }
    }
  }

  newLeads(12)
  newDeals(4)
  let deliveryKills = 0
  for (const phase of killPlan(random)) {
    const since = Date.now()
    let trigger = ''
    if (phase === 'intake') {
      // A burst of events; the kill comes after a seeded number of them were answered 200.
      const burst = pick(20, 40)
      newLeads(Math.floor(burst / 3))
      changeLeads(burst - Math.floor(burst / 3))
      newDeals(2)
      const accepted = pick(3, Math.floor(burst / 2))
      trigger = await waitFor(day, () => log.deliveries.filter((d) => d.at >= since && d.status === 200).length >= accepted, 20_000, `${accepted} events answered`)
    } else {
      if (phase === 'batch') changeLeads(pick(5, 15))
      if (phase === 'apply') newLeads(pick(3, 6))
      // A deal without a next step: its clock falls due in 20 s.
      if (phase === 'due') newDeals(1)
      // The head's message ends a delivery: only the last report kill may wait for it.
      const steps = deliveryKills === 2 ? DELIVERY_STEPS.length : DELIVERY_STEPS.length - 1
      const match = phase === 'delivery' ? DELIVERY_STEPS[pick(0, steps - 1)] ?? TRIGGERS.delivery : TRIGGERS[phase]
      if (phase === 'delivery') deliveryKills += 1
      const waitMs = phase === 'delivery' ? 65_000 : 45_000
      trigger = await waitFor(day, () => {
        log.catchUp()
        const call = log.calls.findLast((c) => c.at >= since && match(c))
        return call === undefined ? false : call.method
      }, waitMs, phase)
      await sleep(pick(0, 40))
    }
    await day.app.stop('SIGKILL')
    day.kills.push({ phase, at: Date.now(), trigger })
    day.app = startAppProcess({ port, env })
    day.restarts += 1
    await waitHealthy(day.app, 30_000)
  }
  portal.faults.calm()
  day.calmAt = Date.now()
  return day
}

// Polls until `ready` answers (true or a description); at the timeout the kill still comes, marked as such.
async function waitFor(day: Day, ready: () => boolean | string, timeoutMs: number, what: string): Promise<string> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (day.app.child.exitCode !== null || day.app.child.signalCode !== null) throw new Error(`the app died on its own:\n${day.app.stderr()}`)
    const answer = ready()
    if (answer !== false) return typeof answer === 'string' ? answer : what
    await sleep(2)
  }
  return `${what}: not seen within ${timeoutMs / 1000} s, killed anyway`
}

/** True once a sweep of every kind started after `after` and finished. */
export async function sweptSince(app: AppProcess, memberId: string, after: number): Promise<boolean> {
  const sweeps = (await health(app))?.portals.find((p) => p.memberId === memberId)?.sweeps ?? []
  return sweeps.length > 0 && sweeps.every((s) => s.finishedAt !== null && Date.parse(s.finishedAt) > after && s.error === null)
}
