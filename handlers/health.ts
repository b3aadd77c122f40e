// GET /healthz: the app's state for anyone, each portal's details for the holder of HEALTHZ_TOKEN; never a secret.
// GET /readyz: whether this instance takes requests now, for a load balancer.
import type { FastifyInstance } from 'fastify'
import { UnauthorizedError } from '../src/shared/app-error.js'
import { sameSecret } from '../src/auth/secrets.js'
import type { StorePort } from '../src/store/port.js'
import type { EngineStatus } from '../src/jobs/engine.js'

/**
 * Registers GET /healthz: anyone gets the app's state and totals; the per-portal details (domains, member_ids,
 * errors) only with `Authorization: Bearer <HEALTHZ_TOKEN>`, and never when no such token is configured.
 */
export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/readyz', async (_request, reply) => {
    const state = deps.instance.readiness.state
    if (state !== 'ready') return reply.code(503).send({ status: state })
    try {
      await deps.store.ping()
    } catch {
      return reply.code(503).send({ status: 'store unavailable' })
    }
    return { status: 'ready' }
  })

  app.get('/healthz', async (request) => {
    const given = bearerOf(request.headers.authorization)
    if (given !== undefined && (deps.token === undefined || !sameSecret(given, deps.token))) {
      throw new UnauthorizedError('Wrong or unknown /healthz token (HEALTHZ_TOKEN)', 'INVALID_HEALTHZ_TOKEN')
    }
    const nowSeconds = Math.floor(deps.now().getTime() / 1000)
    const portals = await Promise.all((await deps.store.portals.all()).map(async (portal) => ({
      domain: portal.domain,
      memberId: portal.memberId,
      status: portal.status,
      reason: portal.statusReason,
      installation: portal.status !== 'uninstalled' && portal.applicationToken === '' ? 'waiting for its application_token (ONAPPINSTALL)' : 'finished',
      token: tokenState(portal.status, portal.expiresAt, nowSeconds),
      license: portal.licenseFamily,
      installedAt: portal.installedAt,
      updatedAt: portal.updatedAt,
      inbox: await inboxHealth(deps.store, portal.memberId, nowSeconds),
      mirror: { records: await deps.store.mirror.count(portal.memberId) },
      actions: await deps.store.actions.stats(portal.memberId),
      clocks: await deps.store.clocks.stats(portal.memberId),
      sweeps: await deps.store.sweeps.all(portal.memberId),
      offline: await offlineHealth(deps.store, portal.memberId),
      reports: await deps.store.reportDeliveries.stats(portal.memberId),
      robots: await robotsHealth(deps.store, portal.memberId),
    })))
    const healthy = portals.every((portal) => portal.status !== 'needs_reauth' && portal.inbox.parked === 0 && portal.installation === 'finished')
    const status = healthy ? 'ok' : 'degraded'
    if (given !== undefined) return { status, version: deps.version, instance: await instanceOf(deps.instance), portals }
    return { status, version: deps.version, totals: totalsOf(portals) }
  })
}

/** This process as /healthz and /readyz tell of it. */
export interface Instance {
  /** Host name and process id: which of several instances answered. */
  id: string
  startedAt: string
  /** 'starting' until the background work runs, 'ready', then 'stopping' from the first signal to stop. */
  readiness: { state: 'starting' | 'ready' | 'stopping' }
  /** The portals whose work runs on this instance now, by kind of work (the inbox's worker, the outbox). */
  working: () => Record<string, string[]>
  /** Several instances: the portals whose job this instance holds, and the job engine's queues. */
  jobs?: (() => Promise<EngineStatus>) | undefined
}

interface HealthDeps {
  store: StorePort
  version: string
  now: () => Date
  token: string | undefined
  instance: Instance
}

async function instanceOf(instance: Instance) {
  const jobs = instance.jobs ? await instance.jobs().catch(() => 'unavailable' as const) : undefined
  return { id: instance.id, startedAt: instance.startedAt, readiness: instance.readiness.state, working: instance.working(), ...(jobs && { jobs }) }
}

// What an anonymous caller may know: counts, no portal's identity.
function totalsOf(portals: Array<{ status: string; installation: string; inbox: { pending: number; parked: number }; robots: { mode: string } }>) {
  const count = (keep: (portal: (typeof portals)[number]) => boolean) => portals.filter(keep).length
  return {
    portals: portals.length,
    active: count((portal) => portal.status === 'active'),
    needsReauth: count((portal) => portal.status === 'needs_reauth'),
    uninstalled: count((portal) => portal.status === 'uninstalled'),
    waitingForApplicationToken: count((portal) => portal.installation !== 'finished'),
    inboxPending: portals.reduce((sum, portal) => sum + portal.inbox.pending, 0),
    parked: portals.reduce((sum, portal) => sum + portal.inbox.parked, 0),
    withoutAutomation: count((portal) => portal.robots.mode === 'unavailable'),
  }
}

function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1]
}

function tokenState(status: string, expiresAt: number, nowSeconds: number): string {
  if (status === 'uninstalled') return 'revoked'
  if (status === 'needs_reauth') return 'needs re-authorisation'
  // An expired access token is normal: the next call refreshes it.
  return expiresAt > nowSeconds ? 'valid' : 'expired, refreshes on next call'
}

// Whether the portal's offline events are on ('active'), refused by its plan ('unavailable') or not asked for ('off').
async function offlineHealth(store: StorePort, memberId: string) {
  const queue = await store.offlineQueues.get(memberId)
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

async function inboxHealth(store: StorePort, memberId: string, nowSeconds: number) {
  const stats = await store.inbox.stats(memberId)
  const oldest = stats.oldestPendingAt ? Math.max(0, nowSeconds - Math.floor(Date.parse(stats.oldestPendingAt) / 1000)) : null
  return { pending: stats.pending, oldestPendingAgeSeconds: oldest, parked: stats.parked, parkedWork: await store.inbox.parked(memberId, 10) }
}

// Whether the robots are registered, or the portal's plan has no automation ('unavailable'), and their calls.
async function robotsHealth(store: StorePort, memberId: string) {
  const setup = await store.robotSetups.get(memberId)
  const calls = await store.robotCalls.stats(memberId)
  if (!setup) return { mode: 'not registered yet', ...calls }
  return { mode: setup.mode, registered: setup.robots, error: setup.error, checkedAt: setup.checkedAt, ...calls }
}
