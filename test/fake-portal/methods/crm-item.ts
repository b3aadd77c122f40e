// crm.item.get / crm.item.update (camelCase items; the way to move a deal to another pipeline) and crm.category.list.
import { ENTITY_TYPE_ID } from '../domain/crm-shapes.js'
import { updateCrm } from '../domain/crm.js'
import { camel } from '../domain/task-shape.js'
import { RestError } from '../envelope.js'
import type { CrmKind, Row } from '../store.js'
import { isRecord, param, str, toId, type Params } from '../util.js'
import { ok, type CallContext, type MethodTable } from './registry.js'

const RENAMED: Record<string, string> = {
  ID: 'id', CREATED_BY_ID: 'createdBy', MODIFY_BY_ID: 'updatedBy', DATE_CREATE: 'createdTime', DATE_MODIFY: 'updatedTime',
  MOVED_BY_ID: 'movedBy', STATUS_ID: 'stageId', STATUS_SEMANTIC_ID: 'stageSemanticId',
}
const NUMERIC = new Set([
  'id', 'createdBy', 'updatedBy', 'assignedById', 'categoryId', 'companyId', 'contactId', 'leadId', 'movedBy',
  'lastActivityBy', 'opportunity', 'taxValue', 'probability',
])
const MULTI = new Set(['PHONE', 'EMAIL', 'WEB', 'IM'])

/** `STAGE_ID` → `stageId`, `UF_CRM_1721244482250` → `ufCrm_1721244482250` (crm-item-update.md). */
function itemName(field: string): string {
  if (field.startsWith('UF_CRM_')) return `ufCrm${field.slice('UF_CRM'.length)}`
  return RENAMED[field] ?? camel(field)
}

function kindOf(p: Params): CrmKind {
  const typeId = Number(param(p, 'entityTypeId'))
  const kind = (Object.keys(ENTITY_TYPE_ID) as CrmKind[]).find((k) => ENTITY_TYPE_ID[k] === typeId)
  if (kind === undefined) throw new RestError(400, 'NOT_FOUND', 'SPA not found')
  return kind
}

function itemOf(ctx: CallContext, p: Params): { kind: CrmKind; id: number; row: Row } {
  const kind = kindOf(p)
  const id = toId(param(p, 'id'))
  const row = id === null ? undefined : ctx.state.store.crm[kind].get(id)
  if (id === null || row === undefined) throw new RestError(400, 'NOT_FOUND', 'Item not found')
  return { kind, id, row }
}

/** A stored record as a crm.item: camelCase keys, numbers for ids and amounts. */
export function toItem(row: Row, originalUf: boolean): Row {
  const item: Row = {}
  for (const [field, value] of Object.entries(row)) {
    if (MULTI.has(field)) continue
    const name = originalUf && field.startsWith('UF_') ? field : itemName(field)
    item[name] = NUMERIC.has(name) && value !== null && value !== '' ? Number(value) : value
  }
  return item
}

/** crm.item `fields` back to the stored UPPER_CASE names; unknown names are ignored, as the docs say. */
function fromItemFields(row: Row, fields: Row): Row {
  const byItemName = new Map(Object.keys(row).map((field) => [itemName(field), field]))
  byItemName.set('categoryId', 'CATEGORY_ID')
  const out: Row = {}
  for (const [name, value] of Object.entries(fields)) {
    const field = name.startsWith('UF_') ? name : (byItemName.get(name) ?? (name.startsWith('ufCrm_') ? `UF_CRM${name.slice('ufCrm'.length)}` : undefined))
    if (field !== undefined && field !== 'ID') out[field] = value
  }
  return out
}

// Entity types with no pipelines answer this (crm-category-list.md: "Entity type `{entityTypeName}` is not supported").
const WITHOUT_PIPELINES: Record<number, string> = { 1: 'LEAD' }

/** crm.item.get, crm.item.update and crm.category.list. */
export const itemMethods: MethodTable = {
  // api-reference/crm/universal/crm-item-get.md: NOT_FOUND "SPA not found" / "Item not found".
  'crm.item.get': (ctx, p) => {
    const smart = ctx.state.store.smartItems.get(Number(param(p, 'entityTypeId')))
    if (smart !== undefined) {
      const row = smart.get(toId(param(p, 'id')) ?? 0)
      if (row === undefined) throw new RestError(400, 'NOT_FOUND', 'Item not found')
      return ok({ item: structuredClone(row) })
    }
    return ok({ item: toItem(itemOf(ctx, p).row, str(param(p, 'useOriginalUfNames')) === 'Y') })
  },

  // api-reference/crm/universal/crm-item-update.md: "if … no field values have changed, the save is not performed".
  'crm.item.update': (ctx, p) => {
    const { kind, id, row } = itemOf(ctx, p)
    const fields = param(p, 'fields')
    // `fields` is required; the page shows no answer for its absence, so this one is the fake's own.
    if (!isRecord(fields)) throw new RestError(400, 'INVALID_ARG_VALUE', 'Required parameter "fields" is not set')
    updateCrm(ctx.state, kind, id, fromItemFields(row, fields), { userId: ctx.userId }, true)
    const updated = ctx.state.store.crm[kind].get(id) ?? row
    return ok({ item: toItem(updated, str(param(p, 'useOriginalUfNames')) === 'Y') })
  },

  // api-reference/crm/universal/category/crm-category-list.md: no paging and no order parameter; `total` counts them.
  // The fake keeps deal pipelines only: any other type is answered as an unknown one (NOT_FOUND).
  'crm.category.list': ({ state }, p) => {
    const typeId = Number(param(p, 'entityTypeId'))
    const unsupported = WITHOUT_PIPELINES[typeId]
    if (unsupported !== undefined) throw new RestError(400, 'ENTITY_TYPE_NOT_SUPPORTED', `Entity type ${unsupported} is not supported`)
    if (typeId !== 2) throw new RestError(400, 'NOT_FOUND', 'Smart process not found')
    // The page's example lists them by `sort`, equal sorts by id.
    const categories = [...state.store.dealCategories]
      .sort((a, b) => a.sort - b.sort || a.id - b.id)
      .map((c) => ({ id: c.id, name: c.name, sort: c.sort, entityTypeId: 2, isDefault: c.isDefault, originId: '', originatorId: '' }))
    return { result: { categories }, total: categories.length }
  },
}
