// The record types the app mirrors: how to re-read one, how to list changed ones, which fields to keep.
import type { TaskHistoryEntry } from '../../rules/types.js'

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
  /** Read in the same batch as the record and kept in its snapshot under `field` (a task's history). */
  extra?: { field: string; get: (id: string) => { method: string; params: Record<string, unknown> }; read: (result: unknown) => unknown }
}

// tasks.task.history.list answers {list: [{id, createdDate, field, value: {from, to}, user: {id, …}}]}.
function readTaskHistory(result: unknown): TaskHistoryEntry[] | undefined {
  const list = asRecord(result)?.list
  if (!Array.isArray(list)) return undefined
  return list.map((item) => {
    const entry = asRecord(item) ?? {}
    const value = asRecord(entry.value) ?? {}
    const text = (v: unknown) => (v === null || v === undefined ? '' : String(v))
    return { field: text(entry.field), from: text(value.from), to: text(value.to), userId: text(asRecord(entry.user)?.id), at: text(entry.createdDate) }
  })
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
  'RESPONSIBLE_ID', 'AUTHOR_ID', 'CREATED', 'LAST_UPDATED', 'START_TIME', 'END_TIME', 'DEADLINE',
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

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

function crm(entity: string, fields: readonly string[], openFilter: Record<string, unknown>): EntityKind {
  const select = fields.includes('PHONE') ? ['*', 'PHONE', 'EMAIL'] : ['*']
  return {
    get: (id) => ({ method: `crm.${entity}.get`, params: { ID: id } }),
    unwrap: asRecord,
    list: { method: `crm.${entity}.list`, modifiedFilter: 'DATE_MODIFY', idKey: 'ID', select, openFilter },
    modifiedField: 'DATE_MODIFY',
    fields,
  }
}

// crm.stagehistory.list answers {items: [{ID, TYPE_ID, OWNER_ID, CREATED_TIME, CATEGORY_ID, STAGE_SEMANTIC_ID, STAGE_ID}]}: the newest first here.
function readLastStageMove(result: unknown): { STAGE_ID: string; CREATED_TIME: string } | null | undefined {
  const items = asRecord(result)?.items
  if (!Array.isArray(items)) return undefined
  const last = asRecord(items[0])
  return last ? { STAGE_ID: String(last.STAGE_ID ?? ''), CREATED_TIME: String(last.CREATED_TIME ?? '') } : null
}

/** Every mirrored kind, by the entity name events carry. */
export const ENTITIES: Record<string, EntityKind> = {
  lead: crm('lead', LEAD_FIELDS, { STATUS_SEMANTIC_ID: 'P' }),
  deal: {
    ...crm('deal', DEAL_FIELDS, { CLOSED: 'N' }),
    // When the deal reached its stage: the newest row of its stage history.
    extra: {
      field: 'LAST_STAGE_MOVE',
      get: (id) => ({ method: 'crm.stagehistory.list', params: { entityTypeId: 2, order: { ID: 'DESC' }, filter: { OWNER_ID: id }, select: ['ID', 'TYPE_ID', 'STAGE_ID', 'CREATED_TIME'] } }),
      read: readLastStageMove,
    },
  },
  company: crm('company', COMPANY_FIELDS, {}),
  contact: crm('contact', CONTACT_FIELDS, {}),
  activity: {
    get: (id) => ({ method: 'crm.activity.get', params: { ID: id } }),
    unwrap: asRecord,
    list: { method: 'crm.activity.list', modifiedFilter: 'LAST_UPDATED', idKey: 'ID', select: ['*'], openFilter: { COMPLETED: 'N' } },
    modifiedField: 'LAST_UPDATED',
    fields: ACTIVITY_FIELDS,
  },
  task: {
    get: (id) => ({ method: 'tasks.task.get', params: { taskId: id, select: TASK_SELECT } }),
    unwrap: (result) => asRecord(asRecord(result)?.task),
    list: {
      method: 'tasks.task.list', modifiedFilter: 'CHANGED_DATE', idKey: 'id', resultKey: 'tasks', select: TASK_SELECT,
      openFilter: { '!STATUS': 5 },
    },
    modifiedField: 'changedDate',
    fields: TASK_FIELDS,
    // Who was responsible, who set the deadline, who commented: the rules read the history, oldest first.
    extra: {
      field: 'history',
      get: (id) => ({ method: 'tasks.task.history.list', params: { taskId: id, order: { ID: 'asc' } } }),
      read: readTaskHistory,
    },
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
