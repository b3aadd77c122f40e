// The record types the app mirrors: how to re-read one, how to list changed ones, which fields to keep.
import { asRecord, isRecord } from '../shared/records.js'
import type { PagedList } from './paged-lists.js'
import {
  ACTIVITY_SELECT, activityBindings, keepBindings, keepLastStageMove, keepTaskHistory, stageHistory, taskHistory,
} from './record-lists.js'

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
    list: { method: 'crm.activity.list', modifiedFilter: 'LAST_UPDATED', idKey: 'ID', select: ACTIVITY_SELECT, openFilter: { COMPLETED: 'N' } },
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
