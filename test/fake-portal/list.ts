// List-method mechanics: filters with operator prefixes, order, 50-item pages with next/total, select.
import { parseInstant } from './clock.js'
import type { Row } from './store.js'
import { isRecord } from './util.js'

type Op = '=' | '!=' | '>' | '>=' | '<' | '<=' | '@' | '!@' | '%' | '!%' | '=%' | '!=%'

/** One filter condition: `>=DATE_MODIFY` becomes { op: '>=', field: 'DATE_MODIFY' }. */
export interface Condition { op: Op; field: string; value: unknown }

// Longest prefixes first (crm-stage-history-list.md lists the operators).
const PREFIXES: Array<[string, Op]> = [
  ['!=%', '!=%'], ['!%=', '!=%'], ['>=', '>='], ['<=', '<='], ['=%', '=%'], ['%=', '=%'], ['!%', '!%'],
  ['!@', '!@'], ['!=', '!='], ['>', '>'], ['<', '<'], ['=', '='], ['!', '!='], ['@', '@'], ['%', '%'],
]

/** The page size of every list method; "cannot be changed". */
export const PAGE_SIZE = 50

/** Turns a filter object into conditions; anything else means no filter. */
export function parseFilter(filter: unknown): Condition[] {
  if (!isRecord(filter)) return []
  return Object.entries(filter).map(([key, value]) => {
    const prefix = PREFIXES.find(([p]) => key.startsWith(p))
    if (prefix === undefined) return { op: '=', field: key, value }
    return { op: prefix[1], field: key.slice(prefix[0].length), value }
  })
}

/** Reads a field of a row for filtering and ordering. */
export type Resolve = (row: Row, field: string) => unknown

/** Upper-cases the field name: CRM and user fields are UPPER_CASE. */
export const upperResolve: Resolve = (row, field) => row[field.toUpperCase()]

/** True when the row satisfies every condition. */
export function matchesAll(row: Row, conditions: Condition[], resolve: Resolve, offset: string): boolean {
  return conditions.every((c) => matches(scalars(resolve(row, c.field)), c, offset))
}

function scalars(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [value]
  return value.map((v) => (isRecord(v) && 'VALUE' in v ? v.VALUE : v))
}

function matches(values: unknown[], c: Condition, offset: string): boolean {
  const wanted = Array.isArray(c.value) ? c.value : isRecord(c.value) ? Object.values(c.value) : [c.value]
  switch (c.op) {
    case '=':
    case '@':
      return values.some((v) => wanted.some((w) => equal(v, w, offset)))
    case '!=':
    case '!@':
      return !values.some((v) => wanted.some((w) => equal(v, w, offset)))
    case '%':
      return values.some((v) => wanted.some((w) => lower(v).includes(lower(w))))
    case '!%':
      return !values.some((v) => wanted.some((w) => lower(v).includes(lower(w))))
    case '=%':
      return values.some((v) => wanted.some((w) => like(w).test(lower(v))))
    case '!=%':
      return !values.some((v) => wanted.some((w) => like(w).test(lower(v))))
    default:
      return values.some((v) => wanted.some((w) => ordered(c.op, compare(v, w, offset))))
  }
}

function ordered(op: Op, diff: number | null): boolean {
  if (diff === null) return false
  if (op === '>') return diff > 0
  if (op === '>=') return diff >= 0
  if (op === '<') return diff < 0
  return diff <= 0
}

function lower(value: unknown): string {
  if (value === null || value === undefined) return ''
  return String(value).toLowerCase()
}

function like(pattern: unknown): RegExp {
  const escaped = lower(pattern).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')
  return new RegExp(`^${escaped}$`, 's')
}

function numeric(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value)
  return null
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || value === false
}

function equal(a: unknown, b: unknown, offset: string): boolean {
  if (isEmpty(a) || isEmpty(b)) {
    if (typeof a === 'boolean' || typeof b === 'boolean') return flag(a) === flag(b)
    return isEmpty(a) && isEmpty(b)
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return flag(a) === flag(b)
  const diff = compare(a, b, offset)
  if (diff !== null && (numeric(a) !== null || parseInstant(a, offset) !== null)) return diff === 0
  return lower(a) === lower(b)
}

function flag(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  return ['y', '1', 'true'].includes(lower(value))
}

/** Numeric, then instant, then case-insensitive text comparison; null when either side is empty. */
export function compare(a: unknown, b: unknown, offset: string): number | null {
  if (isEmpty(a) || isEmpty(b)) return null
  const na = numeric(a)
  const nb = numeric(b)
  if (na !== null && nb !== null) return na - nb
  const da = parseInstant(a, offset)
  const db = parseInstant(b, offset)
  if (da !== null && db !== null) return da - db
  return lower(a).localeCompare(lower(b))
}

/** `{FIELD: 'ASC'|'DESC'}` as a list of [field, descending?]. */
export function parseOrder(order: unknown): Array<[string, boolean]> {
  if (!isRecord(order)) return []
  return Object.entries(order).map(([field, dir]) => [field, lower(dir) === 'desc'])
}

/** Sorts rows by the order (empty values first when ascending), ties broken by ascending ID. */
export function sortRows(rows: Row[], order: Array<[string, boolean]>, resolve: Resolve, offset: string, idField = 'ID'): Row[] {
  const keyed = rows.map((row) => ({ row, id: Number(row[idField]) }))
  keyed.sort((x, y) => {
    for (const [field, desc] of order) {
      const a = resolve(x.row, field)
      const b = resolve(y.row, field)
      const diff = compare(a, b, offset) ?? (isEmpty(a) ? (isEmpty(b) ? 0 : -1) : 1)
      if (diff !== 0) return desc ? -diff : diff
    }
    return x.id - y.id
  })
  return keyed.map((k) => k.row)
}

/** A page of a list: items, total (0 with start=-1) and next when more remain. */
export interface Page<T> { items: T[]; total: number; next?: number }

/** Cuts the 50-item page at `start`; `start=-1` skips the count: total 0 and no next (huge-data.md). */
export function paginate<T>(rows: T[], startParam: unknown): Page<T> {
  const start = Number(startParam ?? 0)
  if (start === -1) return { items: rows.slice(0, PAGE_SIZE), total: 0 }
  const from = Number.isInteger(start) && start > 0 ? start : 0
  const items = rows.slice(from, from + PAGE_SIZE)
  const page: Page<T> = { items, total: rows.length }
  if (from + PAGE_SIZE < rows.length) page.next = from + PAGE_SIZE
  return page
}

/** A select parameter as a list of names (arrays, PHP-style objects or a single string). */
export function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String)
  if (isRecord(value)) return Object.values(value).map(String)
  if (typeof value === 'string' && value !== '') return [value]
  return []
}

/**
 * Applies a CRM `select`: `*` is every standard field, `UF_*` the user fields, multifields only when
 * named; no select means `*` + `UF_*` (crm-deal-list.md, crm-lead-list.md).
 */
export function selectCrm(row: Row, select: string[], multifields: readonly string[]): Row {
  const names = select.length === 0 ? ['*', 'UF_*'] : select.map((s) => s.toUpperCase())
  const star = names.includes('*')
  const ufStar = names.includes('UF_*')
  const out: Row = {}
  for (const [key, value] of Object.entries(row)) {
    const isUf = key.startsWith('UF_')
    const isMulti = multifields.includes(key)
    if (names.includes(key) || (star && !isUf && !isMulti) || (ufStar && isUf)) out[key] = value
  }
  return out
}
