// Creating, changing and deleting leads, deals, companies and contacts, with stage history and events.
import { formatIso } from '../clock.js'
import { crmError } from '../envelope.js'
import { emit } from '../emit.js'
import type { Actor, PortalState } from '../state.js'
import type { CrmKind, Row } from '../store.js'
import { ENTITY_TYPE_ID, EVENT_STEM } from './crm-shapes.js'
import { applyFields, blankRecord } from './crm-values.js'
import { dealStageEntity, semanticOf, stageIds } from './statuses.js'

/** The record by id, or a 400 "Not found" as the legacy CRM methods answer. */
export function requireCrm(state: PortalState, kind: CrmKind, id: number): Row {
  const row = state.store.crm[kind].get(id)
  if (row === undefined) throw crmError('Not found')
  return row
}

/** Creates a record as a user or robot; fires ONCRM<KIND>ADD and, for leads and deals, a stage-history row. */
export function createCrm(state: PortalState, kind: CrmKind, fields: Row, actor: Actor): number {
  const table = state.store.crm[kind]
  const id = table.nextId()
  const now = formatIso(state.now(), state.cfg.offset)
  const row = blankRecord(kind)
  applyFields(state.store, kind, row, fields, state.cfg.offset, [])
  const user = String(actor.userId)
  Object.assign(row, { ID: String(id), DATE_CREATE: now, DATE_MODIFY: now, CREATED_BY_ID: user, MODIFY_BY_ID: user })
  row.ASSIGNED_BY_ID ??= user
  if ('LAST_ACTIVITY_TIME' in row) Object.assign(row, { LAST_ACTIVITY_TIME: now, LAST_ACTIVITY_BY: user })
  if (kind === 'lead') {
    if (row.TITLE === null || row.TITLE === '') row.TITLE = `Лид #${id}`
    if (semanticOf(state.store, 'STATUS', String(row.STATUS_ID)) === null) row.STATUS_ID = 'NEW'
    setLeadStatus(state, row, String(row.STATUS_ID), actor, now)
  }
  if (kind === 'deal') {
    const category = Number(row.CATEGORY_ID)
    const known = state.store.dealCategories.some((c) => c.id === category)
    row.CATEGORY_ID = known ? String(category) : '0'
    setDealStage(state, row, String(row.STAGE_ID ?? ''), actor, now)
  }
  table.put(id, row)
  if (kind === 'lead' || kind === 'deal') addStageHistory(state, kind, row, 1, now)
  emit(state, `ONCRM${EVENT_STEM[kind]}ADD`, { FIELDS: { ID: id } }, actor, 'crm')
  return id
}

/** What an update did. */
export interface UpdateOutcome { changed: boolean; movedCategory: boolean }

/**
 * Updates a record. The legacy crm.<kind>.update always saves and fires UPDATE and ignores CATEGORY_ID;
 * crm.item.update (`viaItem`) skips unchanged saves and moves deals between pipelines, which fires
 * ONCRMDEALMOVETOCATEGORY instead of ONCRMDEALUPDATE (on-crm-deal-move-to-category.md).
 */
export function updateCrm(state: PortalState, kind: CrmKind, id: number, fields: Row, actor: Actor, viaItem = false): UpdateOutcome {
  const row = requireCrm(state, kind, id)
  const before = JSON.stringify(row)
  const now = formatIso(state.now(), state.cfg.offset)
  const next: Row = { ...row }
  const status = kind === 'lead' ? next.STATUS_ID : next.STAGE_ID
  applyFields(state.store, kind, next, fields, state.cfg.offset, ['CATEGORY_ID'])
  let movedCategory = false
  let stageChanged = false
  if (kind === 'lead' && next.STATUS_ID !== status) {
    if (semanticOf(state.store, 'STATUS', String(next.STATUS_ID)) === null) next.STATUS_ID = status
    else {
      setLeadStatus(state, next, String(next.STATUS_ID), actor, now)
      stageChanged = true
    }
  }
  if (kind === 'deal') {
    const category = viaItem && fields.CATEGORY_ID !== undefined ? Number(fields.CATEGORY_ID) : Number(row.CATEGORY_ID)
    if (category !== Number(row.CATEGORY_ID)) {
      if (!state.store.dealCategories.some((c) => c.id === category)) throw crmError('Category not found')
      next.CATEGORY_ID = String(category)
      const wanted = fields.STAGE_ID === undefined ? '' : String(next.STAGE_ID)
      setDealStage(state, next, wanted, actor, now)
      movedCategory = true
    } else if (next.STAGE_ID !== status) {
      const entity = dealStageEntity(Number(next.CATEGORY_ID))
      if (semanticOf(state.store, entity, String(next.STAGE_ID)) === null) next.STAGE_ID = status
      else {
        setDealStage(state, next, String(next.STAGE_ID), actor, now)
        stageChanged = true
      }
    }
  }
  const changed = JSON.stringify(next) !== before
  if (viaItem && !changed) return { changed, movedCategory }
  Object.assign(next, { DATE_MODIFY: now, MODIFY_BY_ID: String(actor.userId) })
  state.store.crm[kind].put(id, next)
  if (movedCategory) {
    addStageHistory(state, kind, next, 5, now)
    const data = { FIELDS: { ID: id, CATEGORY_ID: next.CATEGORY_ID, STAGE_ID: next.STAGE_ID } }
    emit(state, 'ONCRMDEALMOVETOCATEGORY', data, actor, 'crm')
    return { changed, movedCategory }
  }
  if (stageChanged) {
    const semantic = kind === 'lead' ? next.STATUS_SEMANTIC_ID : next.STAGE_SEMANTIC_ID
    addStageHistory(state, kind, next, semantic === 'P' ? 2 : 3, now)
  }
  emit(state, `ONCRM${EVENT_STEM[kind]}UPDATE`, { FIELDS: { ID: id } }, actor, 'crm')
  return { changed, movedCategory }
}

/** Deletes a record (400 "Not found" when absent) and fires ONCRM<KIND>DELETE. */
export function deleteCrm(state: PortalState, kind: CrmKind, id: number, actor: Actor): void {
  requireCrm(state, kind, id)
  state.store.crm[kind].delete(id)
  emit(state, `ONCRM${EVENT_STEM[kind]}DELETE`, { FIELDS: { ID: id } }, actor, 'crm')
}

function setLeadStatus(state: PortalState, row: Row, statusId: string, actor: Actor, now: string): void {
  const semantic = semanticOf(state.store, 'STATUS', statusId) ?? 'P'
  row.STATUS_ID = statusId
  row.STATUS_SEMANTIC_ID = semantic
  row.DATE_CLOSED = semantic === 'P' ? '' : now
  Object.assign(row, { MOVED_BY_ID: String(actor.userId), MOVED_TIME: now })
}

function setDealStage(state: PortalState, row: Row, stageId: string, actor: Actor, now: string): void {
  const entity = dealStageEntity(Number(row.CATEGORY_ID))
  const stages = stageIds(state.store, entity)
  const stage = stages.includes(stageId) ? stageId : (stages[0] ?? 'NEW')
  const semantic = semanticOf(state.store, entity, stage) ?? 'P'
  Object.assign(row, {
    STAGE_ID: stage,
    STAGE_SEMANTIC_ID: semantic,
    CLOSED: semantic === 'P' ? 'N' : 'Y',
    IS_NEW: stage === stages[0] ? 'Y' : 'N',
    MOVED_BY_ID: String(actor.userId),
    MOVED_TIME: now,
  })
}

/** Records a crm.stagehistory.list row: TYPE_ID 1 created, 2 intermediate, 3 final, 5 pipeline changed. */
function addStageHistory(state: PortalState, kind: CrmKind, row: Row, typeId: number, now: string): void {
  const table = state.store.stageHistory
  const id = table.nextId()
  const base = { ID: id, TYPE_ID: typeId, OWNER_ID: Number(row.ID), CREATED_TIME: now, ENTITY_TYPE_ID: ENTITY_TYPE_ID[kind] }
  if (kind === 'lead') {
    table.put(id, { ...base, STATUS_SEMANTIC_ID: row.STATUS_SEMANTIC_ID, STATUS_ID: row.STATUS_ID })
  } else {
    table.put(id, { ...base, CATEGORY_ID: Number(row.CATEGORY_ID), STAGE_SEMANTIC_ID: row.STAGE_SEMANTIC_ID, STAGE_ID: row.STAGE_ID })
  }
}
