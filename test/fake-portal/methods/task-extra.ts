// tasks.task.history.list and the legacy task.commentitem.add / getlist.
import { findTask, addTaskComment } from '../domain/tasks.js'
import { RestError } from '../envelope.js'
import { matchesAll, parseFilter, parseOrder, sortRows, upperResolve } from '../list.js'
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
  // Newest first unless `order` asks for ascending (tasks-task-history-list.md).
  'tasks.task.history.list': (ctx, p) => {
    const taskId = taskIdParam(p)
    if (findTask(ctx.state, taskId) === null) throw new RestError(400, '0', 'Access denied. (internal error)')
    const filter = param(p, 'filter')
    const field = isRecord(filter) ? str(param(filter, 'FIELD')).toUpperCase() : ''
    const order = param(p, 'order')
    const ascending = isRecord(order) && Object.values(order).some((v) => str(v).toLowerCase() === 'asc')
    const rows = ctx.state.store.taskHistory.all().filter((row) => row.taskId === taskId && (field === '' || row.field === field))
    if (!ascending) rows.reverse()
    const list = rows.map((row) => ({ id: row.id, createdDate: row.createdDate, field: row.field, value: row.value, user: historyUser(ctx, row.userId) }))
    return ok({ list })
  },

  // "allows any user to add a comment on behalf of another user" (task-comment-item-add.md).
  'task.commentitem.add': (ctx, p) => {
    const taskId = taskIdParam({ TASKID: positional(p, 'TASKID', 0) }, 'TASKID')
    const fields = positional(p, 'FIELDS', 1)
    if (!isRecord(fields) || str(fields.POST_MESSAGE).trim() === '') throw new RestError(400, 'ERROR_CORE', 'Comment text is empty')
    const author = Number(fields.AUTHOR_ID ?? ctx.userId) || ctx.userId
    return ok(addTaskComment(ctx.state, taskId, str(fields.POST_MESSAGE), author, { userId: ctx.userId }))
  },

  // Default order: ID descending (task-comment-item-get-list.md).
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
