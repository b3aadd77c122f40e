// Turns a change into queued deliveries for every handler bound to its event (events/index.md).
import type { Actor, PortalState } from './state.js'
import { isRecord } from './util.js'

/**
 * The `auth` block of an event, as portals sent it in the 2024–2025 captures. A user's change carries that
 * user's token: `access_token, expires, expires_in, scope` (the app's whole scope), `domain, server_endpoint,
 * status, client_endpoint, member_id, user_id, application_token` — never a refresh_token. For changes made by
 * automation rules "tokens are not passed" (events/index.md): only `domain, client_endpoint, server_endpoint,
 * member_id, application_token`, no scope, no status.
 */
export function eventAuth(state: PortalState, userId: number | null): Record<string, string> {
  const { cfg } = state
  const applicationToken = state.app.applicationToken ?? ''
  if (userId === null) {
    return {
      domain: cfg.domain, client_endpoint: cfg.clientEndpoint, server_endpoint: cfg.serverEndpoint, member_id: cfg.memberId,
      application_token: applicationToken,
    }
  }
  const token = state.tokens.eventToken(userId)
  return { ...userAuth(state, userId, token.accessToken, token.expires), application_token: applicationToken }
}

/** A user's keys of an event's `auth`, in the captured order up to `user_id`; refresh_token (if any) and application_token follow. */
export function userAuth(state: PortalState, userId: number, accessToken: string, expires: number): Record<string, string> {
  const { cfg } = state
  return {
    access_token: accessToken, expires: String(expires), expires_in: String(cfg.ttlSeconds), scope: cfg.scope, domain: cfg.domain,
    server_endpoint: cfg.serverEndpoint, status: 'L', client_endpoint: cfg.clientEndpoint, member_id: cfg.memberId, user_id: String(userId),
  }
}

/** A delivery's first fields: `event`, then `event_handler_id` (missing in 2018 and 2022 captures: `eventHandlerId: false`). */
export function deliveryHead(state: PortalState, event: string, bindingId: number): Record<string, string> {
  if (!state.cfg.eventHandlerId) return { event }
  return { event, event_handler_id: String(bindingId) }
}

/** Every value as a string, as a form-encoded POST delivers it. */
export function stringifyDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyDeep)
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyDeep(v)]))
  if (value === null || value === undefined) return ''
  return String(value)
}

/**
 * Queues `event` to each online handler bound for it and records it in the offline queue of each
 * offline binding, but only once installation is finished ("Events will not be sent to the handler"
 * before installFinish, installation-finish.md). Online and offline bindings are independent: an
 * event bound both ways is delivered and queued. `scope` is the event's area, which only ONOFFLINEEVENT shows.
 */
export function emit(state: PortalState, event: string, data: Record<string, unknown>, actor: Actor, scope: string): void {
  if (!state.app.present || !state.app.finished) return
  for (const binding of state.eventBindings) {
    if (binding.event !== event || binding.offline) continue
    const boundUser = Number(binding.authType)
    const userId = boundUser > 0 ? boundUser : actor.robot === true ? null : actor.userId
    state.events.enqueue({
      event,
      url: binding.handler,
      payload: { ...deliveryHead(state, event, binding.id), data: stringifyDeep(data), ts: '', auth: eventAuth(state, userId) },
    })
  }
  queueOffline(state, event, data, actor, scope)
}

/** Calls `work` as a REST call made with `params`: its changes carry that call's `auth_connector`. */
export function asCall<T>(state: PortalState, params: Record<string, unknown>, work: () => T): T {
  const outer = state.callConnector
  const connector = params.auth_connector
  state.callConnector = typeof connector === 'string' ? connector : ''
  try {
    return work()
  } finally {
    state.callConnector = outer
  }
}

function queueOffline(state: PortalState, event: string, data: Record<string, unknown>, actor: Actor, scope: string): void {
  let queued = false
  for (const binding of state.eventBindings) {
    if (binding.event !== event || !binding.offline) continue
    // "Pass the same auth_connector in modifying calls. Then Bitrix24 will not record in the queue
    // the change initiated by the application itself" (offline-events.md#how-to-avoid-cycles).
    if (state.callConnector !== '' && state.callConnector === binding.authConnector) continue
    state.offline.put(binding, data)
    queued = true
  }
  if (queued) notifyOffline(state, actor, scope)
}

/**
 * ONOFFLINEEVENT with `data: []` to its online handlers (on-offline-event.md). minTimeout (default 1 s):
 * after one notification the next is not sent until that many seconds have passed (read strictly:
 * what happens meanwhile is not announced later); 0 means one per call, approximated as one per tick.
 */
function notifyOffline(state: PortalState, actor: Actor, scope: string): void {
  const { at, thisTick } = state.offlineNotified
  for (const binding of state.eventBindings) {
    if (binding.event !== 'ONOFFLINEEVENT' || binding.offline) continue
    const minTimeout = Number(binding.options?.minTimeout ?? 1)
    const last = at.get(binding.id)
    if (minTimeout > 0 && last !== undefined && state.now() - last < minTimeout * 1000) continue
    if (minTimeout <= 0 && thisTick.has(binding.id)) continue
    at.set(binding.id, state.now())
    if (thisTick.size === 0) setImmediate(() => thisTick.clear())
    thisTick.add(binding.id)
    const boundUser = Number(binding.authType)
    const userId = boundUser > 0 ? boundUser : actor.robot === true ? null : actor.userId
    const auth = offlineEventAuth(state, userId, scope)
    state.events.enqueue({
      event: 'ONOFFLINEEVENT',
      url: binding.handler,
      payload: { ...deliveryHead(state, 'ONOFFLINEEVENT', binding.id), data: [], ts: '', auth },
    })
  }
}

// "refresh_token is passed only with events that require long-term access… onOfflineEvent"
// (events/index.md); the keys, their order and `scope` ("within which the event occurred") of on-offline-event.md.
function offlineEventAuth(state: PortalState, userId: number | null, scope: string): Record<string, string> {
  const { cfg } = state
  const account = {
    scope, domain: cfg.domain, server_endpoint: cfg.serverEndpoint, status: 'L', client_endpoint: cfg.clientEndpoint, member_id: cfg.memberId,
  }
  const applicationToken = state.app.applicationToken ?? ''
  if (userId === null) return { ...account, application_token: applicationToken }
  const pair = state.tokens.issue(userId)
  return {
    access_token: pair.accessToken, expires_in: String(pair.expiresIn), ...account, refresh_token: pair.refreshToken, application_token: applicationToken,
  }
}
