// tasks.task.history.list and the legacy task.commentitem.add / getlist.
import { findTask, addTaskComment } from '../domain/tasks.js'
import { RestError } from '../envelope.js'
import { matchesAll, PAGE_SIZE, parseFilter, parseOrder, sortRows, upperResolve } from '../list.js'
import type { Row } from '../store.js'
import { isRecord, param, str, type Params } from '../util.js'
import { taskIdParam } from './tasks.js'
import { ok, type CallContext, type MethodTable } from './registry.js'

/** Legacy task.* methods take parameters by name or by position ("pass parameters … according to the order"). */
function positional(p: Params, name: string, index: number): unknown {
  return param(p, name) ?? p[String(index)]
}

function historyUser(ctx: CallContext, userId: unknown): Row {
  const user = ctx.state.store.users.get(Number(userId))
  return {
    id: Number(userId),
    name: str(user?.NAME),
    lastName: str(user?.LAST_NAME),
    secondName: str(user?.SECOND_NAME),
    login: str(user?.LOGIN),
  }
}

/** History and comment methods of tasks. */
export const taskExtraMethods: MethodTable = {
  // api-reference/tasks/tasks-task-history-list.md: the order key is `createdDate` ("By default, records are sorted in descending order by
  // creation time"); one call returns one page of at most 50 rows (the page's JS sample), paged by `start` as
  // b24phpsdk's historyList(int $id, int $start = 0) does, with no `next` or `total` in the documented answer; a task
  // that does not exist answers "list": [] (real-portal-requests.md). Another order key is not documented: ignored.
  'tasks.task.history.list': (ctx, p) => {
    const taskId = taskIdParam(p)
    const filter = param(p, 'filter')
    const field = isRecord(filter) ? str(param(filter, 'FIELD')).toUpperCase() : ''
    const order = param(p, 'order')
    const direction = isRecord(order) ? Object.entries(order).find(([key]) => key === 'createdDate')?.[1] : undefined
    const ascending = str(direction).toLowerCase() === 'asc'
    const rows = findTask(ctx.state, taskId) === null ? [] : ctx.state.store.taskHistory.all().filter((row) => row.taskId === taskId && (field === '' || row.field === field))
    const sorted = sortRows(rows, [['createdDate', !ascending], ['id', !ascending]], (row, key) => row[key], ctx.state.cfg.offset, 'id')
    const start = Number(param(p, 'start') ?? 0)
    const from = Number.isInteger(start) && start > 0 ? start : 0
    const list = sorted.slice(from, from + PAGE_SIZE)
      .map((row) => ({ id: row.id, createdDate: row.createdDate, field: row.field, value: row.value, user: historyUser(ctx, row.userId) }))
    return ok({ list })
  },

  // "allows any user to add a comment on behalf of another user" (api-reference/tasks/comment-item/task-comment-item-add.md).
  'task.commentitem.add': (ctx, p) => {
    const taskId = taskIdParam({ TASKID: positional(p, 'TASKID', 0) }, 'TASKID')
    const fields = positional(p, 'FIELDS', 1)
    if (!isRecord(fields) || str(fields.POST_MESSAGE).trim() === '') throw new RestError(400, 'ERROR_CORE', 'Comment text is empty')
    const author = Number(fields.AUTHOR_ID ?? ctx.userId) || ctx.userId
    return ok(addTaskComment(ctx.state, taskId, str(fields.POST_MESSAGE), author, { userId: ctx.userId }))
  },

  // Default order: ID descending (api-reference/tasks/comment-item/task-comment-item-get-list.md).
  'task.commentitem.getlist': (ctx, p) => {
    const taskId = taskIdParam({ TASKID: positional(p, 'TASKID', 0) }, 'TASKID')
    if (findTask(ctx.state, taskId) === null) throw new RestError(400, 'ERROR_CORE', 'Task not found or not accessible')
    const order = parseOrder(positional(p, 'ORDER', 1))
    const filter = parseFilter(positional(p, 'FILTER', 2))
    const offset = ctx.state.cfg.offset
    const rows = ctx.state.store.taskComments.all().filter((row) => row.TASK_ID === taskId && matchesAll(row, filter, upperResolve, offset))
    const sorted = sortRows(rows, order.length > 0 ? order : [['ID', true]], upperResolve, offset)
    return ok(sorted.map(({ TASK_ID: _task, MESSAGE_ID: _message, ...comment }) => comment))
  },
}
