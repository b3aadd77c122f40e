// crm.lead.*, crm.deal.*, crm.company.*, crm.contact.*: add, get, list, update, delete, fields.
import { MULTIFIELDS, fieldsDescription } from '../domain/crm-shapes.js'
import { createCrm, deleteCrm, requireCrm, updateCrm } from '../domain/crm.js'
import { crmError } from '../envelope.js'
import { asList, matchesAll, paginate, parseFilter, parseOrder, selectCrm, sortRows, upperResolve } from '../list.js'
import type { CrmKind, Row } from '../store.js'
import { isRecord, param, toId, type Params } from '../util.js'
import { fromPage, ok, type MethodTable } from './registry.js'

/** The `id` of get/update/delete, or the documented "ID is not defined or invalid". */
export function idParam(p: Params): number {
  const id = toId(param(p, 'id'))
  if (id === null) throw crmError('ID is not defined or invalid')
  return id
}

/** The `fields` object of add/update, or the documented "Parameter 'fields' must be array". */
export function fieldsParam(p: Params): Row {
  const fields = param(p, 'fields')
  if (!isRecord(fields)) throw crmError("Parameter 'fields' must be array")
  return fields
}

/** Runs a legacy CRM list: filter, order (default ID ascending), 50-row page, select. */
export function crmList(rows: Row[], p: Params, offset: string, multifields: readonly string[]): ReturnType<typeof fromPage> {
  const matched = rows.filter((row) => matchesAll(row, parseFilter(param(p, 'filter')), upperResolve, offset))
  const sorted = sortRows(matched, parseOrder(param(p, 'order')), upperResolve, offset)
  const page = paginate(sorted, param(p, 'start'))
  const select = asList(param(p, 'select'))
  return fromPage(page, page.items.map((row) => selectCrm(row, select, multifields)))
}

function methodsFor(kind: CrmKind): MethodTable {
  return {
    [`crm.${kind}.add`]: ({ state, userId }, p) => ok(createCrm(state, kind, fieldsParam(p), { userId })),
    [`crm.${kind}.get`]: ({ state }, p) => ok(requireCrm(state, kind, idParam(p))),
    [`crm.${kind}.list`]: ({ state }, p) => crmList(state.store.crm[kind].all(), p, state.cfg.offset, MULTIFIELDS[kind]),
    [`crm.${kind}.update`]: ({ state, userId }, p) => {
      const id = idParam(p)
      updateCrm(state, kind, id, fieldsParam(p), { userId })
      return ok(true)
    },
    [`crm.${kind}.delete`]: ({ state, userId }, p) => {
      deleteCrm(state, kind, idParam(p), { userId })
      return ok(true)
    },
    [`crm.${kind}.fields`]: ({ state }) => {
      const description = fieldsDescription(kind)
      const ufNames = new Set(state.store.crm[kind].all().flatMap((row) => Object.keys(row).filter((k) => k.startsWith('UF_CRM_'))))
      for (const name of ufNames) {
        description[name] = { type: 'string', isRequired: false, isReadOnly: false, isImmutable: false, isMultiple: false, isDynamic: true, title: name }
      }
      return ok(description)
    },
  }
}

/** Every legacy CRM entity method. */
export const crmEntityMethods: MethodTable = {
  ...methodsFor('lead'),
  ...methodsFor('deal'),
  ...methodsFor('company'),
  ...methodsFor('contact'),
}

