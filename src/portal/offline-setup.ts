// Binds offline events where the portal's plan allows them, idempotently (api-reference/events/offline-events.md).
import type { Manifest } from './manifest.js'
import { asList, failOnErrors, isOffline, runBinds, type BatchCaller, type Commands, type EventBinding } from './portal-setup.js'
import type { OfflineMode } from '../store/offline-queues.js'
import { recordKindOf } from '../ingest/event-records.js'
import { asRecord } from '../shared/records.js'

/** The source key the app binds offline events with and passes on its own writes, so they are not queued. */
export const OFFLINE_CONNECTOR = 'rules_app'

/** The push that tells the app its offline queue has new records (on-offline-event.md). */
export const OFFLINE_PUSH_EVENT = 'ONOFFLINEEVENT'

/** What one offline set-up found and changed. */
export interface OfflineSetup {
  mode: OfflineMode
  authConnector: string | null
  boundOffline: string[]
  boundPush: boolean
  unbound: number
}

/**
 * Makes the portal's offline bindings match `wanted`. On: asks feature.get whether the plan has
 * offline events (`rest_offline_extended`) and the source key (`rest_auth_connector`); if so, binds
 * every record event of the manifest offline (not ONAPP*) and ONOFFLINEEVENT to the events handler.
 * Off, or a plan without them: removes offline bindings an earlier set-up made. `previousConnector`
 * is the key the existing offline bindings were made with (event.get does not show it).
 */
export async function bindOffline(
  client: BatchCaller, manifest: Manifest, publicUrl: string, wanted: 'off' | 'on', previousConnector: string | null | undefined,
): Promise<OfflineSetup> {
  const ask: Record<string, { method: string; params?: Record<string, unknown> }> = { events: { method: 'event.get' } }
  if (wanted === 'on') {
    ask.offline = { method: 'feature.get', params: { CODE: 'rest_offline_extended' } }
    ask.connector = { method: 'feature.get', params: { CODE: 'rest_auth_connector' } }
  }
  const current = await client.batch(ask)
  failOnErrors(current.errors)
  const bindings = asList<EventBinding>(current.results.events)
  const offlineBound = bindings.filter(isOffline)
  const pushes = bindings.filter((binding) => !isOffline(binding) && binding.event.toUpperCase() === OFFLINE_PUSH_EVENT)
  const pushHandler = publicUrl + manifest.events.handlerPath
  const codes = manifest.events.codes.filter((code) => recordKindOf(code) !== undefined)
  const commands: Commands = {}
  let unbound = 0
  const unbindOffline = () => {
    for (const code of new Set(offlineBound.map((binding) => binding.event.toUpperCase()))) {
      commands[`unbind_offline_${code}`] = { method: 'event.unbind', params: { event: code, event_type: 'offline' } }
      unbound += 1
    }
  }
  const unbindPushes = (keep: string | null) => {
    for (const push of pushes.filter((binding) => binding.handler !== keep)) {
      commands[`unbind_push_${unbound++}`] = { method: 'event.unbind', params: { event: OFFLINE_PUSH_EVENT, handler: push.handler } }
    }
  }

  const available = wanted === 'on' && featureOn(current.results.offline)
  if (!available) {
    unbindOffline()
    unbindPushes(null)
    await runBinds(client, commands)
    return { mode: wanted === 'on' ? 'unavailable' : 'off', authConnector: null, boundOffline: [], boundPush: false, unbound }
  }

  // auth_connector "is available on the Professional plan and above" (offline-events.md).
  const authConnector = featureOn(current.results.connector) ? OFFLINE_CONNECTOR : null
  // Bindings made with another source key fill a queue this drain would not read: bind them again.
  const sameSource = previousConnector !== undefined && previousConnector === authConnector
  if (!sameSource) unbindOffline()
  const boundOffline: string[] = []
  for (const code of codes) {
    if (sameSource && offlineBound.some((binding) => binding.event.toUpperCase() === code)) continue
    const params: Record<string, unknown> = { event: code, event_type: 'offline' }
    if (authConnector !== null) params.auth_connector = authConnector
    commands[`offline_${code}`] = { method: 'event.bind', params }
    boundOffline.push(code)
  }
  unbindPushes(pushHandler)
  const boundPush = !pushes.some((binding) => binding.handler === pushHandler)
  if (boundPush) {
    // minTimeout 1 is the documented default: one push, then none for a second (on-offline-event.md#min-timeout).
    commands.push = { method: 'event.bind', params: { event: OFFLINE_PUSH_EVENT, handler: pushHandler, options: { minTimeout: 1 } } }
  }
  await runBinds(client, commands)
  return { mode: 'active', authConnector, boundOffline, boundPush, unbound }
}

// feature.get answers { value: 'Y' | 'N' } (common/system/feature-get.md).
function featureOn(result: unknown): boolean {
  return asRecord(result).value === 'Y'
}
