// POST /events: verify the portal's event, write it to the inbox, and only then answer 200.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { BadRequestError, UnauthorizedError } from '../src/errors.js'
import type { Installer } from '../src/installer.js'
import { OFFLINE_PUSH_EVENT } from '../src/offline-setup.js'
import { sameSecret } from '../src/secrets.js'
import { GroupCommit } from '../src/store/group-commit.js'
import type { Store } from '../src/store/index.js'
import type { OfflineDrain } from '../src/sync/offline.js'
import type { Worker } from '../src/sync/worker.js'
import { parseEvent, recordOf, type PortalEvent } from './event-payload.js'
import { asFields } from './install.js'
import { parseAppEventGrant } from './install-payload.js'
import { parseOrThrow } from './parse.js'

const uninstallData = z.object({ CLEAN: z.coerce.number().int().min(0).max(1).default(0) }).default({ CLEAN: 0 })

// Bitrix24 events are small; anything larger is not one.
const EVENT_BODY_LIMIT = 64 * 1024

/** Registers POST /events. */
export function eventRoutes(
  app: FastifyInstance, deps: { store: Store; installer: Installer; worker: Worker; offline: OfflineDrain },
): void {
  const { store, installer, worker, offline } = deps
  const intake = new GroupCommit(store)
  app.post('/events', { bodyLimit: EVENT_BODY_LIMIT }, async (request) => {
    const event = parseEvent(asFields(request.body))
    const { member_id: memberId, application_token: token } = event.auth
    if (event.event === 'ONAPPUNINSTALL') {
      const { CLEAN } = parseOrThrow(uninstallData, event.data, 'MALFORMED_EVENT', 'data')
      installer.uninstall(memberId, token, CLEAN === 1)
      request.log.info({ memberId, clean: CLEAN === 1 }, 'uninstalled')
      return { status: 'ok', message: 'uninstalled' }
    }
    if (event.event === 'ONAPPUPDATE') {
      const setup = await installer.update(parseAppEventGrant(request.body))
      request.log.info({ memberId, setup }, 'updated')
      return { status: 'ok', message: 'updated' }
    }
    if (event.event === 'ONAPPINSTALL') {
      throw new BadRequestError('ONAPPINSTALL belongs to the install path (/install), not /events', 'WRONG_ENDPOINT')
    }
    verifyToken(store, event)
    if (event.event === OFFLINE_PUSH_EVENT) {
      // A signal only ("data": []): the drain takes the records from the queue (on-offline-event.md).
      void offline.drain(memberId).catch(() => undefined)
      return { status: 'ok', message: 'offline queue will be drained' }
    }
    const record = recordOf(event)
    // The 200 goes out only once the event is committed.
    const fresh = await intake.accept({
      memberId,
      event: event.event,
      entity: record.entity,
      entityId: record.entityId,
      ts: event.ts,
      data: { ...record.extra },
    })
    request.log.debug({ memberId, event: event.event, entityId: record.entityId, fresh }, 'event accepted')
    if (fresh) worker.wake(memberId)
    return { status: 'ok', message: 'event accepted' }
  })
}

// Events from robots and workflows carry no tokens: the application_token is the only proof.
function verifyToken(store: Store, event: PortalEvent): void {
  const portal = store.portals.get(event.auth.member_id)
  if (!portal || portal.status === 'uninstalled') throw new UnauthorizedError('Unknown portal', 'UNKNOWN_PORTAL')
  if (!sameSecret(event.auth.application_token, portal.applicationToken)) {
    throw new UnauthorizedError('Wrong application_token', 'INVALID_APPLICATION_TOKEN')
  }
}
