// Before an action that may already have been carried out is sent again, the portal is asked whether it was: a fix whose
// fields the record already holds, a timeline comment already on the record, are not written a second time.
import type { BatchCommands, PortalClient } from '../b24/index.js'
import type { Action } from '../store/actions.js'
import { isRecord } from '../shared/records.js'

// How many of a record's newest comments are looked through (one page: the portal answers 50 rows a call,
// crm-timeline-comment-list.md); the comment sent a moment ago is among them.
const NEWEST_FIRST = { ID: 'DESC' }

/**
 * Actions tried before whose outcome is unknown (an answer lost to a timeout or a cut connection, a restart while
 * sending): a fix or a comment. Notifications are left out: sent again with the same TAG, one replaces the other.
 */
export function mayBeDone(action: Action): boolean {
  return action.attempts > 1 && (action.kind === 'fix' || action.kind === 'comment')
}

/** The ids of those `actions` the portal shows done already; reads the records in one batch (it throws when that fails). */
export async function alreadyDone(client: Pick<PortalClient, 'batch'>, actions: readonly Action[]): Promise<Set<number>> {
  if (actions.length === 0) return new Set()
  const commands: BatchCommands = {}
  for (const action of actions) commands[`v${action.id}`] = lookFor(action)
  const outcome = await client.batch(commands)
  const done = new Set<number>()
  for (const action of actions) {
    const result = outcome.results[`v${action.id}`]
    if (outcome.errors[`v${action.id}`] === undefined && shows(action, result)) done.add(action.id)
  }
  return done
}

function lookFor(action: Action): { method: string; params: Record<string, unknown> } {
  const payload = action.payload
  if (action.kind === 'fix') return { method: `crm.${String(payload.entity)}.get`, params: { id: payload.entityId } }
  // crm.timeline.comment.list: ENTITY_ID and ENTITY_TYPE are its two mandatory filter fields.
  return {
    method: 'crm.timeline.comment.list',
    params: { filter: { ENTITY_ID: payload.entityId, ENTITY_TYPE: payload.entity }, order: NEWEST_FIRST, select: ['ID', 'COMMENT'] },
  }
}

// A fix is done when the record holds each of its fields as written (the portal answers strings); a comment when the
// record has one with its text.
function shows(action: Action, result: unknown): boolean {
  const payload = action.payload
  if (action.kind === 'fix') {
    if (!isRecord(result) || !isRecord(payload.fields)) return false
    return Object.entries(payload.fields).every(([field, value]) => sameValue(result[field], value))
  }
  return Array.isArray(result) && result.some((row) => isRecord(row) && row.COMMENT === payload.comment)
}

function sameValue(held: unknown, written: unknown): boolean {
  if (typeof written === 'string' || typeof written === 'number') return String(held ?? '') === String(written)
  return JSON.stringify(held) === JSON.stringify(written)
}
