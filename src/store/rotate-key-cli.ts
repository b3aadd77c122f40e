// npm run rotate-key: re-seals every token at DATABASE_PATH from the current key to NEW_TOKEN_KEY, all or none.
// The current key is the app's own: TOKEN_KEY, or the one derived from B24_CLIENT_SECRET when TOKEN_KEY is unset.
import { existsSync } from 'node:fs'
import { loadConfig, loadNewTokenKey } from '../config.js'
import { AppError, ConfigError } from '../shared/app-error.js'
import { openDatabase } from './db.js'
import { Sealer } from './sealed.js'
import { rotateTokenKey } from './token-sealing.js'

function main(): void {
  const config = loadConfig()
  const newKey = loadNewTokenKey()
  if (config.databasePath === ':memory:' || !existsSync(config.databasePath)) throw new ConfigError(`no database at DATABASE_PATH ${config.databasePath}`)
  const db = openDatabase(config.databasePath)
  try {
    const { resealed } = rotateTokenKey(db, new Sealer(config.tokenKey), new Sealer(newKey))
    process.stdout.write(`rotate-key: ${resealed} tokens in ${config.databasePath} re-sealed under NEW_TOKEN_KEY; start the app with TOKEN_KEY set to it\n`)
  } finally {
    db.close()
  }
}

try {
  main()
} catch (error) {
  // What is wrong (a key, the database) is one line; anything else keeps its stack.
  const message = error instanceof AppError ? error.message : error instanceof Error ? error.stack : String(error)
  process.stderr.write(`rotate-key: ${message}\n`)
  process.exit(1)
}
