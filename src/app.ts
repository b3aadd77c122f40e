// buildApp: the Fastify server with its routes, from a config and its dependencies.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { eventRoutes } from '../handlers/events.js'
import { failureJson, failureOf } from '../handlers/failure.js'
import { formOnly, registerFormParser } from '../handlers/form.js'
import { healthRoutes } from '../handlers/health.js'
import { robotRoutes } from '../handlers/robots.js'
import { installRoutes } from '../handlers/install.js'
import { appPageRoutes, mainPage } from '../handlers/app-page.js'
import { pageRoutes } from '../handlers/pages.js'
import { reportRoutes } from '../handlers/reports.js'
import { settingsPageRoutes } from '../handlers/settings-page.js'
import { CALLBACK_PATH, loginRoutes, type CodeExchange } from '../handlers/login.js'
import fastifyCookie from '@fastify/cookie'
import fastifyOauth2 from '@fastify/oauth2'
import { LoginStates } from './auth/login-states.js'
import { PageSessions } from './auth/page-sessions.js'
import { randomBytes } from 'node:crypto'
import { PortalClients } from './b24/index.js'
import type { Config } from './config.js'
import { budgetFor, Installer } from './portal/installer.js'
import { createLogger } from './shared/log.js'
import { loadManifest, type Manifest } from './portal/manifest.js'
import { PortalAuth } from './auth/portal-auth.js'
import { projectFile } from './shared/project-files.js'
import { DirectorySync } from './ingest/directory-sync.js'
import { Enforcer } from './enforce/enforcer.js'
import { Hub } from './enforce/hub.js'
import { RulePages } from './queries/pages.js'
import { ClockEngine } from './enforce/clock-engine.js'
import { Executor } from './notify/executor.js'
import { loadRulesFile } from './settings/rule-settings.js'
import { PortalSettings } from './settings/portal-settings.js'
import { loadProductionCalendars } from './settings/calendar-files.js'
import type { ProductionCalendars } from '../rules/calendar/portal-calendar.js'
import type { Store } from './store/index.js'
import { OfflineDrain } from './ingest/offline.js'
import { ReportDelivery } from './reports/delivery.js'
import { Sweeper } from './ingest/sweeper.js'
import { Worker, type ChangeHandler } from './ingest/worker.js'
import { RobotRunner } from './robots/runner.js'
import { systemClock } from './shared/clock.js'

/** What buildApp needs besides the config; tests pass their own. */
export interface AppDeps {
  store: Store
  logger?: Logger
  /** The app's one clock, handed to everything below; the store must have been opened on the same one. Default: the wall clock. */
  now?: () => Date
  manifest?: Manifest
  /** The rules stage: gets every record change inside the transaction that stores it. */
  /** Replaces the rules stage (sync tests watch raw changes). */
  onChange?: ChangeHandler
  /** RULES_FILE's JSON (every portal's settings start from the defaults with it over them); default: read from RULES_FILE. */
  rules?: Record<string, unknown>
  /** Production calendars by country; default: every src/calendars/<country>/<YEAR>/calendar.xml. */
  productionCalendars?: ProductionCalendars
  /** False to run no scheduled jobs (tests drive them by hand). */
  schedule?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The one REST client per portal; background work and tests reach portals through it. */
    clients: PortalClients
    /** Processes the inbox; tests wait on `worker.idle()`. */
    worker: Worker
    /** Finds changes whose event never came; `sweeper.sweep(memberId)` runs one now. */
    sweeper: Sweeper
    /** Drains portals' offline event queues; `offline.drain(memberId)` runs one now. */
    offline: OfflineDrain
    /** Sends planned notifications, fixes and comments; tests wait on `executor.idle()`. */
    executor: Executor
    /** The portal's users and departments, for supervisors. */
    directorySync: DirectorySync
    /** Each portal's settings (RULES_FILE's, and its own from the settings page) and business calendar. */
    portalSettings: PortalSettings
    /** The deadline clocks; tests that move the app's clock call `clocks.runDue()`. */
    clocks: ClockEngine
    /** The scheduled reports to the heads' Disk; tests that move the app's clock call `reportDelivery.runDue()`. */
    reportDelivery: ReportDelivery
    /** Decides the stored robot calls; tests wait on `robots.idle()`. */
    robots: RobotRunner
  }
}

const require = createRequire(import.meta.url)

/** The app's version, from package.json. */
export const APP_VERSION: string = JSON.parse(readFileSync(projectFile('package.json'), 'utf8')).version

/** Builds the server; nothing listens until the caller says so. */
export async function buildApp(config: Readonly<Config>, deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? systemClock
  const logger = deps.logger ?? createLogger(config.logLevel)
  const manifest = deps.manifest ?? loadManifest()
  const { store } = deps
  const clients = new PortalClients(
    (memberId) => {
      const portal = store.sync.portals.get(memberId)
      if (!portal || portal.status === 'uninstalled') return undefined
      return { ...portal, budget: budgetFor(portal.licenseFamily), authConnector: store.sync.offlineQueues.writeConnector(memberId) }
    },
    { clientId: config.clientId, clientSecret: config.clientSecret, oauthUrl: config.oauthUrl, allowedHosts: config.allowedHosts, timeoutMs: config.timeoutMs, logger, keeper: store.portals, now },
  )
  const source = config.rulesFile ? `RULES_FILE ${config.rulesFile}` : 'RULES_FILE'
  const settings = new PortalSettings({ store, rulesFile: deps.rules ?? loadRulesFile(config.rulesFile), production: deps.productionCalendars ?? loadProductionCalendars(), source })
  const retry = { maxAttempts: config.workerMaxAttempts, retryBaseMs: config.workerRetryBaseMs }
  const directorySync = new DirectorySync({ store, clients, logger, now })
  const executor = new Executor({ store, clients, logger, now, ...retry })
  // The hub: once a plan has committed, the outbox sends, the clock timer re-arms, the directory learns a new user.
  const hub = new Hub((error) => logger.error({ err: error }, 'a hub listener failed'))
  const enforcer = new Enforcer({ store, settings, logger, now, hub })
  const rules = new RulePages({ store, loader: enforcer.loader, enforcer, hub, now })
  const worker = new Worker({ store, clients, logger, now, onChange: deps.onChange ?? enforcer.onChange, hub, ...retry, wave: config.workerWave })
  const clocks = new ClockEngine({ store, enforcer, worker, now })
  const robots = new RobotRunner({ store, clients, logger, now, enforcer, hub, directory: (memberId) => directorySync.ensureFresh(memberId), ...retry })
  hub.on('actions.planned', ({ memberId }) => executor.wake(memberId))
  hub.on('clocks.changed', () => clocks.reschedule())
  hub.on('user.unknown', ({ memberId, userId }) => void directorySync.onMiss(memberId, userId).catch(() => undefined))
  const sweeper = new Sweeper({ store, clients, worker, logger, settings, now, prepare: (memberId) => directorySync.ensureFresh(memberId) })
  const offline = new OfflineDrain({ store, clients, worker, logger, now })
  const reportDelivery = new ReportDelivery({ store, clients, settings, logger, now, timeoutMs: config.timeoutMs, directory: (memberId) => directorySync.ensureFresh(memberId) })
  // The first sweep after an install fills the mirror with the portal's open records and its recent history; the first drain takes what the offline queue holds.
  const onInstalled = (memberId: string) => {
    void sweeper.sweep(memberId).catch(() => undefined)
    void offline.drain(memberId).catch(() => undefined)
  }
  const auth = new PortalAuth({ config, store, logger, now })
  const installer = new Installer({ config, store, clients, auth, manifest, logger, now, onInstalled })

  // A request id unique across restarts: every log line of a request carries it (reqId), a failed page shows it.
  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 1024 * 1024, trustProxy: true, genReqId: () => randomBytes(5).toString('hex') })
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` })
  })
  app.decorate('clients', clients)
  app.decorate('worker', worker)
  app.decorate('sweeper', sweeper)
  app.decorate('offline', offline)
  app.decorate('executor', executor)
  app.decorate('directorySync', directorySync)
  app.decorate('portalSettings', settings)
  app.decorate('clocks', clocks)
  app.decorate('reportDelivery', reportDelivery)
  app.decorate('robots', robots)
  app.addHook('onReady', async () => {
    executor.start()
    clocks.start()
    worker.start()
    robots.start()
    if (deps.schedule !== false) sweeper.schedule(config.sweepCron)
    if (deps.schedule !== false && config.offlineEvents === 'on') offline.schedule(config.offlineDrainCron)
    if (deps.schedule !== false) reportDelivery.start()
  })
  app.addHook('onClose', async () => {
    await reportDelivery.stop()
    await offline.stop()
    await sweeper.stop()
    await worker.stop()
    await robots.stop()
    await clocks.stop()
    await executor.stop()
  })
  await registerFormParser(app)
  app.register(async (portalFacing) => {
    portalFacing.addHook('preHandler', formOnly)
    installRoutes(portalFacing, installer)
    eventRoutes(portalFacing, { store, installer, auth, worker, offline, now })
    robotRoutes(portalFacing, { store, auth, runner: robots })
  })
  healthRoutes(app, { store, version: APP_VERSION, now, token: config.healthzToken })
  // Without a client secret no portal can install the app; the sessions then sign with a key of this run only.
  const sessions = new PageSessions(config.clientSecret || randomBytes(32).toString('hex'), now)
  pageRoutes(app, { store, auth, sessions, rules, worker, settings, now })
  settingsPageRoutes(app, { store, sessions, settings, rules, now })
  reportRoutes(app, { store, sessions, settings, rules, now })
  await app.register(fastifyCookie)
  const exchange = config.clientId !== '' && config.clientSecret !== '' ? await bitrix24OAuth(app, config) : undefined
  const states = config.clientSecret !== '' ? new LoginStates(config.clientSecret, now) : undefined
  loginRoutes(app, { config, store, auth, sessions, states, exchange, directorySync, mainPage: (portal, who, lang, banner) => mainPage(appPage, portal, who, lang, banner) })
  const appPage = { store, auth, sessions, rules, settings, now }
  appPageRoutes(app, appPage)
  const sdkBrowserBuild = join(dirname(require.resolve('@bitrix24/b24jssdk/package.json')), 'dist/umd/index.min.js')
  app.get('/assets/b24jssdk.js', async (_request, reply) => {
    reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400')
    return readFileSync(sdkBrowserBuild)
  })
  return app
}

/**
 * @fastify/oauth2 for the code exchange of the login outside the portal: its simple-oauth2 client POSTs the form
 * Bitrix24's token server takes (credentials in the body, no token_type expected). Each portal has its own authorize
 * page and its region its own OAuth server, so the login builds the authorize URL itself and hands every exchange the
 * portal's OAuth server (baseUrl); the tokenHost here is only a default. `redirects: 0`: Wreck refuses any redirect, unread.
 */
async function bitrix24OAuth(app: FastifyInstance, config: Readonly<Config>): Promise<CodeExchange> {
  const defaultServer = config.oauthUrl ?? 'https://oauth.bitrix.info'
  await app.register(fastifyOauth2, {
    name: 'bitrix24OAuth',
    scope: [],
    credentials: {
      client: { id: config.clientId, secret: config.clientSecret },
      auth: { authorizeHost: defaultServer, authorizePath: '/oauth/authorize/', tokenHost: defaultServer, tokenPath: '/oauth/token/' },
      options: { authorizationMethod: 'body', bodyFormat: 'form' },
      http: { redirects: 0, timeout: config.timeoutMs },
    },
    callbackUri: `${config.publicUrl}${CALLBACK_PATH}`,
  })
  return (app as unknown as { bitrix24OAuth: { oauth2: CodeExchange } }).bitrix24OAuth.oauth2
}

// One error handler (handlers/failure.ts decides): 4xx says what was wrong with the input, 5xx says nothing internal.
function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const failure = failureOf(error, request)
  return reply.code(failure.status).send(failureJson(failure))
}
