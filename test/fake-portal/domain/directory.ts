// Users and departments: stored shapes (user-get.md, department-get.md) and how they change.
import { formatIso } from '../clock.js'
import type { PortalState } from '../state.js'
import type { Row } from '../store.js'
import { isRecord } from '../util.js'

/** Fields user.get returns; ADMIN and LOGIN are kept beside them for profile and task history. */
const USER_SHAPE: Row = {
  ID: null, ACTIVE: true, NAME: '', LAST_NAME: '', SECOND_NAME: '', EMAIL: '', LAST_LOGIN: '', DATE_REGISTER: '',
  TIME_ZONE: '', IS_ONLINE: 'N', TIMESTAMP_X: {}, LAST_ACTIVITY_DATE: {}, PERSONAL_GENDER: '', PERSONAL_WWW: '',
  PERSONAL_BIRTHDAY: '', PERSONAL_MOBILE: '', PERSONAL_CITY: '', WORK_PHONE: '', WORK_POSITION: '',
  UF_EMPLOYMENT_DATE: '', UF_DEPARTMENT: [], USER_TYPE: 'employee',
}
const HIDDEN = ['ADMIN', 'LOGIN']

function writeUser(row: Row, fields: Row): void {
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'ID') continue
    if (key === 'UF_DEPARTMENT') row[key] = (Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [value]).map(Number)
    else if (key === 'ACTIVE' || key === 'ADMIN') row[key] = value === true || value === 'Y' || value === 'true' || value === 1
    else if (key in USER_SHAPE || HIDDEN.includes(key)) row[key] = value === null || value === undefined ? '' : typeof value === 'object' ? value : String(value)
  }
}

/** Adds a user; `ADMIN: true` makes a portal administrator. Returns the new id. */
export function addUser(state: PortalState, fields: Row): number {
  const id = state.store.users.nextId()
  const now = formatIso(state.now(), state.cfg.offset)
  const row: Row = { ...USER_SHAPE, ID: String(id), DATE_REGISTER: now, ADMIN: false }
  writeUser(row, fields)
  row.LOGIN ??= row.EMAIL
  state.store.users.put(id, row)
  return id
}

/** Changes a user (e.g. ACTIVE false, another UF_DEPARTMENT); throws when there is none. */
export function updateUser(state: PortalState, id: number, fields: Row): void {
  const row = state.store.users.get(id)
  if (row === undefined) throw new Error(`no user ${id}`)
  writeUser(row, fields)
}

/** A user as user.get returns it (without the portal-internal flags). */
export function userView(row: Row): Row {
  const out: Row = {}
  for (const [key, value] of Object.entries(row)) if (!HIDDEN.includes(key)) out[key] = value
  return out
}

/** True when the user exists, is active and is a portal administrator. */
export function isAdmin(state: PortalState, userId: number): boolean {
  const row = state.store.users.get(userId)
  return row !== undefined && row.ADMIN === true && row.ACTIVE === true
}

/** "Name Last-name" of a user, or '' when unknown. */
export function fullName(state: PortalState, userId: number): string {
  const row = state.store.users.get(userId)
  if (row === undefined) return ''
  return [row.NAME, row.LAST_NAME].filter((p) => typeof p === 'string' && p !== '').join(' ')
}

function writeDepartment(row: Row, fields: Row): void {
  if (fields.NAME !== undefined) row.NAME = String(fields.NAME)
  if (fields.SORT !== undefined) row.SORT = Number(fields.SORT)
  for (const key of ['PARENT', 'UF_HEAD']) {
    const value = fields[key]
    if (value === undefined) continue
    if (value === null || value === '' || value === 0) delete row[key]
    else row[key] = String(value)
  }
}

/** Adds a department (PARENT and UF_HEAD as ids; absent means root / no head). Returns the new id. */
export function addDepartment(state: PortalState, fields: Row): number {
  const id = state.store.departments.nextId()
  const row: Row = { ID: String(id), NAME: '', SORT: 500 }
  writeDepartment(row, fields)
  state.store.departments.put(id, row)
  return id
}

/** Changes a department (another head, another parent); throws when there is none. */
export function updateDepartment(state: PortalState, id: number, fields: Row): void {
  const row = state.store.departments.get(id)
  if (row === undefined) throw new Error(`no department ${id}`)
  writeDepartment(row, fields)
}
