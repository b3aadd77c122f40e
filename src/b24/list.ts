// Keyset paging over a v2 list method: order by id, filter ">id", start=-1, until a short page.
import { B24Error } from './b24-error.js'
import { asRecord } from '../shared/records.js'

/** How to read ids and items out of a list method's answer. */
export interface ListOptions {
  /** The id field in each returned item; default 'ID'. tasks.task.list returns 'id'. */
  idKey?: string
  /** The id field as the method sorts and filters by it; default idKey in upper case (tasks.task.list wants 'ID', b24jssdk issue #185). crm.item.list needs 'id'. */
  cursorKey?: string
  /** The key the items sit under in `result`, e.g. 'tasks' for tasks.task.list; default: `result` is the array. */
  resultKey?: string
}

/** The portal's fixed page size for v2 list methods (docs: settings/performance/huge-data.md). */
export const PAGE_SIZE = 50

type CallPage = (method: string, params: Record<string, unknown>) => Promise<unknown>

/** Yields every matching record once, page by page, in ascending id order; `order` and `start` from the caller are replaced. */
export async function* keysetPages<T>(call: CallPage, method: string, params: Record<string, unknown>, opts: ListOptions = {}): AsyncGenerator<T[]> {
  const idKey = opts.idKey ?? 'ID'
  const cursorKey = opts.cursorKey ?? idKey.toUpperCase()
  const { order: _order, start: _start, filter, select, ...rest } = params
  const baseFilter = asRecord(filter)
  const moreThan = `>${cursorKey}`
  // A caller's own ">ID" is where the walk starts (resuming an earlier one).
  let lastId = Number(baseFilter[moreThan] ?? 0)
  for (;;) {
    const answer = await call(method, {
      ...rest,
      ...(select === undefined ? {} : { select: withCursor(select, cursorKey) }),
      order: { [cursorKey]: 'ASC' },
      filter: { ...baseFilter, [moreThan]: lastId },
      // start=-1 skips the COUNT(*) the portal otherwise runs on every page.
      start: -1,
    })
    const items = itemsOf(answer, opts.resultKey, method)
    if (items.length === 0) return
    yield items as T[]
    if (items.length < PAGE_SIZE) return
    const last = items[items.length - 1] as Record<string, unknown> | undefined
    const next = Number(last?.[idKey])
    if (!Number.isFinite(next) || next <= lastId) {
      throw new B24Error({ method, code: 'LIST_CURSOR_MISSING', description: `items carry no increasing numeric "${idKey}"; check idKey`, httpStatus: 200 })
    }
    lastId = next
  }
}

// The cursor is read from the items, so it must be selected.
function withCursor(select: unknown, cursorKey: string): unknown {
  if (!Array.isArray(select) || select.includes('*') || select.includes(cursorKey)) return select
  return [...select, cursorKey]
}

function itemsOf(answer: unknown, resultKey: string | undefined, method: string): unknown[] {
  const items = resultKey === undefined ? answer : (answer as Record<string, unknown> | null)?.[resultKey]
  if (Array.isArray(items)) return items
  // An empty list can come back as [] where an object with resultKey was expected.
  if (Array.isArray(answer) && answer.length === 0) return []
  throw new B24Error({ method, code: 'UNEXPECTED_ANSWER', description: `the list answer has no array${resultKey ? ` under "${resultKey}"` : ''}`, httpStatus: 200 })
}
