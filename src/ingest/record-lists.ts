// The lists read with a record and kept in its snapshot (a task's history, an activity's bindings, a deal's newest stage
// move), and a lead's or deal's activities read at its deadline: how each is paged and what of it is kept.
import type { TaskHistoryEntry } from '../../rules/types.js'
import { asRecord, isRecord } from '../shared/records.js'
import { PAGE_SIZE, type PagedList } from './paged-lists.js'

/** crm.activity.list's select: every field (crm-activity-list.md). */
export const ACTIVITY_SELECT = ['*']

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v))
const fullPage = (page: unknown[]): boolean => page.length === PAGE_SIZE

// tasks.task.history.list answers {list: [{id, createdDate, field, value: {from, to}, user: {id, …}}]}, one page of 50
// a call, paged by `start`, ordered by `createdDate` (tasks-task-history-list.md).
export function taskHistory(taskId: string): PagedList {
  return {
    page: (start) => ({ method: 'tasks.task.history.list', params: { taskId, order: { createdDate: 'ASC' }, start } }),
    rows: (result) => {
      const list = asRecord(result).list
      return Array.isArray(list) ? list : undefined
    },
    more: fullPage,
  }
}

// Oldest first, each row once (rows created in the same second may come in either order across pages).
export function keepTaskHistory(rows: unknown[]): TaskHistoryEntry[] {
  const byId = new Map<string, Record<string, unknown>>()
  for (const row of rows) {
    if (isRecord(row)) byId.set(text(row.id), row)
  }
  const entries = [...byId.values()].sort((a, b) => Date.parse(text(a.createdDate)) - Date.parse(text(b.createdDate)) || Number(a.id) - Number(b.id))
  return entries.map((entry) => {
    const value = asRecord(entry.value)
    return { field: text(entry.field), from: text(value.from), to: text(value.to), userId: text(asRecord(entry.user).id), at: text(entry.createdDate) }
  })
}

/** One record an activity is bound to, in the portal's spelling of crm.activity.list (strings, as the mirror keeps them). */
export interface ActivityBinding { OWNER_TYPE_ID: string; OWNER_ID: string }

// crm.activity.binding.list answers [{entityTypeId, entityId}] (crm-activity-binding-list.md): the owner and every
// other record the activity is bound to (a call from the contact's card bound to the deal).
export function activityBindings(activityId: string): PagedList {
  return {
    page: (start) => ({ method: 'crm.activity.binding.list', params: { activityId, start } }),
    rows: (result) => (Array.isArray(result) ? result : undefined),
    more: fullPage,
  }
}

export function keepBindings(rows: unknown[]): ActivityBinding[] {
  const bindings = rows.map((row) => ({ OWNER_TYPE_ID: text(asRecord(row).entityTypeId), OWNER_ID: text(asRecord(row).entityId) }))
  return sortedBindings(bindings.filter((binding) => binding.OWNER_TYPE_ID !== '' && binding.OWNER_ID !== ''))
}

function sortedBindings(bindings: ActivityBinding[]): ActivityBinding[] {
  const unique = new Map(bindings.map((binding) => [`${binding.OWNER_TYPE_ID}:${binding.OWNER_ID}`, binding]))
  return [...unique.values()].sort((a, b) => Number(a.OWNER_TYPE_ID) - Number(b.OWNER_TYPE_ID) || Number(a.OWNER_ID) - Number(b.OWNER_ID))
}

/** The records an activity snapshot is bound to: its bindings as read, or its owner when they were not. */
export function bindingsOf(activity: Record<string, unknown>): ActivityBinding[] {
  if (Array.isArray(activity.BINDINGS)) return activity.BINDINGS as ActivityBinding[]
  const owner = { OWNER_TYPE_ID: text(activity.OWNER_TYPE_ID), OWNER_ID: text(activity.OWNER_ID) }
  return owner.OWNER_TYPE_ID && owner.OWNER_ID ? [owner] : []
}

/** An activity read through a record's bindings, with that record added to the bindings the mirror knew. */
export function withBinding(activity: Record<string, unknown>, known: Record<string, unknown> | undefined, binding: ActivityBinding): Record<string, unknown> {
  const knownBindings = Array.isArray(known?.BINDINGS) ? (known.BINDINGS as ActivityBinding[]) : []
  return { ...activity, BINDINGS: sortedBindings([...knownBindings, ...bindingsOf(activity), binding]) }
}

// crm.stagehistory.list answers {items: [{ID, TYPE_ID, OWNER_ID, CREATED_TIME, CATEGORY_ID, STAGE_SEMANTIC_ID, STAGE_ID}]}
// (crm-stage-history-list.md): the newest first here, and only the newest is kept, so one page is enough.
export function stageHistory(dealId: string): PagedList {
  return {
    page: () => ({ method: 'crm.stagehistory.list', params: { entityTypeId: 2, order: { ID: 'DESC' }, filter: { OWNER_ID: dealId }, select: ['ID', 'TYPE_ID', 'STAGE_ID', 'CREATED_TIME'] } }),
    rows: (result) => {
      const items = asRecord(result).items
      return Array.isArray(items) ? items : undefined
    },
    more: () => false,
  }
}

export function keepLastStageMove(rows: unknown[]): { STAGE_ID: string; CREATED_TIME: string } | null {
  const last = rows[0]
  return isRecord(last) ? { STAGE_ID: text(last.STAGE_ID), CREATED_TIME: text(last.CREATED_TIME) } : null
}

/** crm.activity.list's OWNER_TYPE_ID (crm.enum.ownertype) of the records whose activities rules read: 1 lead, 2 deal. */
export const OWNER_TYPE_IDS: Readonly<Record<string, '1' | '2'>> = { lead: '1', deal: '2' }

/**
 * Every activity bound to a lead or deal that decides its rules: all its open ones and its newest finished ones.
 * Open ones come first (COMPLETED N before Y), then the finished newest first; a full page whose last row is still
 * open may leave open ones out, so the next is read. `BINDINGS` finds the activities bound to the record from another
 * record's card, which an OWNER_TYPE_ID/OWNER_ID filter misses (crm-activity-list.md).
 */
export function activitiesOfRecord(entity: string, entityId: string): PagedList | undefined {
  const ownerTypeId = OWNER_TYPE_IDS[entity]
  if (!ownerTypeId) return undefined
  return {
    page: (start) => ({
      method: 'crm.activity.list',
      params: {
        filter: { BINDINGS: [{ OWNER_TYPE_ID: ownerTypeId, OWNER_ID: entityId }] },
        order: { COMPLETED: 'ASC', LAST_UPDATED: 'DESC' },
        select: ACTIVITY_SELECT,
        start,
      },
    }),
    rows: (result) => (Array.isArray(result) ? result : undefined),
    more: (page) => fullPage(page) && text(asRecord(page[page.length - 1]).COMPLETED) !== 'Y',
  }
}
