// npm run rotate-key: re-seals every token of the store (PostgreSQL at DATABASE_URL, else the SQLite file at
// DATABASE_PATH) from the current key to NEW_TOKEN_KEY, all or none.
// The current key is the app's own: TOKEN_KEY, or the one derived from B24_CLIENT_SECRET when TOKEN_KEY is unset.
import { existsSync } from 'node:fs'
import { loadConfig, loadNewTokenKey } from '../config.js'
import { AppError, ConfigError } from '../shared/app-error.js'
import { openDatabase } from './db.js'
import { migratePostgres } from './postgres/migrate.js'
import { openPool } from './postgres/sql.js'
import { rotateTokenKeyPg } from './postgres/token-sealing.js'
import { Sealer } from './sealed.js'
import { rotateTokenKey } from './token-sealing.js'

const DONE = 're-sealed under NEW_TOKEN_KEY; start the app with TOKEN_KEY set to it'

async function main(): Promise<void> {
  const config = loadConfig()
  const newKey = loadNewTokenKey()
  if (config.databaseUrl !== undefined) {
    const pool = openPool({ connectionString: config.databaseUrl, max: 1 })
    try {
      await migratePostgres(pool)
      const { resealed } = await rotateTokenKeyPg(pool, new Sealer(config.tokenKey), new Sealer(newKey))
      process.stdout.write(`rotate-key: ${resealed} tokens in the PostgreSQL store at DATABASE_URL ${DONE}\n`)
    } finally {
      await pool.end()
    }
    return
  }
  if (config.databasePath === ':memory:' || !existsSync(config.databasePath)) throw new ConfigError(`no database at DATABASE_PATH ${config.databasePath}`)
  const db = openDatabase(config.databasePath)
  try {
    const { resealed } = rotateTokenKey(db, new Sealer(config.tokenKey), new Sealer(newKey))
    process.stdout.write(`rotate-key: ${resealed} tokens in ${config.databasePath} ${DONE}\n`)
  } finally {
    db.close()
  }
}

main().catch((error: unknown) => {
  // What is wrong (a key, the database) is one line; anything else keeps its stack.
  const message = error instanceof AppError ? error.message : error instanceof Error ? error.stack : String(error)
  process.stderr.write(`rotate-key: ${message}\n`)
  process.exit(1)
})
