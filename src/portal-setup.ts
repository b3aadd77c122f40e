// Binds the app's events and card tabs on a portal, idempotently: what is already bound is left alone.
import { AppError } from './errors.js'
import type { Manifest } from './manifest.js'

/** The part of the portal client set-up needs. */
export interface BatchCaller {
  batch(commands: Record<string, { method: string; params?: Record<string, unknown> }>): Promise<{
    results: Record<string, unknown>
    errors: Record<string, { error: string; description: string }>
  }>
}

/** What one set-up changed on the portal. */
export interface SetupOutcome {
  boundEvents: string[]
  boundPlacements: string[]
  unboundStale: number
}

/** One row of event.get: `offline` is 1 for an offline binding, which has no handler (event-get.md). */
export interface EventBinding { event: string; handler: string; auth_type?: string; offline?: number | string }
interface PlacementBinding { placement: string; handler: string }

// A second bind of the same handler answers this; it means the binding is already there.
export const ALREADY_BOUND = 'ERROR_HANDLER_ALREADY_EXIST'

/** Makes the portal's bindings match the manifest for `publicUrl`; throws AppError naming every refused bind. */
export async function bindPortal(client: BatchCaller, manifest: Manifest, publicUrl: string): Promise<SetupOutcome> {
  const current = await client.batch({ events: { method: 'event.get' }, placements: { method: 'placement.get' } })
  failOnErrors(current.errors, [])
  // Offline bindings (no handler) are offline-setup.ts's business, not stale online ones.
  const events = asList<EventBinding>(current.results.events).filter((binding) => !isOffline(binding))
  const placements = asList<PlacementBinding>(current.results.placements)
  const eventHandler = publicUrl + manifest.events.handlerPath

  const commands: Record<string, { method: string; params: Record<string, unknown> }> = {}
  let unboundStale = 0
  for (const code of manifest.events.codes) {
    const mine = events.filter((binding) => binding.event.toUpperCase() === code)
    for (const stale of mine.filter((binding) => binding.handler !== eventHandler)) {
      commands[`unbind_${code}_${unboundStale++}`] = { method: 'event.unbind', params: { event: code, handler: stale.handler } }
    }
    if (!mine.some((binding) => binding.handler === eventHandler)) {
      commands[`event_${code}`] = { method: 'event.bind', params: { event: code, handler: eventHandler } }
    }
  }
  for (const placement of manifest.placements) {
    const handler = publicUrl + placement.handlerPath
    const mine = placements.filter((binding) => binding.placement === placement.code)
    for (const stale of mine.filter((binding) => binding.handler !== handler)) {
      commands[`unbind_${placement.code}_${unboundStale++}`] = {
        method: 'placement.unbind',
        params: { PLACEMENT: placement.code, HANDLER: stale.handler },
      }
    }
    if (!mine.some((binding) => binding.handler === handler)) {
      commands[`placement_${placement.code}`] = {
        method: 'placement.bind',
        params: {
          PLACEMENT: placement.code,
          HANDLER: handler,
          TITLE: placement.title.ru,
          LANG_ALL: { ru: { TITLE: placement.title.ru }, en: { TITLE: placement.title.en } },
        },
      }
    }
  }
  if (Object.keys(commands).length > 0) {
    const outcome = await client.batch(commands)
    failOnErrors(outcome.errors, [ALREADY_BOUND])
  }
  const keys = Object.keys(commands)
  return {
    boundEvents: keys.filter((key) => key.startsWith('event_')).map((key) => key.slice('event_'.length)),
    boundPlacements: keys.filter((key) => key.startsWith('placement_')).map((key) => key.slice('placement_'.length)),
    unboundStale,
  }
}

/** True for an offline binding in an event.get answer. */
export function isOffline(binding: EventBinding): boolean {
  return Number(binding.offline ?? 0) === 1
}

/** The array in a batch result, or none. */
export function asList<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : []
}

/** Throws AppError naming every refused command except the tolerated codes. */
export function failOnErrors(errors: Record<string, { error: string; description: string }>, tolerated: string[]): void {
  const refused = Object.entries(errors).filter(([, failure]) => !tolerated.includes(failure.error))
  if (refused.length === 0) return
  const list = refused.map(([key, failure]) => `${key}: ${failure.error} ${failure.description}`.trim()).join('; ')
  throw new AppError('PORTAL_SETUP_FAILED', `The portal refused the app's set-up: ${list}`, 502)
}
