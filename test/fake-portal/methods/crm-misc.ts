// crm.status.list and crm.status.add, crm.stagehistory.list and crm.timeline.comment.add.
import { emit } from '../emit.js'
import { RestError } from '../envelope.js'
import { asList, matchesAll, paginate, parseFilter, parseOrder, sortRows, upperResolve } from '../list.js'
import { take, type CrmKind, type Row } from '../store.js'
import { isRecord, param, pushBounded, str, toId } from '../util.js'
import { LOG_LIMIT } from '../state.js'
import { fromPage, ok, type MethodTable } from './registry.js'

const TIMELINE_OWNERS: Record<string, CrmKind> = { lead: 'lead', deal: 'deal', contact: 'contact', company: 'company' }

/** The status, stage-history and timeline-comment methods. */
export const crmMiscMethods: MethodTable = {
  // "ENTITY_ID must be a string, not an array. select is ignored." (crm-status-list.md)
  'crm.status.list': ({ state }, p) => {
    const offset = state.cfg.offset
    const filter = parseFilter(param(p, 'filter'))
    const rows = state.store.statuses.all().filter((row) => matchesAll(row, filter, upperResolve, offset))
    const order = parseOrder(param(p, 'order'))
    const sorted = sortRows(rows, order.length > 0 ? order : [['SORT', false]], upperResolve, offset)
    const page = paginate(sorted, param(p, 'start'))
    return fromPage(page, page.items)
  },

  // A status of a reference list, e.g. a lead status before NEW (crm-status-add.md): ENTITY_ID, STATUS_ID, NAME required.
  'crm.status.add': ({ state }, p) => {
    const fields = p.fields
    if (!isRecord(fields)) throw new RestError(400, 'ERROR_ARGUMENT', 'Required fields are not provided')
    const entityId = str(fields.ENTITY_ID)
    const statusId = str(fields.STATUS_ID)
    const name = str(fields.NAME)
    if (entityId === '' || statusId === '' || name === '') throw new RestError(400, 'ERROR_ARGUMENT', 'ENTITY_ID, STATUS_ID and NAME are required')
    if (state.store.statuses.all().some((row) => row.ENTITY_ID === entityId && row.STATUS_ID === statusId)) {
      throw new RestError(400, 'ERROR_CORE', 'The status already exists')
    }
    const id = state.store.statuses.nextId()
    const semantics = str(fields.SEMANTICS)
    state.store.statuses.put(id, {
      ID: String(id), ENTITY_ID: entityId, STATUS_ID: statusId, NAME: name, NAME_INIT: '', SORT: String(Number(fields.SORT ?? 10) || 10),
      SYSTEM: 'N', CATEGORY_ID: null, COLOR: str(fields.COLOR) || null, SEMANTICS: semantics === 'S' || semantics === 'F' ? semantics : null,
    })
    return ok(id)
  },

  // Rows are written on creation and on each stage move; ids and types are integers (crm-stage-history-list.md).
  'crm.stagehistory.list': ({ state }, p) => {
    const typeId = Number(param(p, 'entityTypeId'))
    if (typeId !== 1 && typeId !== 2) {
      throw new RestError(400, 'ENTITY_TYPE_NOT_SUPPORTED', `Entity type ${str(param(p, 'entityTypeId'))} is not supported`)
    }
    const offset = state.cfg.offset
    const filter = parseFilter(param(p, 'filter'))
    const rows = state.store.stageHistory.all().filter((row) => row.ENTITY_TYPE_ID === typeId && matchesAll(row, filter, upperResolve, offset))
    const page = paginate(sortRows(rows, parseOrder(param(p, 'order')), upperResolve, offset), param(p, 'start'))
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

  // "the method only accepts parameters with the key `fields` in lowercase" (crm-timeline-comment-add.md).
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
}
