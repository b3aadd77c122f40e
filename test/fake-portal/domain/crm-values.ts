// Writing client values into CRM records: type normalisation, user fields and multifields.
import { normaliseDate } from '../clock.js'
import type { CrmKind, Row, Store } from '../store.js'
import { take } from '../store.js'
import { isRecord, yn } from '../util.js'
import { FIELDS, MULTIFIELDS, type FieldSpec } from './crm-shapes.js'

const ID_TYPES = new Set(['integer', 'user', 'crm_company', 'crm_contact', 'crm_lead', 'crm_quote', 'crm_category', 'location'])
const MONEY = new Set(['OPPORTUNITY', 'TAX_VALUE'])

/** A client value in the stored form: ids and numbers as strings, flags Y/N, dates ISO with offset. */
export function normaliseValue(spec: FieldSpec, value: unknown, offset: string): unknown {
  const empty = value === null || value === undefined || value === ''
  if (ID_TYPES.has(spec.type)) {
    if (empty) return null
    const n = Number(value)
    return Number.isFinite(n) ? String(Math.trunc(n)) : String(value)
  }
  if (spec.type === 'double') {
    if (empty) return spec.initial
    const n = Number(value)
    if (!Number.isFinite(n)) return spec.initial
    return MONEY.has(spec.name) ? n.toFixed(2) : String(n)
  }
  if (spec.type === 'char') return yn(value)
  if (spec.type === 'date' || spec.type === 'datetime') return normaliseDate(value, offset)
  if (value === null || value === undefined) return null
  return typeof value === 'object' ? value : String(value)
}

/** A user-field value: scalars as strings, lists as lists of strings. */
export function normaliseUserField(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? '' : String(v)))
  if (isRecord(value)) return Object.values(value).map((v) => String(v))
  if (value === null || value === undefined) return ''
  return typeof value === 'boolean' ? (value ? '1' : '0') : String(value)
}

function items(value: unknown): Row[] {
  if (Array.isArray(value)) return value.filter(isRecord)
  if (isRecord(value)) return Object.values(value).filter(isRecord)
  return []
}

/**
 * Writes a multifield (PHONE, EMAIL…): items without ID are added, items with ID are changed, and an
 * ID with an empty VALUE or DELETE=Y removes that value.
 */
export function applyMultifield(store: Store, row: Row, key: string, value: unknown): void {
  const current = Array.isArray(row[key]) ? [...(row[key] as Row[])] : []
  for (const item of items(value)) {
    const id = item.ID === undefined || item.ID === null || item.ID === '' ? null : String(item.ID)
    const text = item.VALUE === undefined || item.VALUE === null ? '' : String(item.VALUE)
    if (id === null) {
      if (text === '') continue
      current.push({ ID: String(take(store.multifieldSeq)), VALUE_TYPE: String(item.VALUE_TYPE ?? 'WORK'), VALUE: text, TYPE_ID: key })
      continue
    }
    const index = current.findIndex((m) => m.ID === id)
    if (index < 0) continue
    if (text === '' || yn(item.DELETE) === 'Y') current.splice(index, 1)
    else current[index] = { ...current[index], VALUE: text, VALUE_TYPE: String(item.VALUE_TYPE ?? current[index]?.VALUE_TYPE ?? 'WORK') }
  }
  if (current.length === 0) delete row[key]
  else row[key] = current
}

/** Applies client fields to a record: writable standard fields, UF_CRM_* and multifields; the rest is ignored. */
export function applyFields(store: Store, kind: CrmKind, row: Row, fields: Row, offset: string, skip: readonly string[]): void {
  for (const [key, value] of Object.entries(fields)) {
    if (skip.includes(key)) continue
    const spec = FIELDS[kind].find((f) => f.name === key)
    if (spec !== undefined) {
      if (!spec.readOnly) row[key] = normaliseValue(spec, value, offset)
    } else if (key.startsWith('UF_CRM_')) {
      row[key] = normaliseUserField(value)
    } else if (MULTIFIELDS[kind].includes(key)) {
      applyMultifield(store, row, key, value)
    }
  }
  if (MULTIFIELDS[kind].length > 0) {
    row.HAS_PHONE = row.PHONE === undefined ? 'N' : 'Y'
    row.HAS_EMAIL = row.EMAIL === undefined ? 'N' : 'Y'
  }
}

/** A new record with every field at its initial value. */
export function blankRecord(kind: CrmKind): Row {
  const row: Row = {}
  for (const f of FIELDS[kind]) row[f.name] = f.initial
  return row
}
