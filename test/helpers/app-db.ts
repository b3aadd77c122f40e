// The running app process's SQLite file as the tests see it beside it: a read-only look, and "everything settled".
import { systemClock } from '../../src/shared/clock.js'
import { deriveTokenKey } from '../../src/shared/token-key.js'
import { openStore, type Store } from '../../src/store/index.js'
import { health, waitDrained, type AppProcess } from '../bench/app-process.js'
import type { FakePortal } from '../fake-portal/index.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Opens the app's SQLite file beside the running app (WAL lets a second connection read) under the app's token key; this only reads. */
export function inspect<T>(databasePath: string, tokenKey: Buffer, look: (store: Store) => T): T {
  const store = openStore(databasePath, systemClock, tokenKey)
  try {
    return look(store)
  } finally {
    store.close()
  }
}

/** Nothing queued in the portal, nothing pending in the inbox, nothing left in the outbox (its sends cause more events). */
export async function settled(app: AppProcess, portal: FakePortal, databasePath: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    await waitDrained(app, portal, deadline - Date.now())
    const delivered = portal.deliveries.length
    const unsent = inspect(databasePath, deriveTokenKey(portal.clientSecret), (store) =>
      store.sync.actions.inState(portal.memberId, 'pending').length + store.sync.actions.inState(portal.memberId, 'sending').length)
    await portal.flushEvents()
    const pending = (await health(app))?.portals.find((p) => p.memberId === portal.memberId)?.inbox.pending
    if (unsent === 0 && pending === 0 && portal.deliveries.length === delivered) return
    await sleep(100)
  }
  throw new Error(`the app did not settle:\n${app.stderr()}`)
}
