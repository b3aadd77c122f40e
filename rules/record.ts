// Reading the portal's records the same way in every rule: responsible, creation time, open or closed, text.
import type { Entity, Snapshot, TaskHistoryEntry } from './types.js'

/** The responsible user's id, or null. */
export function responsibleOf(entity: Entity, record: Snapshot): string | null {
  const id = entity === 'task' ? record.responsibleId : entity === 'activity' ? record.RESPONSIBLE_ID : record.ASSIGNED_BY_ID
  return id === undefined || id === null || id === '' ? null : String(id)
}

/** When the record was created (ISO-8601), or ''. */
export function createdAtOf(entity: Entity, record: Snapshot): string {
  const value = entity === 'task' ? record.createdDate : entity === 'activity' ? record.CREATED : record.DATE_CREATE
  return typeof value === 'string' ? value : ''
}

/** The record's title as people know it: a task's `title`, a contact's name, a CRM record's TITLE. */
export function titleOf(entity: Entity, record: Snapshot): string {
  if (entity === 'task') return text(record, 'title')
  if (entity === 'contact') return [text(record, 'NAME'), text(record, 'LAST_NAME')].filter(Boolean).join(' ')
  return text(record, 'TITLE')
}

/** True for a task nothing is owed on any more: completed (status 5) or declined (7). */
export function isTaskClosed(record: Snapshot): boolean {
  return ['5', '7'].includes(text(record, 'status'))
}

/** True for a lead or deal still in work (not converted, junk, won or lost). */
export function isOpen(entity: Entity, record: Snapshot): boolean {
  if (entity === 'lead') return (record.STATUS_SEMANTIC_ID ?? 'P') === 'P'
  if (entity === 'deal') return record.CLOSED !== 'Y' && (record.STAGE_SEMANTIC_ID ?? 'P') === 'P'
  return true
}

/** A field as trimmed text ('' for null, undefined, objects). */
export function text(record: Snapshot, field: string): string {
  const value = record[field]
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : ''
}

/** The values of a multifield (PHONE, EMAIL): `[{VALUE: …}]` as the portal sends it. */
export function multifield(record: Snapshot, field: string): string[] {
  const value = record[field]
  if (!Array.isArray(value)) return []
  return value
    .map((item) => (item && typeof item === 'object' ? String((item as Record<string, unknown>).VALUE ?? '').trim() : ''))
    .filter(Boolean)
}

/** The record's link path inside the portal. */
export function pathOf(entity: Entity, id: string): string {
  if (entity === 'task') return `/company/personal/user/0/tasks/task/view/${id}/`
  return `/crm/${entity}/details/${id}/`
}

/** Lower case with ё as е: for comparing Russian text. */
export function fold(value: string): string {
  return value.toLowerCase().replace(/ё/g, 'е')
}

/** A task's history as the mirror keeps it, oldest first; undefined when the portal's history could not be read. */
export function taskHistory(record: Snapshot): readonly TaskHistoryEntry[] | undefined {
  return Array.isArray(record.history) ? (record.history as TaskHistoryEntry[]) : undefined
}

/** The ids in a list field of a task (ACCOMPLICES, AUDITORS), as strings. */
export function idList(record: Snapshot, field: string): string[] {
  const value = record[field]
  return Array.isArray(value) ? value.map(String).filter((id) => id !== '' && id !== '0') : []
}
