// The app's parts, built in one place over one store and one clock, wired by the hub, started and stopped together.
import type { Logger } from 'pino'
import type { ProductionCalendars } from '../rules/calendar/portal-calendar.js'
import { PortalAuth } from './auth/portal-auth.js'
import { PortalClients } from './b24/index.js'
import type { Config } from './config.js'
import { ClockEngine } from './enforce/clock-engine.js'
import { Enforcer } from './enforce/enforcer.js'
import { Hub } from './enforce/hub.js'
import { DirectorySync } from './ingest/directory-sync.js'
import { OfflineDrain } from './ingest/offline.js'
import { Sweeper } from './ingest/sweeper.js'
import { Worker, type ChangeHandler } from './ingest/worker.js'
import { JobEngine, type EngineWork, type JobTarget } from './jobs/engine.js'
import { Executor } from './notify/executor.js'
import { budgetFor, Installer } from './portal/installer.js'
import type { Manifest } from './portal/manifest.js'
import { RulePages } from './queries/pages.js'
import { ReportDelivery } from './reports/delivery.js'
import { RobotRunner } from './robots/runner.js'
import { loadProductionCalendars } from './settings/calendar-files.js'
import { PortalSettings } from './settings/portal-settings.js'
import { loadRulesFile } from './settings/rule-settings.js'
import type { StorePort } from './store/port.js'

/** What the services are built from: the store, the app's one clock, its logger and manifest, and what tests replace. */
export interface ServiceDeps {
  store: StorePort
  now: () => Date
  logger: Logger
  manifest: Manifest
  /** Replaces the rules stage (sync tests watch raw changes). */
  onChange?: ChangeHandler | undefined
  /** RULES_FILE's JSON; default: read from RULES_FILE. */
  rules?: Record<string, unknown> | undefined
  /** Production calendars by country; default: every src/calendars/<country>/<YEAR>/calendar.xml. */
  productionCalendars?: ProductionCalendars | undefined
  /** Several instances on PostgreSQL: where the job engine keeps the shared work (none: this process does all of it). */
  jobs?: JobTarget | undefined
}

/** Every part of the app that routes and tests reach. */
export interface Services {
  /** The one REST client per portal; background work and tests reach portals through it. */
  clients: PortalClients
  /** Each portal's settings (RULES_FILE's, and its own from the settings page) and business calendar. */
  portalSettings: PortalSettings
  /** The portal's users and departments, for supervisors. */
  directorySync: DirectorySync
  /** Sends planned notifications, fixes and comments; tests wait on `executor.idle()`. */
  executor: Executor
  /** Processes the inbox; tests wait on `worker.idle()`. */
  worker: Worker
  /** The deadline clocks; tests that move the app's clock call `clocks.runDue()`. */
  clocks: ClockEngine
  /** Decides the stored robot calls; tests wait on `robots.idle()`. */
  robots: RobotRunner
  /** Finds changes whose event never came; `sweeper.sweep(memberId)` runs one now. */
  sweeper: Sweeper
  /** Drains portals' offline event queues; `offline.drain(memberId)` runs one now. */
  offline: OfflineDrain
  /** The scheduled reports to the heads' Disk; tests that move the app's clock call `reportDelivery.runDue()`. */
  reportDelivery: ReportDelivery
  /** What the pages ask of the rules (a record's status, a re-check, an excuse, what settings would flag). */
  rules: RulePages
  /** Who may post events and robot calls and open pages: the portal's tokens checked. */
  auth: PortalAuth
  /** Installs, updates and uninstalls portals. */
  installer: Installer
  /** Several instances: the job engine that shares the work among them. */
  engine: JobEngine | undefined
}

/** Builds every part over `deps.store` and `deps.now`, and wires them through the hub. */
export function buildServices(config: Readonly<Config>, deps: ServiceDeps): Services {
  const { store, now, logger, manifest } = deps
  const clients = new PortalClients(
    async (memberId) => {
      const portal = await store.portals.get(memberId)
      if (!portal || portal.status === 'uninstalled') return undefined
      return { ...portal, budget: budgetFor(portal.licenseFamily), authConnector: await store.offlineQueues.writeConnector(memberId) }
    },
    { clientId: config.clientId, clientSecret: config.clientSecret, oauthUrl: config.oauthUrl, allowedHosts: config.allowedHosts, timeoutMs: config.timeoutMs, logger, keeper: store.portals, now,
      sharedBudget: store.sharedByInstances ? store.restBudgets : undefined },
  )
  const source = config.rulesFile ? `RULES_FILE ${config.rulesFile}` : 'RULES_FILE'
  const settings = new PortalSettings({ store, rulesFile: deps.rules ?? loadRulesFile(config.rulesFile), production: deps.productionCalendars ?? loadProductionCalendars(), source })
  const retry = { maxAttempts: config.workerMaxAttempts, retryBaseMs: config.workerRetryBaseMs }
  const directorySync = new DirectorySync({ store, clients, logger, now })
  const directory = (memberId: string) => directorySync.ensureFresh(memberId)
  // With several instances a portal's lanes run only where the engine gives its job (their place); else all run here.
  const engine = deps.jobs ? new JobEngine(deps.jobs, logger) : undefined
  // A transaction that leaves a portal work writes the portal's job with it (once the engine has started).
  if (engine) store.askWorkWithin?.(engine.askWithin)
  const executor = new Executor({ store, clients, logger, now, ...retry, place: engine })
  // The hub: once a plan has committed, the outbox sends, the clock timer re-arms, the directory learns a new user.
  const hub = new Hub((error) => logger.error({ err: error }, 'a hub listener failed'))
  const enforcer = new Enforcer({ store, settings, logger, now, hub })
  const rules = new RulePages({ store, loader: enforcer.loader, enforcer, hub, now })
  const worker = new Worker({ store, clients, logger, now, onChange: deps.onChange ?? enforcer.onChange, hub, ...retry, wave: config.workerWave, place: engine })
  const clocks = new ClockEngine({ store, enforcer, worker, now, shared: engine })
  const robots = new RobotRunner({ store, clients, logger, now, enforcer, hub, directory, ...retry, place: engine })
  hub.on('actions.planned', ({ memberId }) => executor.wake(memberId))
  hub.on('clocks.changed', () => clocks.reschedule())
  hub.on('user.unknown', ({ memberId, userId }) => void directorySync.onMiss(memberId, userId).catch(() => undefined))
  const sweeper = new Sweeper({ store, clients, worker, logger, settings, now, prepare: directory })
  const offline = new OfflineDrain({ store, clients, worker, logger, now })
  const reportDelivery = new ReportDelivery({ store, clients, settings, logger, now, timeoutMs: config.timeoutMs, directory })
  // The first sweep after an install fills the mirror with the portal's open records and its recent history; the first drain takes what the offline queue holds.
  const onInstalled = (memberId: string) => {
    void sweeper.sweep(memberId).catch(() => undefined)
    void offline.drain(memberId).catch(() => undefined)
  }
  const auth = new PortalAuth({ config, store, logger, now })
  const installer = new Installer({ config, store, clients, auth, manifest, logger, now, onInstalled })
  return { clients, portalSettings: settings, directorySync, executor, worker, clocks, robots, sweeper, offline, reportDelivery, rules, auth, installer, engine }
}

/** Starts the background work: the outbox, the clocks, the worker, the robots, and (with `schedule`) the timed jobs. */
export async function startServices(services: Services, config: Readonly<Config>, schedule: boolean): Promise<void> {
  const { engine } = services
  if (engine) await engine.start(sharedWork(services, config, schedule))
  await services.executor.start()
  services.clocks.start()
  services.worker.start()
  services.robots.start()
  if (!schedule || engine) return
  services.sweeper.schedule(config.sweepCron)
  if (config.offlineEvents === 'on') services.offline.schedule(config.offlineDrainCron)
  services.reportDelivery.start()
}

// The work the job engine shares among the instances: a portal's lanes (the inbox, the robot calls, the outbox, in one
// job per portal), the clocks' round, and the timed jobs, each fired once across the instances.
function sharedWork(services: Services, config: Readonly<Config>, schedule: boolean): EngineWork {
  const { worker, robots, executor, clocks, sweeper, offline, reportDelivery } = services
  const lanes = [worker, robots, executor]
  const crons = [
    // A wake-up lost with an instance (after its commit, before its job was asked for) is found within a minute.
    { name: 'look-for-work', cron: '* * * * *', run: async () => lanes.forEach((lane) => lane.lookForWork()) },
    { name: 'sweep', cron: config.sweepCron, run: () => sweeper.sweepAll() },
    { name: 'reports', cron: '* * * * *', run: () => reportDelivery.runDue() },
    ...(config.offlineEvents === 'on' ? [{ name: 'offline-drain', cron: config.offlineDrainCron, run: () => offline.drainAll() }] : []),
  ]
  return {
    // What an instance that died while holding the portal was sending is sent again (looked for first, never twice).
    take: (memberId) => executor.recover(memberId),
    portal: async (memberId) => {
      await Promise.all(lanes.map((lane) => lane.runHere(memberId)))
      // A burst still settling keeps the portal's job here until its wave is due: the events meanwhile only join the
      // wave, and their transactions find the portal's next job already asked for, instead of one job after another.
      await worker.settled(memberId)
    },
    busy: (memberId) => lanes.some((lane) => lane.working.includes(memberId)),
    clocks: (memberId) => clocks.runDue(memberId),
    crons,
    schedule,
  }
}

/** Stops the background work, the timed jobs first, the outbox last (what the others planned still goes out). */
export async function stopServices(services: Services): Promise<void> {
  await services.engine?.stopTaking()
  await services.reportDelivery.stop()
  await services.offline.stop()
  await services.sweeper.stop()
  await services.worker.stop()
  await services.robots.stop()
  await services.clocks.stop()
  await services.executor.stop()
  await services.engine?.stop()
}
