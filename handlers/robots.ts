// POST /robots: verify the portal's robot call like an event, store it, and only then answer 200; the runner does the work.
import type { FastifyInstance } from 'fastify'
import type { PortalAuth } from '../src/auth/portal-auth.js'
import { ROBOTS_PATH } from '../src/robots/register.js'
import type { RobotRunner } from '../src/robots/runner.js'
import type { StorePort } from '../src/store/port.js'
import { asFields } from './install.js'
import { parseRobotCall } from './robot-payload.js'

// A robot call is an event's size.
const ROBOT_BODY_LIMIT = 64 * 1024

/**
 * Registers POST /robots. A call whose `auth[member_id]` is unknown or whose `auth[application_token]` is not the stored
 * one is a 401 and nothing is kept; a valid one is committed before the 200 (the portal never sends it again, and its
 * HTTP answer is ignored: the result goes back through bizproc.event.send). The same event_token twice is kept once.
 */
export function robotRoutes(app: FastifyInstance, deps: { store: StorePort; auth: PortalAuth; runner: RobotRunner }): void {
  const { store, auth, runner } = deps
  app.post(ROBOTS_PATH, { bodyLimit: ROBOT_BODY_LIMIT }, async (request) => {
    const call = parseRobotCall(asFields(request.body))
    await auth.verifyEvent(call.auth)
    const { document } = call
    const memberId = call.auth.member_id
    const fresh = await store.robotCalls.accept({
      memberId,
      eventToken: call.event_token,
      code: call.code,
      documentId: call.document_id[2],
      entity: document.entity,
      entityId: document.entity === 'unsupported' ? null : document.id,
      entityTypeId: document.entity === 'item' ? document.entityTypeId : null,
      properties: call.properties,
      userId: call.auth.user_id ?? null,
      waits: call.waits,
    })
    request.log.info({ memberId, code: call.code, documentId: call.document_id[2], fresh }, 'robot call accepted')
    if (fresh) runner.wake(memberId)
    return { status: 'ok', message: fresh ? 'robot call accepted' : 'robot call already accepted' }
  })
}
