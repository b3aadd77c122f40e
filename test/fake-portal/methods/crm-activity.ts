// crm.activity.add / get / list / update / delete / fields (crm/timeline/activities/activity-base/).
import {
  ACTIVITY_ON_DEMAND, activityView, createActivity, deleteActivity, requireActivity, updateActivity, validateNewActivity,
} from '../domain/activity.js'
import { asList, matchesAll, paginate, parseFilter, parseOrder, selectCrm, sortRows, upperResolve } from '../list.js'
import { param } from '../util.js'
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
  'crm.activity.add': ({ state, userId }, p) => {
    const fields = fieldsParam(p)
    validateNewActivity(fields)
    return ok(createActivity(state, fields, { userId }))
  },

  'crm.activity.get': ({ state }, p) => ok(activityView(requireActivity(state, idParam(p)))),

  // "By default, it is sorted by increasing the Start Date field (START_TIME)" (crm-activity-list.md).
  'crm.activity.list': ({ state }, p) => {
    const offset = state.cfg.offset
    const filter = parseFilter(param(p, 'filter'))
    const order = parseOrder(param(p, 'order'))
    const rows = state.store.activities.all().filter((row) => matchesAll(row, filter, upperResolve, offset))
    const sorted = sortRows(rows, order.length > 0 ? order : [['START_TIME', false]], upperResolve, offset)
    const page = paginate(sorted, param(p, 'start'))
    const select = asList(param(p, 'select'))
    return fromPage(page, page.items.map((row) => selectCrm(row, select.length === 0 ? ['*'] : select, ACTIVITY_ON_DEMAND)))
  },

  'crm.activity.update': ({ state, userId }, p) => {
    updateActivity(state, idParam(p), fieldsParam(p), { userId })
    return ok(true)
  },

  'crm.activity.delete': ({ state, userId }, p) => {
    deleteActivity(state, idParam(p), { userId })
    return ok(true)
  },

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
