// user.current, user.get and department.get (api-reference/user/, api-reference/departments/).
import { userView } from '../domain/directory.js'
import { matchesAll, paginate, parseFilter, parseOrder, sortRows, upperResolve } from '../list.js'
import type { Row } from '../store.js'
import { isRecord, param, str, type Params } from '../util.js'
import { ok, type MethodTable } from './registry.js'

const USER_PARAMS = new Set(['sort', 'order', 'select', 'start', 'admin_mode', 'filter', 'auth'])
const DEPARTMENT_FILTERS = ['ID', 'NAME', 'SORT', 'PARENT', 'UF_HEAD']

/** `sort`=field with `order`=direction, or an order object; default ID ascending. */
function orderOf(p: Params): Array<[string, boolean]> {
  const order = param(p, 'order')
  if (isRecord(order)) return parseOrder(order)
  const sort = str(param(p, 'sort'))
  if (sort === '') return []
  return [[sort, str(order).toLowerCase() === 'desc']]
}

/** The users and departments methods. */
export const userMethods: MethodTable = {
  'user.current': ({ state, userId }) => {
    const row = state.store.users.get(userId)
    return ok(row === undefined ? {} : userView(row))
  },

  // Filter keys come top-level or inside FILTER (user-get.md).
  'user.get': ({ state }, p) => {
    const inner = param(p, 'filter')
    const filter: Row = isRecord(inner) ? { ...inner } : {}
    for (const [key, value] of Object.entries(p)) if (!USER_PARAMS.has(key.toLowerCase())) filter[key] = value
    const offset = state.cfg.offset
    const rows = state.store.users.all().filter((row) => matchesAll(row, parseFilter(filter), upperResolve, offset))
    const page = paginate(sortRows(rows, orderOf(p), upperResolve, offset), param(p, 'start'))
    return { result: page.items.map(userView), total: page.total, ...(page.next === undefined ? {} : { next: page.next }) }
  },

  'department.get': ({ state }, p) => {
    const filter: Row = {}
    for (const key of DEPARTMENT_FILTERS) {
      const value = param(p, key)
      if (value !== undefined) filter[key] = value
    }
    const offset = state.cfg.offset
    const rows = state.store.departments.all().filter((row) => matchesAll(row, parseFilter(filter), upperResolve, offset))
    const page = paginate(sortRows(rows, orderOf(p), upperResolve, offset), param(p, 'start'))
    return { result: page.items, total: page.total, ...(page.next === undefined ? {} : { next: page.next }) }
  },
}
