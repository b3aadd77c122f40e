// event.bind / event.get / event.unbind, each as its page in api-reference/events/ documents it.
import { isAdmin } from '../domain/directory.js'
import { RestError } from '../envelope.js'
import { isRecord, param, str } from '../util.js'
import { ok, type MethodTable } from './registry.js'

/** Event codes the portal knows; event.bind answers ERROR_EVENT_NOT_FOUND for anything else. */
export const KNOWN_EVENTS = new Set([
  'ONAPPINSTALL', 'ONAPPUPDATE', 'ONAPPUNINSTALL', 'ONAPPTEST', 'ONAPPMETHODCONFIRM', 'ONAPPPAYMENT', 'ONUSERADD',
  'ONOFFLINEEVENT',
  ...['LEAD', 'DEAL', 'COMPANY', 'CONTACT', 'ACTIVITY', 'TIMELINECOMMENT'].flatMap((s) => ['ADD', 'UPDATE', 'DELETE'].map((a) => `ONCRM${s}${a}`)),
  'ONCRMDEALMOVETOCATEGORY',
  'ONTASKADD', 'ONTASKUPDATE', 'ONTASKDELETE', 'ONTASKCOMMENTADD', 'ONTASKCOMMENTUPDATE', 'ONTASKCOMMENTDELETE',
])

/** The event.* methods. */
export const eventMethods: MethodTable = {
  // api-reference/events/event-bind.md: ERROR_EVENT_NOT_FOUND (400) and the two ACCESS_DENIED (403) as documented.
  'event.bind': ({ state, userId }, p) => {
    const event = str(param(p, 'event')).toUpperCase()
    const handler = str(param(p, 'handler'))
    const offline = str(param(p, 'event_type')).toLowerCase() === 'offline'
    const authType = str(param(p, 'auth_type')) || '0'
    if (!KNOWN_EVENTS.has(event)) throw new RestError(400, 'ERROR_EVENT_NOT_FOUND', 'Event not found')
    const admin = isAdmin(state, userId)
    if (offline && !admin) throw new RestError(403, 'ACCESS_DENIED', 'Access denied! Offline events binding requires administrator access rights')
    if (authType !== '0' && authType !== String(userId) && !admin) {
      throw new RestError(403, 'ACCESS_DENIED', 'Access denied! Event binding with AUTH_TYPE requires administrator access rights')
    }
    if (!offline && handler === '') throw new RestError(400, 'ERROR_ARGUMENT', "Argument 'handler' is null or empty", { argument: 'handler' })
    // "auth_connector: Source key. This parameter is intended for offline events" (event-bind.md).
    const authConnector = offline ? str(param(p, 'auth_connector')) : ''
    const options = param(p, 'options')
    const duplicate = state.eventBindings.some(
      (b) => b.event === event && b.handler === (offline ? '' : handler) && b.authType === authType && b.offline === offline && b.authConnector === authConnector,
    )
    // A second bind of the same handler: event-bind.md lists no answer for it, and ERROR_HANDLER_ALREADY_EXIST is the sale
    // and cashbox handlers' (sale-cashbox-handler-add.md). events/test-handler.md: "`Unable to set event handler` — check
    // if a handler with the same URL is already registered". The stricter reading, an error rather than `true`: ERROR_CORE
    // with "Handler already binded", the wording placement handlers document (userfieldtype-add.md), at 400.
    if (duplicate) throw new RestError(400, 'ERROR_CORE', 'Unable to set event handler: Handler already binded')
    const id = state.eventBindingSeq.next++
    state.eventBindings.push({
      event, handler: offline ? '' : handler, authType, offline, id, userId, authConnector, options: isRecord(options) ? options : null,
    })
    return ok(true)
  },

  // api-reference/events/event-get.md: rows of `event, handler, auth_type` (a string) and `offline` (a number);
  // "A user without administrator permissions receives only the handlers registered for the current user."
  'event.get': ({ state, userId }) => {
    const admin = isAdmin(state, userId)
    const visible = state.eventBindings.filter((b) => admin || b.userId === userId)
    return ok(visible.map((b) => ({ event: b.event, handler: b.handler, auth_type: b.authType, offline: b.offline ? 1 : 0 })))
  },

  // api-reference/events/event-unbind.md: "If no parameters are specified, all event handlers that meet the other
  // requirements will be deleted"; answers the count removed.
  'event.unbind': ({ state, userId }, p) => {
    const event = str(param(p, 'event')).toUpperCase()
    const handler = str(param(p, 'handler'))
    const authTypeRaw = param(p, 'auth_type')
    const authType = authTypeRaw === undefined ? null : str(authTypeRaw) || '0'
    const offline = str(param(p, 'event_type')).toLowerCase() === 'offline'
    const admin = isAdmin(state, userId)
    if (offline && !admin) throw new RestError(403, 'ACCESS_DENIED', 'Access denied! Offline events unbinding requires administrator access rights')
    if (authType !== null && authType !== '0' && authType !== String(userId) && !admin) {
      throw new RestError(403, 'ACCESS_DENIED', 'Access denied! Event unbinding with AUTH_TYPE requires administrator access rights')
    }
    const doomed = state.eventBindings.filter(
      (b) =>
        (admin || b.userId === userId) &&
        b.offline === offline &&
        (event === '' || b.event === event) &&
        (handler === '' || b.handler === handler) &&
        (authType === null || b.authType === authType),
    )
    state.eventBindings = state.eventBindings.filter((b) => !doomed.includes(b))
    return ok({ count: doomed.length })
  },
}
