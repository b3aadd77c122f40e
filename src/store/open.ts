// Which store the configuration asks for: PostgreSQL when DATABASE_URL is set, else the SQLite file at DATABASE_PATH.
import type { Config } from '../config.js'
import { openStore } from './index.js'
import type { StorePort } from './port.js'
import { openPostgresStore } from './postgres/index.js'

/**
 * Opens the store the configuration names, on the app's clock `now`, its tokens sealed under config.tokenKey; a key the
 * tokens were not sealed under rejects with WrongTokenKeyError before anything is read or written.
 */
export async function openStoreFor(config: Pick<Config, 'databaseUrl' | 'databasePath' | 'tokenKey'>, now: () => Date): Promise<StorePort> {
  if (config.databaseUrl !== undefined) return openPostgresStore({ connectionString: config.databaseUrl }, now, config.tokenKey)
  return openStore(config.databasePath, now, config.tokenKey)
}
