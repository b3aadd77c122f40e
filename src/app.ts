// buildApp: the Fastify server with its routes, from a config and its dependencies.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { eventRoutes } from '../handlers/events.js'
import { formOnly, registerFormParser } from '../handlers/form.js'
import { healthRoutes } from '../handlers/health.js'
import { installRoutes } from '../handlers/install.js'
import { PortalClients } from './b24/index.js'
import type { Config } from './config.js'
import { AppError } from './errors.js'
import { budgetFor, Installer } from './installer.js'
import { createLogger } from './log.js'
import { loadManifest, type Manifest } from './manifest.js'
import type { Store } from './store/index.js'
import { Sweeper } from './sync/sweeper.js'
import { Worker, type ChangeHandler } from './sync/worker.js'

/** What buildApp needs besides the config; tests pass their own. */
export interface AppDeps {
  store: Store
  logger?: Logger
  now?: () => Date
  manifest?: Manifest
  /** The rules stage: gets every record change inside the transaction that stores it. */
  onChange?: ChangeHandler
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
  }
}

const require = createRequire(import.meta.url)

/** The app's version, from package.json. */
export const APP_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version

/** Builds the server; nothing listens until the caller says so. */
export async function buildApp(config: Readonly<Config>, deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date())
  const logger = deps.logger ?? createLogger(config.logLevel)
  const manifest = deps.manifest ?? loadManifest()
  const { store } = deps
  const clients = new PortalClients(
    (memberId) => {
      const portal = store.portals.get(memberId)
      if (!portal || portal.status === 'uninstalled') return undefined
      return { ...portal, budget: budgetFor(portal.licenseFamily) }
    },
    { clientId: config.clientId, clientSecret: config.clientSecret, oauthUrl: config.oauthUrl, timeoutMs: config.timeoutMs, logger, keeper: store.portals },
  )
  const worker = new Worker({ store, clients, logger, now, onChange: deps.onChange, maxAttempts: config.workerMaxAttempts, retryBaseMs: config.workerRetryBaseMs })
  const sweeper = new Sweeper({ store, clients, worker, logger, now })
  // The first sweep after an install fills the mirror with the portal's open records.
  const onInstalled = (memberId: string) => void sweeper.sweep(memberId).catch(() => undefined)
  const installer = new Installer({ config, store, clients, manifest, logger, now, onInstalled })

  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 1024 * 1024, trustProxy: true })
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` })
  })
  app.decorate('clients', clients)
  app.decorate('worker', worker)
  app.decorate('sweeper', sweeper)
  app.addHook('onReady', async () => {
    worker.start()
    if (deps.schedule !== false) sweeper.schedule(config.sweepCron)
  })
  app.addHook('onClose', async () => {
    await sweeper.stop()
    await worker.stop()
  })
  await registerFormParser(app)
  app.register(async (portalFacing) => {
    portalFacing.addHook('preHandler', formOnly)
    installRoutes(portalFacing, installer)
    eventRoutes(portalFacing, { store, installer, worker })
  })
  healthRoutes(app, { store, version: APP_VERSION, now })
  const sdkBrowserBuild = join(dirname(require.resolve('@bitrix24/b24jssdk/package.json')), 'dist/umd/index.min.js')
  app.get('/assets/b24jssdk.js', async (_request, reply) => {
    reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400')
    return readFileSync(sdkBrowserBuild)
  })
  return app
}

// One error handler: 4xx says what was wrong with the input, 5xx says nothing internal.
function errorHandler(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error.statusCode >= 500) request.log.error({ err: error }, error.message)
    else request.log.warn({ code: error.code }, error.message)
    const message = error.statusCode === 500 ? 'Internal error' : error.message
    return reply.code(error.statusCode).send({ status: 'error', error: error.code, message })
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500
  if (status < 500) {
    request.log.warn({ code: error.code }, error.message)
    return reply.code(status).send({ status: 'error', error: error.code ?? 'BAD_REQUEST', message: error.message })
  }
  request.log.error({ err: error }, 'unhandled error')
  return reply.code(500).send({ status: 'error', error: 'INTERNAL_ERROR', message: 'Internal error' })
}
