// The record types the app mirrors: how to re-read one, how to list changed ones, which fields to keep.
import type { TaskHistoryEntry } from '../../rules/types.js'
import { PAGE_SIZE, type PagedList } from './paged-lists.js'
import { asRecord, isRecord } from '../shared/records.js'

/** A record kind the app follows, and how the portal serves it. */
export interface EntityKind {
  /** `crm.lead.get {id}` etc.: one record by id. */
  get: (id: string) => { method: string; params: Record<string, unknown> }
  /** Where the record sits in a get answer (tasks wrap it in `task`). */
  unwrap: (result: unknown) => Record<string, unknown> | undefined
  /** The list method for sweeps, its change-time filter field, and id key. */
  list: { method: string; modifiedFilter: string; idKey: string; resultKey?: string; select: string[]; openFilter: Record<string, unknown> }
  /** The snapshot field holding the portal's last-modified time. */
  modifiedField: string
  /** The fields rules and reports need; everything else is dropped. */
  fields: readonly string[]
  /**
   * A list read with the record (its first page in the same batch, the others after) and kept in its snapshot under
   * `field` as `keep` makes it: a task's history, an activity's bindings, a deal's newest stage move.
   */
  extra?: { field: string; list: (id: string) => PagedList; keep: (rows: unknown[]) => unknown }
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v))
const fullPage = (page: unknown[]): boolean => page.length === PAGE_SIZE

// tasks.task.history.list answers {list: [{id, createdDate, field, value: {from, to}, user: {id, …}}]}, one page of 50
// a call, paged by `start`, ordered by `createdDate` (tasks-task-history-list.md).
function taskHistory(taskId: string): PagedList {
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
function keepTaskHistory(rows: unknown[]): TaskHistoryEntry[] {
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
function activityBindings(activityId: string): PagedList {
  return {
    page: (start) => ({ method: 'crm.activity.binding.list', params: { activityId, start } }),
    rows: (result) => (Array.isArray(result) ? result : undefined),
    more: fullPage,
  }
}

function keepBindings(rows: unknown[]): ActivityBinding[] {
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

const LEAD_FIELDS = [
  'ID', 'TITLE', 'COMPANY_TITLE', 'COMPANY_ID', 'CONTACT_ID', 'NAME', 'SECOND_NAME', 'LAST_NAME', 'POST',
  'STATUS_ID', 'STATUS_SEMANTIC_ID', 'SOURCE_ID', 'SOURCE_DESCRIPTION', 'ASSIGNED_BY_ID', 'CREATED_BY_ID',
  'MODIFY_BY_ID', 'DATE_CREATE', 'DATE_MODIFY', 'DATE_CLOSED', 'MOVED_TIME', 'OPPORTUNITY', 'CURRENCY_ID',
  'COMMENTS', 'ADDRESS', 'PHONE', 'EMAIL', 'WEB', 'OPENED',
] as const

const DEAL_FIELDS = [
  'ID', 'TITLE', 'TYPE_ID', 'CATEGORY_ID', 'STAGE_ID', 'STAGE_SEMANTIC_ID', 'CLOSED', 'OPPORTUNITY', 'CURRENCY_ID',
  'COMPANY_ID', 'CONTACT_ID', 'LEAD_ID', 'ASSIGNED_BY_ID', 'CREATED_BY_ID', 'MODIFY_BY_ID', 'DATE_CREATE',
  'DATE_MODIFY', 'MOVED_TIME', 'BEGINDATE', 'CLOSEDATE', 'SOURCE_ID', 'LAST_ACTIVITY_TIME', 'COMMENTS', 'OPENED',
  'LAST_STAGE_MOVE',
] as const

const COMPANY_FIELDS = ['ID', 'TITLE', 'COMPANY_TYPE', 'ASSIGNED_BY_ID', 'CREATED_BY_ID', 'DATE_CREATE', 'DATE_MODIFY', 'PHONE', 'EMAIL'] as const

const CONTACT_FIELDS = [
  'ID', 'NAME', 'SECOND_NAME', 'LAST_NAME', 'COMPANY_ID', 'ASSIGNED_BY_ID', 'DATE_CREATE', 'DATE_MODIFY', 'PHONE', 'EMAIL',
] as const

const ACTIVITY_FIELDS = [
  'ID', 'OWNER_TYPE_ID', 'OWNER_ID', 'TYPE_ID', 'PROVIDER_ID', 'SUBJECT', 'DIRECTION', 'COMPLETED', 'STATUS',
  'RESPONSIBLE_ID', 'AUTHOR_ID', 'CREATED', 'LAST_UPDATED', 'START_TIME', 'END_TIME', 'DEADLINE', 'BINDINGS',
] as const

// tasks.task.* take UPPER_CASE select and answer camelCase.
const TASK_SELECT = [
  'ID', 'TITLE', 'DESCRIPTION', 'STATUS', 'RESPONSIBLE_ID', 'CREATED_BY', 'CREATED_DATE', 'CHANGED_DATE', 'CLOSED_DATE',
  'DEADLINE', 'ACCOMPLICES', 'AUDITORS', 'GROUP_ID', 'UF_CRM_TASK', 'START_DATE_PLAN', 'END_DATE_PLAN',
]
const TASK_FIELDS = [
  'id', 'title', 'description', 'status', 'responsibleId', 'createdBy', 'createdDate', 'changedDate', 'closedDate',
  'deadline', 'accomplices', 'auditors', 'groupId', 'ufCrmTask', 'startDatePlan', 'endDatePlan', 'history',
] as const

function crm(entity: string, fields: readonly string[], openFilter: Record<string, unknown>): EntityKind {
  const select = fields.includes('PHONE') ? ['*', 'PHONE', 'EMAIL'] : ['*']
  return {
    get: (id) => ({ method: `crm.${entity}.get`, params: { ID: id } }),
    unwrap: (result) => (isRecord(result) ? result : undefined),
    list: { method: `crm.${entity}.list`, modifiedFilter: 'DATE_MODIFY', idKey: 'ID', select, openFilter },
    modifiedField: 'DATE_MODIFY',
    fields,
  }
}

// crm.stagehistory.list answers {items: [{ID, TYPE_ID, OWNER_ID, CREATED_TIME, CATEGORY_ID, STAGE_SEMANTIC_ID, STAGE_ID}]}
// (crm-stage-history-list.md): the newest first here, and only the newest is kept, so one page is enough.
function stageHistory(dealId: string): PagedList {
  return {
    page: () => ({ method: 'crm.stagehistory.list', params: { entityTypeId: 2, order: { ID: 'DESC' }, filter: { OWNER_ID: dealId }, select: ['ID', 'TYPE_ID', 'STAGE_ID', 'CREATED_TIME'] } }),
    rows: (result) => {
      const items = asRecord(result).items
      return Array.isArray(items) ? items : undefined
    },
    more: () => false,
  }
}

function keepLastStageMove(rows: unknown[]): { STAGE_ID: string; CREATED_TIME: string } | null {
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
        select: ENTITIES.activity!.list.select,
        start,
      },
    }),
    rows: (result) => (Array.isArray(result) ? result : undefined),
    more: (page) => fullPage(page) && text(asRecord(page[page.length - 1]).COMPLETED) !== 'Y',
  }
}

/** Every mirrored kind, by the entity name events carry. */
export const ENTITIES: Record<string, EntityKind> = {
  lead: crm('lead', LEAD_FIELDS, { STATUS_SEMANTIC_ID: 'P' }),
  deal: {
    ...crm('deal', DEAL_FIELDS, { CLOSED: 'N' }),
    // When the deal reached its stage: the newest row of its stage history.
    extra: { field: 'LAST_STAGE_MOVE', list: stageHistory, keep: keepLastStageMove },
  },
  company: crm('company', COMPANY_FIELDS, {}),
  contact: crm('contact', CONTACT_FIELDS, {}),
  activity: {
    get: (id) => ({ method: 'crm.activity.get', params: { ID: id } }),
    unwrap: (result) => (isRecord(result) ? result : undefined),
    list: { method: 'crm.activity.list', modifiedFilter: 'LAST_UPDATED', idKey: 'ID', select: ['*'], openFilter: { COMPLETED: 'N' } },
    modifiedField: 'LAST_UPDATED',
    fields: ACTIVITY_FIELDS,
    // Which leads and deals the activity counts for: its owner and the records it was bound to from elsewhere.
    extra: { field: 'BINDINGS', list: activityBindings, keep: keepBindings },
  },
  task: {
    get: (id) => ({ method: 'tasks.task.get', params: { taskId: id, select: TASK_SELECT } }),
    unwrap: (result) => {
      const task = asRecord(result).task
      return isRecord(task) ? task : undefined
    },
    list: {
      method: 'tasks.task.list', modifiedFilter: 'CHANGED_DATE', idKey: 'id', resultKey: 'tasks', select: TASK_SELECT,
      openFilter: { '!STATUS': 5 },
    },
    modifiedField: 'changedDate',
    fields: TASK_FIELDS,
    // Who was responsible, who set the deadline, who commented: the rules read the whole history, oldest first.
    extra: { field: 'history', list: taskHistory, keep: keepTaskHistory },
  },
}

/** The fields of `record` that the mirror keeps, in a stable order. */
export function project(kind: EntityKind, record: Record<string, unknown>): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {}
  for (const field of kind.fields) {
    if (record[field] !== undefined) snapshot[field] = record[field]
  }
  return snapshot
}

/** One changed field: its value before and after. */
export type FieldChange = { from: unknown; to: unknown }

/** The fields whose values differ between two snapshots (deep, by JSON value); empty when equal. */
export function diffSnapshots(
  previous: Record<string, unknown> | undefined,
  next: Record<string, unknown> | undefined,
): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {}
  const fields = new Set([...Object.keys(previous ?? {}), ...Object.keys(next ?? {})])
  for (const field of fields) {
    const from = previous?.[field]
    const to = next?.[field]
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from: from ?? null, to: to ?? null }
  }
  return changes
}
