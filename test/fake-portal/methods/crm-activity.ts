// crm.activity.add / get / list / update / delete / fields (api-reference/crm/timeline/activities/activity-base/) and
// crm.activity.binding.list / add / delete (api-reference/crm/timeline/activities/binding/).
import {
  ACTIVITY_ON_DEMAND, activityView, bindActivity, bindingsOf, createActivity, deleteActivity, matchesBindings, requireActivity,
  unbindActivity, updateActivity, validateNewActivity,
} from '../domain/activity.js'
import { RestError } from '../envelope.js'
import { asList, matchesAll, paginate, parseFilter, parseOrder, selectCrm, sortRows, upperResolve } from '../list.js'
import type { ActivityBinding } from '../store.js'
import { param, type Params } from '../util.js'
import { fieldsParam, idParam } from './crm-entity.js'
import { fromPage, ok, type MethodTable } from './registry.js'

const REQUIRED = ['OWNER_ID', 'OWNER_TYPE_ID', 'TYPE_ID', 'SUBJECT', 'RESPONSIBLE_ID', 'COMMUNICATIONS']
const READ_ONLY = ['ID', 'AUTHOR_ID', 'EDITOR_ID', 'CREATED', 'LAST_UPDATED']
const FIELD_TYPES: Record<string, string> = {
  ID: 'integer', OWNER_ID: 'integer', OWNER_TYPE_ID: 'integer', TYPE_ID: 'crm_enum_activitytype', SUBJECT: 'string',
  START_TIME: 'datetime', END_TIME: 'datetime', DEADLINE: 'datetime', COMPLETED: 'char', STATUS: 'crm_enum_activitystatus',
  RESPONSIBLE_ID: 'user', PRIORITY: 'crm_enum_activitypriority', DESCRIPTION: 'string', DIRECTION: 'crm_enum_activitydirection',
  AUTHOR_ID: 'user', EDITOR_ID: 'user', CREATED: 'datetime', LAST_UPDATED: 'datetime', COMMUNICATIONS: 'crm_activity_communication',
}

/** The crm.activity.* methods. */
export const activityMethods: MethodTable = {
  // api-reference/crm/timeline/activities/activity-base/crm-activity-add.md.
  'crm.activity.add': ({ state, userId }, p) => {
    const fields = fieldsParam(p)
    validateNewActivity(fields)
    return ok(createActivity(state, fields, { userId }))
  },

  // api-reference/crm/timeline/activities/activity-base/crm-activity-get.md.
  'crm.activity.get': ({ state }, p) => ok(activityView(requireActivity(state, idParam(p)))),

  // api-reference/crm/timeline/activities/activity-base/crm-activity-list.md: "By default, it is sorted by increasing the Start Date field (START_TIME)"; "The page size of
  // results is always static: 50 records", paged by `start`; the filter key BINDINGS finds every record's activities.
  'crm.activity.list': ({ state }, p) => {
    const offset = state.cfg.offset
    const conditions = parseFilter(param(p, 'filter'))
    const bindings = conditions.filter((c) => c.field.toUpperCase() === 'BINDINGS')
    const filter = conditions.filter((c) => !bindings.includes(c))
    const order = parseOrder(param(p, 'order'))
    const rows = state.store.activities.all().filter((row) => matchesAll(row, filter, upperResolve, offset)
      && bindings.every((c) => matchesBindings(state, Number(row.ID), c.value)))
    const sorted = sortRows(rows, order.length > 0 ? order : [['START_TIME', false]], upperResolve, offset)
    const page = paginate(sorted, param(p, 'start'))
    const select = asList(param(p, 'select'))
    return fromPage(page, page.items.map((row) => selectCrm(row, select.length === 0 ? ['*'] : select, ACTIVITY_ON_DEMAND)))
  },

  // api-reference/crm/timeline/activities/activity-base/crm-activity-update.md.
  'crm.activity.update': ({ state, userId }, p) => {
    updateActivity(state, idParam(p), fieldsParam(p), { userId })
    return ok(true)
  },

  // api-reference/crm/timeline/activities/activity-base/crm-activity-delete.md.
  'crm.activity.delete': ({ state, userId }, p) => {
    deleteActivity(state, idParam(p), { userId })
    return ok(true)
  },

  // api-reference/crm/timeline/activities/binding/crm-activity-binding-list.md: [{entityTypeId, entityId}], integers; an unknown activity is NOT_FOUND.
  'crm.activity.binding.list': ({ state }, p) => {
    const id = activityIdParam(p)
    if (state.store.activities.get(id) === undefined) throw new RestError(400, 'NOT_FOUND', 'Element not found')
    return ok(bindingsOf(state, id))
  },

  // api-reference/crm/timeline/activities/binding/crm-activity-binding-add.md.
  'crm.activity.binding.add': ({ state }, p) => {
    bindActivity(state, activityIdParam(p), bindingParam(p))
    return ok(true)
  },

  // api-reference/crm/timeline/activities/binding/crm-activity-binding-delete.md.
  'crm.activity.binding.delete': ({ state }, p) => {
    unbindActivity(state, activityIdParam(p), bindingParam(p))
    return ok(true)
  },

  // api-reference/crm/timeline/activities/activity-base/crm-activity-fields.md.
  'crm.activity.fields': () => {
    const fields: Record<string, unknown> = {}
    for (const [name, type] of Object.entries(FIELD_TYPES)) {
      fields[name] = {
        type,
        isRequired: REQUIRED.includes(name),
        isReadOnly: READ_ONLY.includes(name),
        isImmutable: false,
        isMultiple: name === 'COMMUNICATIONS',
        isDynamic: false,
        title: name,
      }
    }
    return ok(fields)
  },
}

// The binding methods' required integers; a missing one is error 100 "Required fields are not provided".
function requiredInt(p: Params, name: string): number {
  const value = Number(param(p, name))
  if (!Number.isInteger(value) || value <= 0) throw new RestError(400, '100', 'Required fields are not provided')
  return value
}

const activityIdParam = (p: Params): number => requiredInt(p, 'activityId')
const bindingParam = (p: Params): ActivityBinding => ({ entityTypeId: requiredInt(p, 'entityTypeId'), entityId: requiredInt(p, 'entityId') })
