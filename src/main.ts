// npm start: read the environment, open the store, listen.
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { AppError, ConfigError } from './shared/app-error.js'
import { createLogger } from './shared/log.js'
import { engineRunsOn } from './jobs/engine.js'
import { systemClock } from './shared/clock.js'
import { openStoreFor } from './store/open.js'

const JOBS_SCHEMA = 'pgboss'

async function main(): Promise<void> {
  const config = loadConfig()
  const logger = createLogger(config.logLevel)
  if (!config.clientId || !config.clientSecret) {
    logger.warn('B24_CLIENT_ID / B24_CLIENT_SECRET are not set: portals cannot install the app until they are')
  }
  if (!config.publicUrl.startsWith('https://')) {
    logger.warn({ publicUrl: config.publicUrl }, 'PUBLIC_URL is not https: Bitrix24 portals only call https handlers')
  }
  if (config.tokenKeySource === 'B24_CLIENT_SECRET') {
    logger.info('tokens are sealed at rest under a key derived from B24_CLIENT_SECRET; set TOKEN_KEY to keep them apart from it')
  }
  if (config.databaseUrl !== undefined && !engineRunsOn()) {
    throw new ConfigError(`DATABASE_URL: on PostgreSQL the instances share the work through pg-boss, which needs Node 22.12 or newer; this is Node ${process.versions.node} (without DATABASE_URL the app runs on SQLite on Node 20)`)
  }
  // One clock for the whole app: the store, the worker, the outbox and the clock engine.
  const now = systemClock
  // PostgreSQL when DATABASE_URL is set, else the SQLite file at DATABASE_PATH. Before anything is read or written: a
  // wrong TOKEN_KEY stops here with one line (WrongTokenKeyError).
  const store = await openStoreFor(config, now)
  // On PostgreSQL several instances share the work through the job engine, its tables in a schema of their own.
  const jobs = config.databaseUrl === undefined ? undefined : { connectionString: config.databaseUrl, schema: JOBS_SCHEMA }
  const app = await buildApp(config, { store, logger, now, jobs })
  const stop = async (signal: string) => {
    // /readyz answers 503 from here: a load balancer stops sending before the server stops taking requests.
    app.instance.readiness.state = 'stopping'
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'stopping')
    await new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs))
    await app.close()
    await store.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  await app.listen({ port: config.port, host: config.host })
}

main().catch((error: unknown) => {
  // A bad configuration is one line naming the variable, not a stack trace.
  const message = error instanceof AppError ? error.message : error instanceof Error ? error.stack : String(error)
  process.stderr.write(`${message}\n`)
  process.exit(1)
})
