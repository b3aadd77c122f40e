// placement.bind / placement.get / placement.unbind, each as its page in api-reference/widgets/ documents it; admin only.
import { isAdmin } from '../domain/directory.js'
import { RestError } from '../envelope.js'
import { isRecord, param, phpArray, str } from '../util.js'
import { ok, type CallContext, type MethodTable } from './registry.js'

const CRM_OWNERS = '(LEAD|DEAL|CONTACT|COMPANY|QUOTE|SMART_INVOICE|ORDER|ACTIVITY|DYNAMIC_\\d+)'
const CRM_SLOTS = '(DETAIL_TAB|DETAIL_ACTIVITY|DETAIL_TOOLBAR|DOCUMENTGENERATOR_BUTTON|LIST_MENU|LIST_TOOLBAR|ROBOT_DESIGNER_TOOLBAR)'
const CRM_PLACEMENT = new RegExp(`^CRM_${CRM_OWNERS}_${CRM_SLOTS}$`)
// The codes listed in widgets/placements.md outside the CRM_<OWNER>_<SLOT> family.
const OTHER_PLACEMENTS = new Set(
  `BI_ANALYTICS_MENU CALENDAR_GRIDVIEW CALL_CARD CONTACT_CENTER CRM_ANALYTICS_MENU CRM_BANK_DETAIL_AUTOCOMPLETE
  CRM_DETAIL_SEARCH CRM_FUNNELS_TOOLBAR CRM_REQUISITE_AUTOCOMPLETE IMMOBILE_CONTEXT_MENU IM_CONTEXT_MENU IM_NAVIGATION
  IM_SIDEBAR IM_TEXTAREA LEFT_MENU PAGE_BACKGROUND_WORKER REST_APP_URI SETTING_CONNECTOR SONET_GROUP_DETAIL_TAB
  SONET_GROUP_ROBOT_DESIGNER_TOOLBAR SONET_GROUP_TOOLBAR TASK_GROUP_LIST_TOOLBAR TASK_LIST_CONTEXT_MENU
  TASK_ROBOT_DESIGNER_TOOLBAR TASK_USER_LIST_TOOLBAR TASK_VIEW_SIDEBAR TASK_VIEW_TAB TASK_VIEW_TOP_PANEL
  TELEPHONY_ANALYTICS_MENU USER_PROFILE_MENU USER_PROFILE_TOOLBAR`.split(/\s+/),
)

function requireAdmin(ctx: CallContext): void {
  if (!isAdmin(ctx.state, ctx.userId)) throw new RestError(403, 'ACCESS_DENIED', 'Access denied!')
}

/** placement.bind's missing-argument answer: ERROR_ARGUMENT with HTTP 200 (placement-bind.md). */
function argumentError(name: string, status: number): RestError {
  return new RestError(status, 'ERROR_ARGUMENT', `Argument '${name}' is null or empty`, { argument: name })
}

/** The placement.* methods. */
export const placementMethods: MethodTable = {
  // api-reference/widgets/placement-bind.md: ERROR_ARGUMENT and ERROR_PLACEMENT_USER_MODE at 200, `true` when bound.
  'placement.bind': (ctx, p) => {
    requireAdmin(ctx)
    const placement = str(param(p, 'PLACEMENT')).toUpperCase()
    const handler = str(param(p, 'HANDLER'))
    if (placement === '') throw argumentError('PLACEMENT', 200)
    if (handler === '') throw argumentError('HANDLER', 200)
    if (!CRM_PLACEMENT.test(placement) && !OTHER_PLACEMENTS.has(placement)) {
      throw new RestError(400, 'ERROR_PLACEMENT_NOT_FOUND', 'Placement not found')
    }
    const userId = Number(param(p, 'USER_ID') ?? 0)
    if (userId > 0 && placement !== 'PAGE_BACKGROUND_WORKER') {
      throw new RestError(200, 'ERROR_PLACEMENT_USER_MODE', 'User mode is not available')
    }
    const bindings = ctx.state.placementBindings
    if (bindings.some((b) => b.placement === placement && b.handler === handler && b.userId === userId)) {
      // The same handler twice: the placement handler's duplicate answer, documented with its HTTP 400 in
      // widgets/user-field/userfieldtype-add.md (placement-bind.md's own table does not list it).
      throw new RestError(400, 'ERROR_CORE', 'Unable to set placement handler: Handler already binded')
    }
    // OPTIONS "Not supported by DETAIL_TAB" — the portal discards them there.
    const rawOptions = param(p, 'OPTIONS')
    const options = placement.endsWith('_DETAIL_TAB') || !isRecord(rawOptions) ? [] : rawOptions
    const langAll = param(p, 'LANG_ALL')
    bindings.push({
      placement,
      handler,
      title: str(param(p, 'TITLE')),
      description: str(param(p, 'DESCRIPTION')),
      langAll: isRecord(langAll) ? langAll : [],
      options,
      userId,
    })
    return ok(true)
  },

  // api-reference/widgets/placement-get.md: rows of `placement, userId, handler, options` (`[]` when none), `title`,
  // `description`, `langAll`.
  'placement.get': (ctx) => {
    requireAdmin(ctx)
    return ok(
      ctx.state.placementBindings.map((b) => ({
        placement: b.placement,
        userId: b.userId,
        handler: b.handler,
        options: isRecord(b.options) ? phpArray(b.options) : [],
        title: b.title,
        description: b.description,
        langAll: b.langAll,
      })),
    )
  },

  // api-reference/widgets/placement-unbind.md: without HANDLER every handler of the placement goes; USER_ID narrows it.
  'placement.unbind': (ctx, p) => {
    requireAdmin(ctx)
    const placement = str(param(p, 'PLACEMENT')).toUpperCase()
    if (placement === '') throw argumentError('PLACEMENT', 400)
    const handler = str(param(p, 'HANDLER'))
    const userRaw = param(p, 'USER_ID')
    const doomed = ctx.state.placementBindings.filter(
      (b) => b.placement === placement && (handler === '' || b.handler === handler) && (userRaw === undefined || b.userId === Number(userRaw)),
    )
    ctx.state.placementBindings = ctx.state.placementBindings.filter((b) => !doomed.includes(b))
    return ok({ count: doomed.length })
  },
}
