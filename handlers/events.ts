// POST /events: verify the portal's event, write it to the inbox, and only then answer 200.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Installer } from '../src/portal/installer.js'
import { OFFLINE_PUSH_EVENT } from '../src/portal/offline-setup.js'
import type { PortalAuth } from '../src/auth/portal-auth.js'
import { GroupCommit } from '../src/store/group-commit.js'
import type { StorePort } from '../src/store/port.js'
import type { OfflineDrain } from '../src/ingest/offline.js'
import type { Worker } from '../src/ingest/worker.js'
import { recordKindOf } from '../src/ingest/event-records.js'
import { parseEvent, recordOf } from './event-payload.js'
import { asFields } from './install.js'
import { parseAppEventGrant } from './install-payload.js'
import { parseOrThrow } from './parse.js'

const uninstallData = z.object({ CLEAN: z.coerce.number().int().min(0).max(1).default(0) }).default({ CLEAN: 0 })

// Bitrix24 events are small; anything larger is not one.
const EVENT_BODY_LIMIT = 64 * 1024

/** Registers POST /events. */
export function eventRoutes(
  app: FastifyInstance,
  deps: { store: StorePort; installer: Installer; auth: PortalAuth; worker: Worker; offline: OfflineDrain; now: () => Date },
): void {
  const { store, installer, auth, worker, offline, now } = deps
  const intake = new GroupCommit(store)
  app.post('/events', { bodyLimit: EVENT_BODY_LIMIT }, async (request) => {
    const event = parseEvent(asFields(request.body))
    const { member_id: memberId, application_token: token } = event.auth
    if (event.event === 'ONAPPUNINSTALL') {
      const { CLEAN } = parseOrThrow(uninstallData, event.data, 'MALFORMED_EVENT', 'data')
      await installer.uninstall(memberId, token, CLEAN === 1)
      request.log.info({ memberId, clean: CLEAN === 1 }, 'uninstalled')
      return { status: 'ok', message: 'uninstalled' }
    }
    if (event.event === 'ONAPPUPDATE') {
      const setup = await installer.update(parseAppEventGrant(request.body))
      request.log.info({ memberId, setup }, 'updated')
      return { status: 'ok', message: 'updated' }
    }
    if (event.event === 'ONAPPINSTALL') {
      // Bound by the install page: after installFinish the portal sends the application_token here.
      const { portal } = await installer.install(parseAppEventGrant(request.body), 'event')
      request.log.info({ memberId: portal.memberId, domain: portal.domain }, 'installed (ONAPPINSTALL event)')
      return { status: 'ok', message: 'installed' }
    }
    await auth.verifyEvent(event.auth)
    if (event.event === OFFLINE_PUSH_EVENT) {
      // A signal only (no data): the drain takes the records from the queue (on-offline-event.md).
      void offline.drain(memberId).catch(() => undefined)
      return { status: 'ok', message: 'offline queue will be drained' }
    }
    if (!recordKindOf(event.event)) {
      // Authentic, but nothing the app needs: answered so the portal does not count a failure.
      request.log.info({ memberId, event: event.event }, 'event ignored: not one the app handles')
      return { status: 'ok', message: 'event ignored' }
    }
    const record = recordOf(event)
    // The 200 goes out only once the event is committed.
    const fresh = await intake.accept({
      memberId,
      event: event.event,
      entity: record.entity,
      entityId: record.entityId,
      ts: event.ts ?? String(Math.floor(now().getTime() / 1000)),
      data: { ...record.extra },
    })
    request.log.debug({ memberId, event: event.event, entityId: record.entityId, fresh }, 'event accepted')
    if (fresh) worker.wake(memberId)
    return { status: 'ok', message: 'event accepted' }
  })
}

