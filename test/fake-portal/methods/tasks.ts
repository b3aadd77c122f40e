// tasks.task.add / get / list / update / delete: UPPER_CASE fields, filter and select in, camelCase out.
import { camel, selectTask, taskView } from '../domain/task-shape.js'
import { createTask, deleteTask, findTask, updateTask } from '../domain/tasks.js'
import { RestError } from '../envelope.js'
import { asList, matchesAll, paginate, parseFilter, parseOrder, sortRows, type Condition, type Resolve } from '../list.js'
import { parseInstant } from '../clock.js'
import type { Row } from '../store.js'
import { isRecord, param, type Params } from '../util.js'
import { ok, type MethodTable } from './registry.js'

// The order keys tasks-task-list.md lists.
const SORTABLE = new Set(
  `ID TITLE TIME_SPENT_IN_LOGS DATE_START CREATED_DATE CHANGED_DATE CLOSED_DATE ACTIVITY_DATE START_DATE_PLAN END_DATE_PLAN
  DEADLINE REAL_STATUS STATUS_COMPLETE PRIORITY MARK CREATED_BY_LAST_NAME RESPONSIBLE_LAST_NAME GROUP_ID TIME_ESTIMATE
  ALLOW_CHANGE_DEADLINE ALLOW_TIME_TRACKING MATCH_WORK_TIME FAVORITE SORTING IS_PINNED IS_PINNED_IN_GROUP`.split(/\s+/),
)
const FILTER_NAMES: Record<string, string> = {
  REAL_STATUS: 'status', STATUS: 'status', STATUS_COMPLETE: 'status', ACCOMPLICE: 'accomplices', AUDITOR: 'auditors',
}

/** Reads an UPPER_CASE filter/order name from a stored camelCase task. */
const taskResolve: Resolve = (row, field) => row[FILTER_NAMES[field.toUpperCase()] ?? camel(field)]

/** The taskId of tasks.task.*: "100" when missing, "0" "wrong task id" when not a number (tasks-task-get.md). */
export function taskIdParam(p: Params, name = 'taskId'): number {
  const raw = param(p, name)
  if (raw === undefined || raw === null || raw === '') {
    throw new RestError(400, '100', 'CTaskItem All parameters in the constructor must have real class type (internal error)')
  }
  const id = Number(raw)
  if (!Number.isInteger(id) || id <= 0) throw new RestError(400, '0', 'wrong task id')
  return id
}

function fieldsOf(p: Params): Row {
  const fields = param(p, 'fields')
  if (!isRecord(fields) || Object.keys(fields).length === 0) {
    throw new RestError(400, '100', 'Could not find value for parameter {fields} (internal error)')
  }
  return fields
}

/** STATUS meta values only filters know: -1 overdue, -2 not viewed (tasks-task-list.md). */
function metaStatus(row: Row, value: number, now: number, offset: string): boolean {
  if (value === -1) {
    const deadline = parseInstant(row.deadline, offset)
    return deadline !== null && deadline < now && !['4', '5'].includes(String(row.status))
  }
  if (value === -2) return row.notViewed === 'Y'
  return false
}

function filterTasks(rows: Row[], filter: Condition[], now: number, offset: string): Row[] {
  const meta = filter.filter((c) => c.field.toUpperCase() === 'STATUS' && Number(c.value) < 0)
  const plain = filter.filter((c) => !meta.includes(c))
  return rows.filter((row) => {
    if (!matchesAll(row, plain, taskResolve, offset)) return false
    return meta.every((c) => metaStatus(row, Number(c.value), now, offset) === (c.op === '=' || c.op === '@'))
  })
}

/** The tasks.task.* methods. */
export const taskMethods: MethodTable = {
  // api-reference/tasks/tasks-task-add.md
  'tasks.task.add': ({ state, userId }, p) => {
    const id = createTask(state, fieldsOf(p), { userId })
    return ok({ task: taskView(state, findTask(state, id) ?? {}, true) })
  },

  // api-reference/tasks/tasks-task-get.md: "Returns an empty array "result":[] if the task does not exist".
  'tasks.task.get': ({ state }, p) => {
    const id = taskIdParam(p)
    const rawSelect = param(p, 'select')
    if (rawSelect !== undefined && !Array.isArray(rawSelect) && !isRecord(rawSelect)) {
      throw new RestError(400, '100', 'Invalid value {} to match with parameter {select}. Should be value of type array. (internal error)')
    }
    const row = findTask(state, id)
    if (row === null) return ok([])
    const select = asList(rawSelect)
    return ok({ task: select.length === 0 ? taskView(state, row, false) : selectTask(state, row, select) })
  },

  // api-reference/tasks/tasks-task-update.md
  'tasks.task.update': ({ state, userId }, p) => {
    const id = taskIdParam(p)
    updateTask(state, id, fieldsOf(p), { userId })
    return ok({ task: taskView(state, findTask(state, id) ?? {}, true) })
  },

  // api-reference/tasks/tasks-task-delete.md
  'tasks.task.delete': ({ state, userId }, p) => {
    deleteTask(state, taskIdParam(p), { userId })
    return ok({ task: true })
  },

  // api-reference/tasks/tasks-task-list.md: "By default, it sorts in descending order by `ID`"; an unknown order key
  // is "Invalid sorting key"; pages of 50 by `start`.
  'tasks.task.list': ({ state }, p) => {
    const order = parseOrder(param(p, 'order'))
    if (order.some(([field]) => !SORTABLE.has(field.toUpperCase()))) {
      throw new RestError(400, '0', 'Invalid sorting key (internal error)')
    }
    const offset = state.cfg.offset
    const rows = filterTasks(state.store.tasks.all(), parseFilter(param(p, 'filter')), state.now(), offset)
    const sorted = sortRows(rows, order.length > 0 ? order : [['ID', true]], taskResolve, offset, 'id')
    const page = paginate(sorted, param(p, 'start'))
    const select = asList(param(p, 'select'))
    const tasks = page.items.map((row) => selectTask(state, row, select))
    const out = { result: { tasks }, total: page.total }
    return page.next === undefined ? out : { ...out, next: page.next }
  },
}
