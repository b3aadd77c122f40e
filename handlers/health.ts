// GET /healthz: each portal's token state and the app's version; never a secret.
import type { FastifyInstance } from 'fastify'
import type { Store } from '../src/store/index.js'

/** Registers GET /healthz. */
export function healthRoutes(app: FastifyInstance, deps: { store: Store; version: string; now: () => Date }): void {
  app.get('/healthz', async () => {
    const nowSeconds = Math.floor(deps.now().getTime() / 1000)
    const portals = deps.store.portals.all().map((portal) => ({
      domain: portal.domain,
      memberId: portal.memberId,
      status: portal.status,
      reason: portal.statusReason,
      token: tokenState(portal.status, portal.expiresAt, nowSeconds),
      license: portal.licenseFamily,
      installedAt: portal.installedAt,
      updatedAt: portal.updatedAt,
      inbox: inboxHealth(deps.store, portal.memberId, nowSeconds),
      mirror: { records: deps.store.mirror.count(portal.memberId) },
      actions: deps.store.actions.stats(portal.memberId),
      sweeps: deps.store.sweeps.all(portal.memberId),
      offline: offlineHealth(deps.store, portal.memberId),
    }))
    const healthy = portals.every((portal) => portal.status !== 'needs_reauth' && portal.inbox.parked === 0)
    return { status: healthy ? 'ok' : 'degraded', version: deps.version, portals }
  })
}

function tokenState(status: string, expiresAt: number, nowSeconds: number): string {
  if (status === 'uninstalled') return 'revoked'
  if (status === 'needs_reauth') return 'needs re-authorisation'
  // An expired access token is normal: the next call refreshes it.
  return expiresAt > nowSeconds ? 'valid' : 'expired, refreshes on next call'
}

// Whether the portal's offline events are on ('active'), refused by its plan ('unavailable') or not asked for ('off').
function offlineHealth(store: Store, memberId: string) {
  const queue = store.offlineQueues.get(memberId)
  if (!queue) return { mode: 'off' }
  return {
    mode: queue.mode,
    authConnector: queue.authConnector,
    checkedAt: queue.checkedAt,
    drainedAt: queue.drainedAt,
    drained: queue.drained,
    unmapped: queue.unmapped,
    error: queue.error,
  }
}

function inboxHealth(store: Store, memberId: string, nowSeconds: number) {
  const stats = store.inbox.stats(memberId)
  const oldest = stats.oldestPendingAt ? Math.max(0, nowSeconds - Math.floor(Date.parse(stats.oldestPendingAt) / 1000)) : null
  return { pending: stats.pending, oldestPendingAgeSeconds: oldest, parked: stats.parked, parkedWork: store.inbox.parked(memberId, 10) }
}
