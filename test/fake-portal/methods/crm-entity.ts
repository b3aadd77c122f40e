// crm.lead.*, crm.deal.*, crm.company.*, crm.contact.*: add, get, list, update, delete, fields.
import { MULTIFIELDS, fieldsDescription } from '../domain/crm-shapes.js'
import { createCrm, deleteCrm, requireCrm, updateCrm } from '../domain/crm.js'
import { crmError, RestError } from '../envelope.js'
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

// A PHP array arrives as an object or a list; anything else given is refused (crm-deal-list.md, crm-company-list.md,
// crm-contact-list.md: "Parameter 'filter' must be array." / "Parameter 'order' must be array.").
function arrayParam(p: Params, name: 'filter' | 'order'): unknown {
  const value = param(p, name)
  if (value !== undefined && value !== null && !isRecord(value) && !Array.isArray(value)) throw crmError(`Parameter '${name}' must be array.`)
  return value
}

/**
 * Runs a legacy CRM list: filter, order, 50-row page by `start`, select. The pages name no default order, so
 * without one the newest come first: nothing may count on ascending ids it did not ask for.
 */
export function crmList(rows: Row[], p: Params, offset: string, multifields: readonly string[]): ReturnType<typeof fromPage> {
  const filter = parseFilter(arrayParam(p, 'filter'))
  const order = parseOrder(arrayParam(p, 'order'))
  const matched = rows.filter((row) => matchesAll(row, filter, upperResolve, offset))
  const sorted = sortRows(matched, order.length > 0 ? order : [['ID', true]], upperResolve, offset)
  const page = paginate(sorted, param(p, 'start'))
  const select = asList(param(p, 'select'))
  return fromPage(page, page.items.map((row) => selectCrm(row, select, multifields)))
}

// What update and delete answer for a record that is not there, as each page shows it: leads and deals "Not found";
// crm-company-update.md and crm-company-delete.md "Company is not found"; crm-contact-update.md "Contact is not
// found"; crm-contact-delete.md `ERROR_CORE` "Element not found".
const MISSING: Record<CrmKind, { update: () => RestError; delete: () => RestError }> = {
  lead: { update: () => crmError('Not found'), delete: () => crmError('Not found') },
  deal: { update: () => crmError('Not found'), delete: () => crmError('Not found') },
  company: { update: () => crmError('Company is not found'), delete: () => crmError('Company is not found') },
  contact: { update: () => crmError('Contact is not found'), delete: () => new RestError(400, 'ERROR_CORE', 'Element not found') },
}

function existing(kind: CrmKind, rows: { get(id: number): Row | undefined }, id: number, action: 'update' | 'delete'): number {
  if (rows.get(id) === undefined) throw MISSING[kind][action]()
  return id
}

function methodsFor(kind: CrmKind): MethodTable {
  return {
    // api-reference/crm/leads/crm-lead-add.md, api-reference/crm/deals/crm-deal-add.md,
    // api-reference/crm/companies/crm-company-add.md, api-reference/crm/contacts/crm-contact-add.md
    [`crm.${kind}.add`]: ({ state, userId }, p) => ok(createCrm(state, kind, fieldsParam(p), { userId })),
    // api-reference/crm/leads/crm-lead-get.md, api-reference/crm/deals/crm-deal-get.md,
    // api-reference/crm/companies/crm-company-get.md, api-reference/crm/contacts/crm-contact-get.md
    [`crm.${kind}.get`]: ({ state }, p) => ok(requireCrm(state, kind, idParam(p))),
    // api-reference/crm/leads/crm-lead-list.md, api-reference/crm/deals/crm-deal-list.md,
    // api-reference/crm/companies/crm-company-list.md, api-reference/crm/contacts/crm-contact-list.md
    [`crm.${kind}.list`]: ({ state }, p) => crmList(state.store.crm[kind].all(), p, state.cfg.offset, MULTIFIELDS[kind]),
    // api-reference/crm/leads/crm-lead-update.md, api-reference/crm/deals/crm-deal-update.md,
    // api-reference/crm/companies/crm-company-update.md, api-reference/crm/contacts/crm-contact-update.md
    [`crm.${kind}.update`]: ({ state, userId }, p) => {
      const id = existing(kind, state.store.crm[kind], idParam(p), 'update')
      updateCrm(state, kind, id, fieldsParam(p), { userId })
      return ok(true)
    },
    // api-reference/crm/leads/crm-lead-delete.md, api-reference/crm/deals/crm-deal-delete.md,
    // api-reference/crm/companies/crm-company-delete.md, api-reference/crm/contacts/crm-contact-delete.md
    [`crm.${kind}.delete`]: ({ state, userId }, p) => {
      deleteCrm(state, kind, existing(kind, state.store.crm[kind], idParam(p), 'delete'), { userId })
      return ok(true)
    },
    // api-reference/crm/leads/crm-lead-fields.md, api-reference/crm/deals/crm-deal-fields.md,
    // api-reference/crm/companies/crm-company-fields.md, api-reference/crm/contacts/crm-contact-fields.md
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
