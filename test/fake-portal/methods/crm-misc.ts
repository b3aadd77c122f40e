// crm.status.list and crm.status.add, crm.stagehistory.list, crm.timeline.comment.add and crm.timeline.comment.list.
import { emit } from '../emit.js'
import { crmError, RestError } from '../envelope.js'
import { asList, matchesAll, paginate, parseFilter, parseOrder, sortRows, upperResolve } from '../list.js'
import { formatIso } from '../clock.js'
import { take, type CrmKind, type Row } from '../store.js'
import { isRecord, param, pushBounded, str, toId } from '../util.js'
import { LOG_LIMIT } from '../state.js'
import { fromPage, ok, type MethodTable } from './registry.js'

const TIMELINE_OWNERS: Record<string, CrmKind> = { lead: 'lead', deal: 'deal', contact: 'contact', company: 'company' }

// The fields of a stage-history row, common and by type (crm-stage-history-list.md, "Object items").
const LEAD_HISTORY_FIELDS = new Set(['ID', 'TYPE_ID', 'OWNER_ID', 'CREATED_TIME', 'STATUS_SEMANTIC_ID', 'STATUS_ID'])
const DEAL_HISTORY_FIELDS = new Set(['ID', 'TYPE_ID', 'OWNER_ID', 'CREATED_TIME', 'CATEGORY_ID', 'STAGE_SEMANTIC_ID', 'STAGE_ID'])

const EXTRA_SEMANTICS: Record<string, string> = { S: 'success', F: 'failure' }

// The pipeline a deal-stage reference list belongs to (0 for DEAL_STAGE, n for DEAL_STAGE_n); undefined for other lists.
function pipelineOf(categories: ReadonlyArray<{ id: number }>, entityId: string): number | undefined {
  if (entityId === 'DEAL_STAGE') return 0
  const match = /^DEAL_STAGE_(\d+)$/.exec(entityId)
  if (match === null || !categories.some((c) => c.id === Number(match[1]))) return undefined
  return Number(match[1])
}

// crm.stagehistory.list's order: documented fields, ASC or DESC, else the documented INVALID_ARG_VALUE.
function historyOrder(raw: unknown, fields: ReadonlySet<string>): Array<[string, boolean]> {
  if (!isRecord(raw)) return []
  return Object.entries(raw).map(([field, direction]) => {
    if (!fields.has(field.toUpperCase())) throw new RestError(400, 'INVALID_ARG_VALUE', `Invalid order: field '${field}' is not allowed in order`)
    const dir = str(direction).toUpperCase()
    if (dir !== 'ASC' && dir !== 'DESC') {
      throw new RestError(400, 'INVALID_ARG_VALUE', `Invalid order: allowed sort directions are ASC, DESC. But got '${str(direction)}' for field '${field}'`)
    }
    return [field, dir === 'DESC']
  })
}

/** The status, stage-history and timeline-comment methods. */
export const crmMiscMethods: MethodTable = {
  // api-reference/crm/status/crm-status-list.md: `order` and `filter`; the page names no default order, so without
  // one the newest come first. Pages of 50 by `start`, as its example's "returns a single page (max 50 records)".
  // "ENTITY_ID must be a string, not an array. select is ignored." (shared/notes/bitrix24-rest.md).
  'crm.status.list': ({ state }, p) => {
    const offset = state.cfg.offset
    const filter = parseFilter(param(p, 'filter'))
    const rows = state.store.statuses.all().filter((row) => matchesAll(row, filter, upperResolve, offset))
    const order = parseOrder(param(p, 'order'))
    const sorted = sortRows(rows, order.length > 0 ? order : [['ID', true]], upperResolve, offset)
    const page = paginate(sorted, param(p, 'start'))
    return fromPage(page, page.items)
  },

  // api-reference/crm/status/crm-status-add.md: a status of a reference list, e.g. a lead status before NEW.
  'crm.status.add': ({ state }, p) => {
    const fields = param(p, 'fields')
    if (!isRecord(fields)) throw crmError("Parameter 'fields' must be array.")
    const entityId = str(fields.ENTITY_ID)
    // "If both are missing, both messages arrive in the same response."
    const missing = [entityId === '' ? 'The field ENTITY_ID is required.' : '', str(fields.STATUS_ID) === '' ? 'The field STATUS_ID is required.' : '']
    // How the two are joined is not shown; a line break, as other core errors separate theirs.
    if (missing.some(Boolean)) throw crmError(missing.filter(Boolean).join('<br>'))
    const pipeline = pipelineOf(state.store.dealCategories, entityId)
    if (pipeline === undefined && !state.store.statuses.all().some((row) => row.ENTITY_ID === entityId)) throw crmError('Specified entity type is not supported.')
    if (str(fields.NAME) === '') throw crmError('The field Title is required.')
    // "the value `DECISION` for a deal pipeline with identifier `1` will be saved as `C1:DECISION`".
    const prefix = pipeline ? `C${pipeline}:` : ''
    const statusId = str(fields.STATUS_ID).startsWith(prefix) ? str(fields.STATUS_ID) : prefix + str(fields.STATUS_ID)
    if (state.store.statuses.all().some((row) => row.ENTITY_ID === entityId && row.STATUS_ID === statusId)) {
      throw new RestError(400, 'ERROR_CORE', 'The specified status ID already exists.')
    }
    const id = state.store.statuses.nextId()
    const semantics = str(fields.SEMANTICS)
    const color = str(fields.COLOR) || null
    const row: Row = {
      ID: String(id), ENTITY_ID: entityId, STATUS_ID: statusId, NAME: str(fields.NAME), NAME_INIT: '', SORT: String(Number(fields.SORT ?? 10) || 10),
      SYSTEM: 'N', CATEGORY_ID: pipeline ? String(pipeline) : null, COLOR: color, SEMANTICS: semantics === 'S' || semantics === 'F' ? semantics : null,
    }
    // Lead statuses and deal stages carry EXTRA (shared/notes/bitrix24-rest.md, 4.2).
    if (entityId === 'STATUS' || pipeline !== undefined) row.EXTRA = { SEMANTICS: EXTRA_SEMANTICS[semantics] ?? 'process', COLOR: color }
    state.store.statuses.put(id, row)
    return ok(id)
  },

  // api-reference/crm/crm-stage-history-list.md: rows are written on creation and on each stage move; ids and types
  // are integers. Filter and order take only the documented fields (INVALID_ARG_VALUE otherwise); pages of 50 by
  // `start`; the page names no default order, so without one the newest come first.
  'crm.stagehistory.list': ({ state }, p) => {
    const typeId = Number(param(p, 'entityTypeId'))
    if (typeId !== 1 && typeId !== 2) {
      throw new RestError(400, 'ENTITY_TYPE_NOT_SUPPORTED', `Entity type ${str(param(p, 'entityTypeId'))} is not supported`)
    }
    const offset = state.cfg.offset
    const fields = typeId === 1 ? LEAD_HISTORY_FIELDS : DEAL_HISTORY_FIELDS
    const filter = parseFilter(param(p, 'filter'))
    for (const c of filter) {
      if (!fields.has(c.field.toUpperCase())) throw new RestError(400, 'INVALID_ARG_VALUE', `Invalid filter: field '${c.field}' is not allowed in filter`)
    }
    const order = historyOrder(param(p, 'order'), fields)
    const rows = state.store.stageHistory.all().filter((row) => row.ENTITY_TYPE_ID === typeId && matchesAll(row, filter, upperResolve, offset))
    const page = paginate(sortRows(rows, order.length > 0 ? order : [['ID', true]], upperResolve, offset), param(p, 'start'))
    const select = asList(param(p, 'select')).map((s) => s.toUpperCase())
    const items = page.items.map((row) => {
      const out: Row = {}
      for (const [key, value] of Object.entries(row)) {
        if (key !== 'ENTITY_TYPE_ID' && (select.length === 0 || select.includes(key) || select.includes('*'))) out[key] = value
      }
      return out
    })
    return fromPage(page, { items })
  },

  // api-reference/crm/timeline/comments/crm-timeline-comment-add.md: "the method only accepts parameters with the
  // key `fields` in lowercase".
  'crm.timeline.comment.add': ({ state, userId }, p) => {
    const fields = p.fields
    if (!isRecord(fields)) throw new RestError(400, '100', 'Required fields are not provided')
    const entityId = toId(fields.ENTITY_ID)
    const kind = TIMELINE_OWNERS[str(fields.ENTITY_TYPE).toLowerCase()]
    if (entityId === null || kind === undefined) throw new RestError(400, '100', 'Required fields are not provided')
    if (state.store.crm[kind].get(entityId) === undefined) throw new RestError(400, 'OWNER_NOT_FOUND', 'Owner of the item not found')
    const comment = str(fields.COMMENT)
    if (comment.trim() === '') throw new RestError(400, 'INVALID_ARG_VALUE', 'Empty comment')
    const id = take(state.store.timelineSeq)
    pushBounded(state.store.timeline, { id, entityType: kind, entityId, comment, authorId: userId, at: state.now() }, LOG_LIMIT)
    emit(state, 'ONCRMTIMELINECOMMENTADD', { ID: id }, { userId }, 'crm')
    return ok(id)
  },

  // api-reference/crm/timeline/comments/crm-timeline-comment-list.md: `filter` on ENTITY_ID and ENTITY_TYPE (both
  // mandatory), `order` by ID, CREATED or AUTHOR_ID, pages of 50, rows `ID, ENTITY_ID, ENTITY_TYPE, CREATED, COMMENT,
  // AUTHOR_ID, FILES` (strings; the fake keeps no files). The page names no error for a missing filter field: the fake
  // answers 400 INVALID_ARG_VALUE, and keeps only the comments added since it started (its timeline log is bounded).
  'crm.timeline.comment.list': ({ state }, p) => {
    const filter = isRecord(param(p, 'filter')) ? (param(p, 'filter') as Record<string, unknown>) : {}
    const entityId = toId(filter.ENTITY_ID)
    const kind = TIMELINE_OWNERS[str(filter.ENTITY_TYPE).toLowerCase()]
    if (entityId === null || kind === undefined) throw new RestError(400, 'INVALID_ARG_VALUE', 'ENTITY_ID and ENTITY_TYPE are required in filter')
    const offset = state.cfg.offset
    const rows: Row[] = state.store.timeline.filter((c) => c.entityType === kind && c.entityId === entityId).map((c) => ({
      ID: String(c.id), ENTITY_ID: String(c.entityId), ENTITY_TYPE: kind, CREATED: formatIso(c.at, offset), COMMENT: c.comment, AUTHOR_ID: String(c.authorId), FILES: {},
    }))
    const order = parseOrder(param(p, 'order')).filter(([field]) => ['ID', 'CREATED', 'AUTHOR_ID'].includes(field.toUpperCase()))
    const page = paginate(sortRows(rows, order.length > 0 ? order : [['ID', true]], upperResolve, offset), param(p, 'start'))
    const select = asList(param(p, 'select')).map((field) => field.toUpperCase())
    const items = page.items.map((row) => (select.length === 0 ? row : Object.fromEntries(Object.entries(row).filter(([key]) => select.includes(key)))))
    return fromPage(page, items)
  },
}
