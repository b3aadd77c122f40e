// Creating, changing and deleting tasks, their history and comments, and the ONTASK* events.
import { randomUUID } from 'node:crypto'
import { formatIso, normaliseDate } from '../clock.js'
import { emit } from '../emit.js'
import { RestError } from '../envelope.js'
import type { Actor, PortalState } from '../state.js'
import { take, type Row } from '../store.js'
import { isRecord, str, yn } from '../util.js'
import { fullName } from './directory.js'
import { TASK_SHAPE, WRITABLE, camel, upper } from './task-shape.js'

const ID_FIELDS = new Set(['responsibleId', 'createdBy', 'groupId', 'parentId'])
const DATE_FIELDS = new Set(['deadline', 'startDatePlan', 'endDatePlan', 'dateStart'])
const LIST_FIELDS = new Set(['accomplices', 'auditors', 'ufCrmTask', 'ufTaskWebdavFiles'])
const FLAG_FIELDS = new Set(['allowChangeDeadline', 'allowTimeTracking', 'taskControl', 'matchWorkTime', 'addInReport', 'descriptionInBbcode'])
const TRACKED = [
  'title', 'description', 'status', 'priority', 'responsibleId', 'createdBy', 'accomplices', 'auditors', 'deadline',
  'groupId', 'parentId', 'startDatePlan', 'endDatePlan',
]

/** The ERROR_CORE answers of tasks.task.add/update (tasks-task-add.md); messages end in `<br>`. */
export function taskCore(text: string): RestError {
  return new RestError(400, 'ERROR_CORE', `${text}<br>`)
}

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String)
  if (isRecord(value)) return Object.values(value).map(String)
  if (value === null || value === undefined || value === '') return []
  return [String(value)]
}

/** Writes UPPER_CASE client fields into a stored task; unknown names are ignored. */
function apply(state: PortalState, row: Row, fields: Row): void {
  for (const [key, value] of Object.entries(fields)) {
    const name = key.toUpperCase() === 'REAL_STATUS' ? 'status' : camel(key)
    if (!WRITABLE.has(name) && !key.toUpperCase().startsWith('UF_')) continue
    if (ID_FIELDS.has(name)) row[name] = value === null || value === '' ? (name === 'groupId' ? '0' : null) : String(Number(value))
    else if (DATE_FIELDS.has(name)) row[name] = normaliseDate(value, state.cfg.offset) || null
    else if (LIST_FIELDS.has(name)) row[name] = listOf(value)
    else if (FLAG_FIELDS.has(name)) row[name] = yn(value)
    else row[name] = value === null ? null : typeof value === 'object' ? value : String(value)
  }
}

function validate(state: PortalState, row: Row): void {
  if (row.title === null || String(row.title).trim() === '') throw taskCore('Task title is not specified')
  if (row.responsibleId === null || row.responsibleId === '') throw taskCore('Responsible person not specified')
  if (state.store.users.get(Number(row.responsibleId)) === undefined) throw taskCore('User specified in the "Responsible" field not found')
  if (!['1', '2', '3', '4', '5', '6', '7'].includes(String(row.status))) throw taskCore('Invalid status')
}

/** The stored task or null. */
export function findTask(state: PortalState, id: number): Row | null {
  return state.store.tasks.get(id) ?? null
}

/** Creates a task (TITLE and RESPONSIBLE_ID required), records NEW in its history, fires ONTASKADD. */
export function createTask(state: PortalState, fields: Row, actor: Actor): number {
  const now = formatIso(state.now(), state.cfg.offset)
  const user = String(actor.userId)
  const row: Row = { ...TASK_SHAPE, createdBy: user, ufCrmTask: [], ufTaskWebdavFiles: [], ufMailMessage: null }
  apply(state, row, fields)
  validate(state, row)
  const id = state.store.tasks.nextId()
  Object.assign(row, { id: String(id), createdDate: now, changedBy: user, changedDate: now, activityDate: now })
  Object.assign(row, { statusChangedDate: now, guid: `{${randomUUID()}}` })
  closeIfDone(row, actor, now)
  state.store.tasks.put(id, row)
  addHistory(state, id, 'NEW', null, null, actor.userId, now)
  const data = { FIELDS_BEFORE: 'undefined', FIELDS_AFTER: { ID: id }, IS_ACCESSIBLE_BEFORE: 'N', IS_ACCESSIBLE_AFTER: 'undefined' }
  emit(state, 'ONTASKADD', data, actor, 'task')
  return id
}

/** Changes a task, records each changed field in its history, fires ONTASKUPDATE. */
export function updateTask(state: PortalState, id: number, fields: Row, actor: Actor): void {
  const before = findTask(state, id)
  if (before === null) throw new RestError(400, '0', 'Action on the task is not allowed (internal error)')
  const now = formatIso(state.now(), state.cfg.offset)
  const row: Row = { ...before }
  apply(state, row, fields)
  validate(state, row)
  for (const field of TRACKED) {
    const from = historyValue(before[field])
    const to = historyValue(row[field])
    if (from !== to) addHistory(state, id, upper(field), from, to, actor.userId, now)
  }
  if (row.status !== before.status) {
    Object.assign(row, { statusChangedBy: String(actor.userId), statusChangedDate: now })
    closeIfDone(row, actor, now)
  }
  Object.assign(row, { changedBy: String(actor.userId), changedDate: now, activityDate: now })
  state.store.tasks.put(id, row)
  const data = { FIELDS_BEFORE: { ID: id }, FIELDS_AFTER: { ID: id }, IS_ACCESSIBLE_BEFORE: 'undefined', IS_ACCESSIBLE_AFTER: 'undefined' }
  emit(state, 'ONTASKUPDATE', data, actor, 'task')
}

/** Deletes a task and fires ONTASKDELETE; 400 "No access to delete the task" when it does not exist. */
export function deleteTask(state: PortalState, id: number, actor: Actor): void {
  if (findTask(state, id) === null) throw new RestError(400, '1048582', 'No access to delete the task')
  state.store.tasks.delete(id)
  const data = { FIELDS_BEFORE: { ID: id }, FIELDS_AFTER: 'undefined', IS_ACCESSIBLE_BEFORE: 'undefined', IS_ACCESSIBLE_AFTER: 'N' }
  emit(state, 'ONTASKDELETE', data, actor, 'task')
}

/**
 * Adds a comment and fires ONTASKCOMMENTADD. With the new task card the comment is a chat message: ID 0,
 * MESSAGE_ID, TASK_ID (on-task-comment-add.md; the key order of a 2026 capture); the old card sends the
 * comment's id and TASK_ID. Both captures (2025, 2026) have IS_ACCESSIBLE_BEFORE=N where the docs show 'undefined'.
 */
export function addTaskComment(state: PortalState, taskId: number, text: string, authorId: number, actor: Actor): number {
  const task = findTask(state, taskId)
  if (task === null) throw new RestError(400, 'ERROR_CORE', 'Task not found or not accessible')
  if (text.trim() === '') throw new RestError(400, 'ERROR_CORE', 'Comment text is empty')
  const now = formatIso(state.now(), state.cfg.offset)
  const id = state.store.taskComments.nextId()
  const messageId = take(state.store.messageSeq)
  const author = state.store.users.get(authorId)
  state.store.taskComments.put(id, {
    POST_MESSAGE_HTML: null, ID: String(id), AUTHOR_ID: String(authorId), AUTHOR_NAME: fullName(state, authorId),
    AUTHOR_EMAIL: author === undefined ? '' : str(author.EMAIL), POST_DATE: now, POST_MESSAGE: text, ATTACHED_OBJECTS: {},
    TASK_ID: taskId, MESSAGE_ID: messageId,
  })
  state.store.tasks.put(taskId, { ...task, commentsCount: String(Number(task.commentsCount ?? 0) + 1), activityDate: now })
  addHistory(state, taskId, 'COMMENT', null, String(id), authorId, now)
  const fieldsAfter = state.cfg.taskCard === 'old' ? { ID: id, TASK_ID: taskId } : { ID: 0, MESSAGE_ID: messageId, TASK_ID: taskId }
  const data = { FIELDS_BEFORE: 'undefined', FIELDS_AFTER: fieldsAfter, IS_ACCESSIBLE_BEFORE: 'N', IS_ACCESSIBLE_AFTER: 'undefined' }
  emit(state, 'ONTASKCOMMENTADD', data, actor, 'task')
  return id
}

function closeIfDone(row: Row, actor: Actor, now: string): void {
  if (row.status === '5') Object.assign(row, { closedBy: String(actor.userId), closedDate: now })
  else Object.assign(row, { closedBy: null, closedDate: null })
}

function historyValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',')
  return value === null || value === undefined ? '' : String(value)
}

function addHistory(
  state: PortalState, taskId: number, field: string, from: string | null, to: string | null, userId: number, now: string,
): void {
  const id = state.store.taskHistory.nextId()
  state.store.taskHistory.put(id, { id, taskId, createdDate: now, field, value: { from, to }, userId })
}
