// A burst across three instances meets no 503 from a portal with the real limits (50 at once, draining 2/s): each
// instance's clients, built as the app builds them, draw on the portal's one budget in PostgreSQL. The same burst with
// each instance on its own bucket meets 503s, so the first test can fail. Needs TEST_DATABASE_URL (skipped without).
import { createServer } from 'node:http'
import pino from 'pino'
import qs from 'qs'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { PortalClients, type PortalCredentials } from '../../src/b24/index.js'
import { systemClock } from '../../src/shared/clock.js'
import type { StorePort } from '../../src/store/port.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from '../store/postgres-target.js'

const INSTANCES = 3
const CALLS_EACH = 60

// The portal's documented standard plan (limits.md), draining on the real clock as a portal does.
const realPortal = () => startFakePortal({ rateLimit: { burst: 50, perSecond: 2 }, now: () => Date.now() })

// The credentials an API-only install hands over: the ONAPPINSTALL POST, caught on a listener of its own.
async function installOn(portal: FakePortal): Promise<PortalCredentials & { applicationToken: string }> {
  let body = ''
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => { body += chunk.toString() })
    req.on('end', () => res.end('ok'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no listener address')
  try {
    await portal.installApp({ installUrl: `http://127.0.0.1:${address.port}/install` })
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
  const auth = (qs.parse(body).auth ?? {}) as Record<string, string>
  return {
    memberId: portal.memberId, domain: portal.domain, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint,
    accessToken: auth.access_token ?? '', refreshToken: auth.refresh_token ?? '', expiresAt: Math.floor(Date.now() / 1000) + Number(auth.expires_in),
    scope: auth.scope ?? '', applicationToken: auth.application_token ?? '',
  }
}

// One instance's portal clients, as src/services.ts builds them: the shared budget when the store is shared and `share`.
function instanceClients(store: StorePort, portal: FakePortal, share: boolean): PortalClients {
  return new PortalClients(async (memberId) => store.portals.get(memberId), {
    clientId: portal.clientId, clientSecret: portal.clientSecret, timeoutMs: 10_000, logger: pino({ level: 'silent' }), keeper: store.portals,
    now: systemClock, sharedBudget: share && store.sharedByInstances ? store.restBudgets : undefined,
    // One try: a 503 shows as a failed call, not as a wait.
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  })
}

if (TEST_DATABASE_URL === undefined) {
  describe('the REST budget shared by instances', () => sayPostgresSkipped('REST budget across instances'))
} else {
  const schemas = freshSchemas(TEST_DATABASE_URL)
  const opened: Array<{ close(): Promise<void> }> = []
  afterEach(async () => { await Promise.all(opened.splice(0).map((thing) => thing.close())) })
  afterAll(() => schemas.dropAll())

  // Three instances on one database, the portal installed; every instance fires its calls at once.
  async function burst(share: boolean): Promise<{ portal: FakePortal; outcomes: PromiseSettledResult<unknown>[] }> {
    const portal = await realPortal()
    opened.push(portal)
    const credentials = await installOn(portal)
    const target = schemas.next()
    const stores = await Promise.all(Array.from({ length: INSTANCES }, () => openPostgresStore(target, systemClock)))
    opened.push(...stores)
    await stores[0]!.installPortal({ ...credentials, adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru' }, { kind: 'app.installed', detail: {} })
    const clients = stores.map((store) => instanceClients(store, portal, share))
    const calls = clients.flatMap((registry) => Array.from({ length: CALLS_EACH }, async (_, n) => {
      const client = await registry.get(portal.memberId)
      return client.call('crm.lead.list', { filter: { '>ID': n }, start: -1 })
    }))
    return { portal, outcomes: await Promise.allSettled(calls) }
  }

  describe('the REST budget shared by instances', () => {
    it(`${INSTANCES}×${CALLS_EACH} calls at once from three instances: every one answered, the portal refused none`, async () => {
      const { portal, outcomes } = await burst(true)
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([])
      expect(portal.calls.filter((call) => call.method === 'crm.lead.list')).toHaveLength(INSTANCES * CALLS_EACH)
      expect(portal.calls.filter((call) => call.httpStatus === 503)).toEqual([])
    }, 150_000)

    it('the same burst with each instance on its own bucket meets QUERY_LIMIT_EXCEEDED', async () => {
      const { portal, outcomes } = await burst(false)
      expect(portal.calls.filter((call) => call.httpStatus === 503).length).toBeGreaterThan(0)
      expect(outcomes.some((outcome) => outcome.status === 'rejected')).toBe(true)
    }, 150_000)
  })
}
