// buildApp: the Fastify server with its routes, from a config and its dependencies.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { eventRoutes } from '../handlers/events.js'
import { failureJson, failureOf } from '../handlers/failure.js'
import { formOnly, registerFormParser } from '../handlers/form.js'
import { healthRoutes, type Instance } from '../handlers/health.js'
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
import { hostname } from 'node:os'
import type { Config } from './config.js'
import { createLogger } from './shared/log.js'
import { loadManifest, type Manifest } from './portal/manifest.js'
import { projectFile } from './shared/project-files.js'
import { systemClock } from './shared/clock.js'
import { buildServices, startServices, stopServices, type ServiceDeps, type Services } from './services.js'

/** What buildApp needs besides the config; tests pass their own. */
export interface AppDeps extends Omit<ServiceDeps, 'now' | 'logger' | 'manifest'> {
  logger?: Logger
  /** The app's one clock, handed to everything below; the store must have been opened on the same one. Default: the wall clock. */
  now?: () => Date
  manifest?: Manifest
  /** False to run no scheduled jobs (tests drive them by hand). */
  schedule?: boolean
}

// The services tests and scripts reach on the app (app.worker, app.clocks, …).
const DECORATED = ['clients', 'worker', 'sweeper', 'offline', 'executor', 'directorySync', 'portalSettings', 'clocks', 'reportDelivery', 'robots', 'engine'] as const
type Decorated = Pick<Services, (typeof DECORATED)[number]>

declare module 'fastify' {
  interface FastifyInstance extends Decorated {
    /** This process: its id, and whether it takes requests (main.ts turns it to 'stopping' first on a signal). */
    instance: Instance
  }
}

const require = createRequire(import.meta.url)

/** The app's version, from package.json. */
export const APP_VERSION: string = JSON.parse(readFileSync(projectFile('package.json'), 'utf8')).version

/** Builds the server; nothing listens until the caller says so. */
export async function buildApp(config: Readonly<Config>, deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? systemClock
  const logger = deps.logger ?? createLogger(config.logLevel)
  const { store } = deps
  const services = buildServices(config, { ...deps, now, logger, manifest: deps.manifest ?? loadManifest() })
  const { auth, worker, rules, portalSettings: settings, directorySync, engine } = services

  // A request id unique across restarts: every log line of a request carries it (reqId), a failed page shows it.
  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 1024 * 1024, trustProxy: true, genReqId: () => randomBytes(5).toString('hex') })
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` })
  })
  for (const name of DECORATED) app.decorate(name, services[name] as never)
  const instance: Instance = {
    id: `${hostname()}:${process.pid}`, startedAt: now().toISOString(), readiness: { state: 'starting' },
    working: () => ({ worker: services.worker.working, outbox: services.executor.working }),
    jobs: engine ? () => engine.status() : undefined,
  }
  app.decorate('instance', instance)
  app.addHook('onReady', async () => {
    await startServices(services, config, deps.schedule !== false)
    if (instance.readiness.state === 'starting') instance.readiness.state = 'ready'
  })
  app.addHook('preClose', async () => { instance.readiness.state = 'stopping' })
  app.addHook('onClose', () => stopServices(services))

  // The routes. What the portal posts (installs, events, robot calls) takes form bodies only.
  await registerFormParser(app)
  app.register(async (portalFacing) => {
    portalFacing.addHook('preHandler', formOnly)
    installRoutes(portalFacing, services.installer)
    eventRoutes(portalFacing, { store, installer: services.installer, auth, worker, offline: services.offline, now })
    robotRoutes(portalFacing, { store, auth, runner: services.robots })
  })
  healthRoutes(app, { store, version: APP_VERSION, now, token: config.healthzToken, instance })
  // Pages in the portal's frame: the card tabs, the settings, the reports. Without a client secret no portal can
  // install the app; the sessions then sign with a key of this run only.
  const sessions = new PageSessions(config.clientSecret || randomBytes(32).toString('hex'), now)
  pageRoutes(app, { store, auth, sessions, rules, worker, settings, now })
  settingsPageRoutes(app, { store, sessions, settings, rules, now })
  reportRoutes(app, { store, sessions, settings, rules, now })
  // The app's own page, in the portal or outside it after a login through the portal's OAuth.
  await app.register(fastifyCookie)
  const exchange = config.clientId !== '' && config.clientSecret !== '' ? await bitrix24OAuth(app, config) : undefined
  const states = config.clientSecret !== '' ? new LoginStates(config.clientSecret, store, now) : undefined
  const appPage = { store, auth, sessions, rules, settings, now }
  loginRoutes(app, { config, store, auth, sessions, states, exchange, directorySync, mainPage: (portal, who, lang, banner) => mainPage(appPage, portal, who, lang, banner) })
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
