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
    }))
    const healthy = portals.every((portal) => portal.status !== 'needs_reauth')
    return { status: healthy ? 'ok' : 'degraded', version: deps.version, portals }
  })
}

function tokenState(status: string, expiresAt: number, nowSeconds: number): string {
  if (status === 'uninstalled') return 'revoked'
  if (status === 'needs_reauth') return 'needs re-authorisation'
  // An expired access token is normal: the next call refreshes it.
  return expiresAt > nowSeconds ? 'valid' : 'expired, refreshes on next call'
}
