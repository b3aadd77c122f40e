// Turns a change into queued deliveries for every handler bound to its event (events/index.md).
import type { Actor, PortalState } from './state.js'
import { isRecord } from './util.js'

/**
 * The `auth` block of an event. With a user it carries that user's access token; for changes made by
 * automation rules "tokens are not passed" (events/index.md), so only the account keys remain.
 */
export function eventAuth(state: PortalState, userId: number | null, scope: string): Record<string, string> {
  const { cfg } = state
  const account = {
    domain: cfg.domain,
    server_endpoint: cfg.serverEndpoint,
    status: 'L',
    client_endpoint: cfg.clientEndpoint,
    member_id: cfg.memberId,
    application_token: state.app.applicationToken ?? '',
  }
  if (userId === null) return { scope, ...account }
  return {
    access_token: state.tokens.eventToken(userId),
    expires_in: String(cfg.ttlSeconds),
    scope,
    ...account,
  }
}

/** Every value as a string, as a form-encoded POST delivers it. */
export function stringifyDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyDeep)
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyDeep(v)]))
  if (value === null || value === undefined) return ''
  return String(value)
}

/**
 * Queues `event` to each online handler bound for it, but only once installation is finished
 * ("Events will not be sent to the handler" before installFinish, installation-finish.md).
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
      payload: {
        event,
        event_handler_id: String(binding.id),
        data: stringifyDeep(data),
        ts: '',
        auth: eventAuth(state, userId, scope),
      },
    })
  }
}
