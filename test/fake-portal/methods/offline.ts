// event.offline.get / clear / error / list (api-reference/events/event-offline-*.md) and feature.get.
import { isAdmin } from '../domain/directory.js'
import { RestError } from '../envelope.js'
import { matchesAll, paginate, parseFilter, parseOrder, sortRows, upperResolve } from '../list.js'
import { getView, view } from '../offline.js'
import type { PortalState } from '../state.js'
import type { FeatureCode } from '../types.js'
import { isRecord, param, str, type Params } from '../util.js'
import { fromPage, ok, type MethodTable } from './registry.js'

// "Who can execute the method: administrator"; a non-admin gets 403 ACCESS_DENIED "Access denied!".
function requireAdmin(state: PortalState, userId: number): void {
  if (!isAdmin(state, userId)) throw new RestError(403, 'ACCESS_DENIED', 'Access denied!')
}

// process_id is required by clear and error; the docs do not show the refusal, so this follows event.bind's.
function processIdParam(p: Params): string {
  const processId = str(param(p, 'process_id'))
  if (processId === '') throw new RestError(400, 'ERROR_ARGUMENT', "Argument 'process_id' is null or empty", { argument: 'process_id' })
  return processId
}

function listParam(p: Params, name: string): string[] | null {
  const value = param(p, name)
  if (Array.isArray(value)) return value.map(String)
  if (isRecord(value)) return Object.values(value).map(String)
  if (value === undefined || value === null || value === '') return null
  return [str(value)]
}

function flag(p: Params, name: string, fallback: 0 | 1): boolean {
  const value = param(p, name)
  if (value === undefined || value === null || value === '') return fallback === 1
  return str(value) === '1' || str(value) === 'Y'
}

const FEATURES = new Set<string>(['rest_offline_extended', 'rest_auth_connector'])

/** The offline event methods and feature.get. */
export const offlineMethods: MethodTable = {
  // api-reference/events/event-offline-get.md: filter, order (default TIMESTAMP_X:ASC), limit (default 50), clear
  // (default 1), process_id, auth_connector, error (default 0); administrators only.
  'event.offline.get': ({ state, userId }, p) => {
    requireAdmin(state, userId)
    const limit = Number(param(p, 'limit') ?? 50)
    const processId = str(param(p, 'process_id'))
    const records = state.offline.select({
      // "Without a matching value, the methods will only return events without a source" (offline-events.md).
      connector: str(param(p, 'auth_connector')),
      processId,
      withErrors: flag(p, 'error', 0),
      filter: param(p, 'filter'),
      order: param(p, 'order'),
      limit: Number.isInteger(limit) && limit > 0 ? limit : 50,
    })
    const events = records.map(getView)
    if (flag(p, 'clear', 1)) {
      state.offline.remove(records)
      return ok({ process_id: null, events })
    }
    // "marks the batch with the identifier process_id and hides it from other requests" (offline-events.md).
    const reserved = records.length > 0 || processId !== '' ? state.offline.reserve(records, processId || null) : null
    return ok({ process_id: reserved, events })
  },

  // api-reference/events/event-offline-clear.md
  'event.offline.clear': ({ state, userId }, p) => {
    requireAdmin(state, userId)
    const processId = processIdParam(p)
    // "message_id … Ignored if the id parameter is specified" (event-offline-clear.md).
    state.offline.remove(state.offline.ofProcess(processId, listParam(p, 'id'), listParam(p, 'message_id')))
    return ok(true)
  },

  // api-reference/events/event-offline-error.md
  'event.offline.error': ({ state, userId }, p) => {
    requireAdmin(state, userId)
    const processId = processIdParam(p)
    state.offline.markError(state.offline.ofProcess(processId, null, listParam(p, 'message_id')))
    return ok(true)
  },

  // api-reference/events/event-offline-list.md: reads without changing anything; default order ID:ASC, pages of 50 by `start`.
  'event.offline.list': ({ state, userId }, p) => {
    requireAdmin(state, userId)
    const connector = str(param(p, 'auth_connector'))
    const offset = state.cfg.offset
    const rows = state.offline.all.filter((r) => r.connector === connector).map(view)
    const matched = rows.filter((row) => matchesAll(row, parseFilter(param(p, 'filter')), upperResolve, offset))
    const order = parseOrder(param(p, 'order'))
    const sorted = sortRows(matched, order.length > 0 ? order : [['ID', false]], upperResolve, offset)
    const page = paginate(sorted, param(p, 'start'))
    return fromPage(page, page.items)
  },

  // api-reference/common/system/feature-get.md: { value: 'Y' | 'N' }; the fake does not hold a plan to these answers.
  'feature.get': ({ state }, p) => {
    const code = str(param(p, 'CODE'))
    if (code === '') throw new RestError(400, 'CODE_EMPTY', "CODE can't be empty")
    const present = FEATURES.has(code) && state.cfg.features[code as FeatureCode]
    return ok({ value: present ? 'Y' : 'N' })
  },
}
