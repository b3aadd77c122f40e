// Binds the app's events and card tabs on a portal, idempotently: what event.get and placement.get show bound is left
// alone, only the rest is bound, and a bind that meets its own binding (another set-up got there first) counts as bound.
import { AppError } from '../shared/app-error.js'
import type { Manifest } from './manifest.js'

/** The part of the portal client set-up needs. */
export interface BatchCaller {
  batch(commands: Record<string, { method: string; params?: Record<string, unknown> }>): Promise<{
    results: Record<string, unknown>
    errors: Record<string, { error: string; description: string }>
  }>
}

/** What one set-up changed on the portal; a bind another set-up made first is in none of the lists. */
export interface SetupOutcome {
  boundEvents: string[]
  boundPlacements: string[]
  unboundStale: number
}

/** One row of event.get: `offline` is 1 for an offline binding, which has no handler (event-get.md). */
export interface EventBinding { event: string; handler: string; auth_type?: string; offline?: number | string }
interface PlacementBinding { placement: string; handler: string }

/** A command's failure as a batch reports it. */
export interface CommandFailure { error: string; description: string }

/** Batch commands by key. */
export type Commands = Record<string, { method: string; params: Record<string, unknown> }>

/**
 * True when a bind failed because the same binding is already there. A placement bound twice answers
 * ERROR_CORE "Unable to set placement handler: Handler already binded" (api-reference/widgets/user-field/userfieldtype-add.md);
 * event.bind documents no answer of its own for it (event-bind.md lists only ERROR_EVENT_NOT_FOUND and ACCESS_DENIED), but
 * "`Unable to set event handler` — check if a handler with the same URL is already registered" (events/test-handler.md),
 * an ERROR_CORE with the same "Handler already binded" after the colon. ERROR_HANDLER_ALREADY_EXIST is the sale and
 * cashbox handlers' answer (sale/cashbox/sale-cashbox-handler-add.md), not a binding's. Any other ERROR_CORE is a failure.
 */
export function isAlreadyBound(failure: CommandFailure): boolean {
  return failure.error === 'ERROR_CORE' && /\bHandler already binded\b/i.test(failure.description)
}

/** Makes the portal's bindings match the manifest for `publicUrl` in two batches; throws AppError naming every refused bind. */
export async function bindPortal(client: BatchCaller, manifest: Manifest, publicUrl: string): Promise<SetupOutcome> {
  const current = await client.batch({ events: { method: 'event.get' }, placements: { method: 'placement.get' } })
  failOnErrors(current.errors)
  // Offline bindings (no handler) are offline-setup.ts's business, not stale online ones.
  const events = asList<EventBinding>(current.results.events).filter((binding) => !isOffline(binding))
  const placements = asList<PlacementBinding>(current.results.placements)
  const eventHandler = publicUrl + manifest.events.handlerPath

  const commands: Commands = {}
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
  const keys = await runBinds(client, commands)
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

/**
 * Runs the binds and unbinds in one batch (none when there are none) and returns the keys of the commands that did
 * their work. A bind that meets its own binding is fine and left out; a bind answering `false` ("the handler was not
 * registered": placement-bind.md; event-bind.md's "success of execution") or any other error fails the set-up.
 */
export async function runBinds(client: BatchCaller, commands: Commands): Promise<string[]> {
  if (Object.keys(commands).length === 0) return []
  const outcome = await client.batch(commands)
  const isBind = (key: string) => commands[key]?.method.endsWith('.bind') === true
  const notDone: Record<string, CommandFailure> = {}
  for (const key of Object.keys(commands)) {
    if (key in outcome.errors || !isBind(key) || outcome.results[key] !== false) continue
    notDone[key] = { error: 'FALSE', description: `${commands[key]?.method} answered false` }
  }
  failOnErrors({ ...outcome.errors, ...notDone }, (key, failure) => isBind(key) && isAlreadyBound(failure))
  return Object.keys(commands).filter((key) => !(key in outcome.errors))
}

/** Throws AppError naming every refused command, with the portal's code and message, except those `tolerated`. */
export function failOnErrors(errors: Record<string, CommandFailure>, tolerated: (key: string, failure: CommandFailure) => boolean = () => false): void {
  const refused = Object.entries(errors).filter(([key, failure]) => !tolerated(key, failure))
  if (refused.length === 0) return
  const list = refused.map(([key, failure]) => `${key}: ${failure.error} ${failure.description}`.trim()).join('; ')
  throw new AppError('PORTAL_SETUP_FAILED', `The portal refused the app's set-up: ${list}`, 502)
}
