// user.current, user.get and department.get (api-reference/user/, api-reference/departments/).
import { userView } from '../domain/directory.js'
import { matchesAll, paginate, parseFilter, parseOrder, sortRows, upperResolve } from '../list.js'
import type { Row } from '../store.js'
import { isRecord, param, str, type Params } from '../util.js'
import { ok, type MethodTable } from './registry.js'

const USER_PARAMS = new Set(['sort', 'order', 'select', 'start', 'admin_mode', 'filter', 'auth'])
// department.get names its filters in upper case and its sorting in lower case: `SORT` filters, `sort` sorts.
const DEPARTMENT_FILTERS = ['ID', 'NAME', 'SORT', 'PARENT', 'UF_HEAD']

/** `sort`=field with `order`=direction, or an order object; none when neither is given. */
function orderOf(sortParam: unknown, orderParam: unknown): Array<[string, boolean]> {
  if (isRecord(orderParam)) return parseOrder(orderParam)
  const sort = str(sortParam)
  if (sort === '') return []
  return [[sort, str(orderParam).toLowerCase() === 'desc']]
}

/** The users and departments methods. */
export const userMethods: MethodTable = {
  // api-reference/user/user-current.md
  'user.current': ({ state, userId }) => {
    const row = state.store.users.get(userId)
    return ok(row === undefined ? {} : userView(row))
  },

  // api-reference/user/user-get.md: filter keys come top-level or inside FILTER; "By default, the method sorts users
  // by ascending `ID`"; pages of 50 by `start`.
  'user.get': ({ state }, p) => {
    const inner = param(p, 'filter')
    const filter: Row = isRecord(inner) ? { ...inner } : {}
    for (const [key, value] of Object.entries(p)) if (!USER_PARAMS.has(key.toLowerCase())) filter[key] = value
    const offset = state.cfg.offset
    const rows = state.store.users.all().filter((row) => matchesAll(row, parseFilter(filter), upperResolve, offset))
    const page = paginate(sortRows(rows, orderOf(param(p, 'sort'), param(p, 'order')), upperResolve, offset), param(p, 'start'))
    return { result: page.items.map(userView), total: page.total, ...(page.next === undefined ? {} : { next: page.next }) }
  },

  // api-reference/departments/department-get.md: filters ID, NAME, SORT, PARENT, UF_HEAD; `sort` and `order`; pages of
  // 50 by `START`. The page names no default order, so without one the newest come first.
  'department.get': ({ state }, p) => {
    const filter: Row = {}
    for (const key of DEPARTMENT_FILTERS) {
      const value = p[key]
      if (value !== undefined) filter[key] = value
    }
    const offset = state.cfg.offset
    const rows = state.store.departments.all().filter((row) => matchesAll(row, parseFilter(filter), upperResolve, offset))
    const order = orderOf(p.sort, p.order)
    const page = paginate(sortRows(rows, order.length > 0 ? order : [['ID', true]], upperResolve, offset), param(p, 'start'))
    return { result: page.items, total: page.total, ...(page.next === undefined ? {} : { next: page.next }) }
  },
}
