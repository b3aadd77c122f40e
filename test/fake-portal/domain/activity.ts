// CRM activities (crm.activity.*): the stored shape, writes and their ONCRMACTIVITY* events.
import { formatIso, normaliseDate } from '../clock.js'
import { crmError, RestError } from '../envelope.js'
import { emit } from '../emit.js'
import type { Actor, PortalState } from '../state.js'
import type { ActivityBinding, Row } from '../store.js'
import { isRecord, yn } from '../util.js'

// Order and initial values follow crm-activity-get.md.
const SHAPE: Row = {
  ID: null, OWNER_ID: null, OWNER_TYPE_ID: null, TYPE_ID: null, PROVIDER_ID: null, PROVIDER_TYPE_ID: null,
  PROVIDER_GROUP_ID: null, ASSOCIATED_ENTITY_ID: '0', SUBJECT: '', CREATED: '', LAST_UPDATED: '', START_TIME: '',
  END_TIME: '', DEADLINE: '', COMPLETED: 'N', STATUS: '1', RESPONSIBLE_ID: null, PRIORITY: '2', NOTIFY_TYPE: '0',
  NOTIFY_VALUE: '0', DESCRIPTION: '', DESCRIPTION_TYPE: '1', DIRECTION: '0', LOCATION: '', SETTINGS: [],
  ORIGINATOR_ID: null, ORIGIN_ID: null, AUTHOR_ID: null, EDITOR_ID: null, PROVIDER_PARAMS: [], PROVIDER_DATA: null,
  RESULT_MARK: '0', RESULT_VALUE: null, RESULT_SUM: null, RESULT_CURRENCY_ID: null, RESULT_STATUS: '0',
  RESULT_STREAM: '0', RESULT_SOURCE_ID: null, AUTOCOMPLETE_RULE: '0',
}

const DATES = ['START_TIME', 'END_TIME', 'DEADLINE']
const READ_ONLY = ['ID', 'CREATED', 'LAST_UPDATED', 'AUTHOR_ID', 'EDITOR_ID', 'STATUS']
/** Fields returned only when selected in crm.activity.list (crm-activity-list.md). */
export const ACTIVITY_ON_DEMAND = ['COMMUNICATIONS', 'FILES']

/** The activity by id or the legacy 400 "Not found". */
export function requireActivity(state: PortalState, id: number): Row {
  const row = state.store.activities.get(id)
  if (row === undefined) throw crmError('Not found')
  return row
}

function apply(state: PortalState, row: Row, fields: Row): void {
  for (const [key, value] of Object.entries(fields)) {
    if (READ_ONLY.includes(key)) continue
    if (!(key in SHAPE) && !ACTIVITY_ON_DEMAND.includes(key)) continue
    if (DATES.includes(key)) row[key] = normaliseDate(value, state.cfg.offset)
    else if (key === 'COMPLETED') row[key] = yn(value)
    else if (value === null || typeof value === 'object') row[key] = value
    else row[key] = String(value)
  }
  row.STATUS = row.COMPLETED === 'Y' ? '2' : '1'
  // DEADLINE "is taken from START_TIME for calls and meetings and from END_TIME for tasks" (crm-activity-add.md);
  // without those the given DEADLINE stays.
  const source = ['1', '2'].includes(String(row.TYPE_ID)) ? 'START_TIME' : 'END_TIME'
  if (fields[source] !== undefined && row[source] !== '') row.DEADLINE = row[source]
}

/** Checks the fields crm.activity.add requires (crm-activity-add.md), with the documented messages. */
export function validateNewActivity(fields: Row): void {
  const missing = (key: string): boolean => fields[key] === undefined || fields[key] === null || fields[key] === ''
  if (missing('OWNER_ID') || missing('OWNER_TYPE_ID')) {
    throw crmError('Could not build binding. Please ensure that owner info and communications are defined correctly')
  }
  if (missing('TYPE_ID')) throw crmError('The field TYPE_ID is not defined or invalid')
  if (missing('SUBJECT')) throw crmError('The field SUBJECT is not defined or empty')
  if (missing('RESPONSIBLE_ID')) throw crmError('The field RESPONSIBLE_ID is not defined or invalid')
  if (missing('COMMUNICATIONS')) throw crmError('The field COMMUNICATIONS is not defined or invalid')
}

/** Creates an activity and fires ONCRMACTIVITYADD. */
export function createActivity(state: PortalState, fields: Row, actor: Actor): number {
  const id = state.store.activities.nextId()
  const now = formatIso(state.now(), state.cfg.offset)
  const row: Row = { ...SHAPE }
  apply(state, row, fields)
  const user = String(actor.userId)
  Object.assign(row, { ID: String(id), CREATED: now, LAST_UPDATED: now, AUTHOR_ID: user, EDITOR_ID: user })
  row.RESPONSIBLE_ID ??= user
  state.store.activities.put(id, row)
  state.store.activityBindings.set(id, [{ entityTypeId: Number(row.OWNER_TYPE_ID), entityId: Number(row.OWNER_ID) }])
  emit(state, 'ONCRMACTIVITYADD', { FIELDS: { ID: id } }, actor, 'crm')
  return id
}

/** Changes an activity and fires ONCRMACTIVITYUPDATE. */
export function updateActivity(state: PortalState, id: number, fields: Row, actor: Actor): void {
  const row = { ...requireActivity(state, id) }
  apply(state, row, fields)
  Object.assign(row, { LAST_UPDATED: formatIso(state.now(), state.cfg.offset), EDITOR_ID: String(actor.userId) })
  state.store.activities.put(id, row)
  emit(state, 'ONCRMACTIVITYUPDATE', { FIELDS: { ID: id } }, actor, 'crm')
}

/** Deletes an activity and fires ONCRMACTIVITYDELETE. */
export function deleteActivity(state: PortalState, id: number, actor: Actor): void {
  requireActivity(state, id)
  state.store.activities.delete(id)
  state.store.activityBindings.delete(id)
  emit(state, 'ONCRMACTIVITYDELETE', { FIELDS: { ID: id } }, actor, 'crm')
}

/** A stored activity without the on-demand fields (what crm.activity.get shows). */
export function activityView(row: Row, select: readonly string[] = []): Row {
  const out: Row = {}
  for (const [key, value] of Object.entries(row)) {
    if (ACTIVITY_ON_DEMAND.includes(key) && !select.includes(key)) continue
    out[key] = value
  }
  return out
}

/** The records an activity is bound to, its owner first (crm-activity-binding-list.md). */
export function bindingsOf(state: PortalState, id: number): ActivityBinding[] {
  return state.store.activityBindings.get(id) ?? []
}

/**
 * Binds an activity to one more record (crm-activity-binding-add.md: NOT_FOUND, ACTIVITY_IS_ALREADY_BOUND). The page
 * names no event for a new binding, so none is sent (the stricter reading: the app learns of it by re-reading).
 */
export function bindActivity(state: PortalState, id: number, binding: ActivityBinding): void {
  if (state.store.activities.get(id) === undefined) throw new RestError(400, 'NOT_FOUND', 'Element not found')
  const bindings = bindingsOf(state, id)
  if (bindings.some((b) => b.entityTypeId === binding.entityTypeId && b.entityId === binding.entityId)) {
    throw new RestError(400, 'ACTIVITY_IS_ALREADY_BOUND', 'The activity is already bound to this entity')
  }
  state.store.activityBindings.set(id, [...bindings, binding])
}

/** Removes one binding (crm-activity-binding-delete.md: BINDING_NOT_FOUND, LAST_BINDING_CANNOT_BE_DELETED). */
export function unbindActivity(state: PortalState, id: number, binding: ActivityBinding): void {
  if (state.store.activities.get(id) === undefined) throw new RestError(400, 'NOT_FOUND', 'Element not found')
  const bindings = bindingsOf(state, id)
  const rest = bindings.filter((b) => b.entityTypeId !== binding.entityTypeId || b.entityId !== binding.entityId)
  if (rest.length === bindings.length) throw new RestError(400, 'BINDING_NOT_FOUND', 'The activity is not bound to this entity')
  if (rest.length === 0) throw new RestError(400, 'LAST_BINDING_CANNOT_BE_DELETED', 'The only binding of the activity cannot be deleted')
  state.store.activityBindings.set(id, rest)
}

/**
 * crm.activity.list's `BINDINGS` filter: "an array of … objects … of the OWNER_TYPE_ID keys and OWNER_ID keys, either
 * individually or in combination" (crm-activity-list.md); an activity matches when one of its bindings matches one of them.
 */
export function matchesBindings(state: PortalState, id: number, wanted: unknown): boolean {
  const objects = Array.isArray(wanted) ? wanted : isRecord(wanted) ? Object.values(wanted) : []
  return bindingsOf(state, id).some((binding) => objects.some((object) => isRecord(object)
    && (object.OWNER_TYPE_ID === undefined || Number(object.OWNER_TYPE_ID) === binding.entityTypeId)
    && (object.OWNER_ID === undefined || Number(object.OWNER_ID) === binding.entityId)))
}
