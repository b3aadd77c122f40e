// bizproc.robot.add / list / update / delete and bizproc.event.send, each as its page in api-reference/bizproc/ documents it.
import { isAdmin } from '../domain/directory.js'
import {
  checkHandler, invalid, robotCode, robotDocumentType, robotFilter, robotName, robotProperties,
} from '../domain/robots.js'
import { RestError } from '../envelope.js'
import type { FakeRobot } from '../types.js'
import { LOG_LIMIT } from '../state.js'
import { isRecord, param, pushBounded, str } from '../util.js'
import { ok, type CallContext, type MethodTable } from './registry.js'

// Every call to the fake is made with the app's OAuth tokens, i.e. in "the context of an application"; the portal's
// `ACCESS_DENIED` "Application context required" (webhooks) has no caller here.
function requireAdmin(ctx: CallContext): void {
  if (!isAdmin(ctx.state, ctx.userId)) throw new RestError(403, 'ACCESS_DENIED', 'Access denied!')
}

function localizedOrNull(value: unknown): FakeRobot['description'] {
  if (value === undefined || value === '') return null
  return robotName(value)
}

/** The bizproc.* methods of the portal's automation; a plan without it has none of them. */
export const bizprocMethods: MethodTable = withAutomation({
  // api-reference/bizproc/bizproc-robot/bizproc-robot-add.md: an administrator; CODE, HANDLER, NAME required; a code
  // already registered answers ERROR_ACTIVITY_ALREADY_INSTALLED "Activity or Automation rule already installed!".
  'bizproc.robot.add': (ctx, p) => {
    requireAdmin(ctx)
    if (Object.keys(p).length === 0) throw invalid('Empty data!')
    const code = robotCode(p)
    const handler = checkHandler(ctx.state, param(p, 'HANDLER'))
    const name = robotName(param(p, 'NAME'))
    const robot: FakeRobot = {
      code,
      handler,
      authUserId: Number(param(p, 'AUTH_USER_ID') ?? 0) || 0,
      // "By default, the parameter is empty, which is equivalent to waiting … only when explicitly set to N".
      useSubscription: str(param(p, 'USE_SUBSCRIPTION')).toUpperCase() === 'N' ? 'N' : 'Y',
      name,
      description: localizedOrNull(param(p, 'DESCRIPTION')),
      properties: robotProperties(param(p, 'PROPERTIES')),
      returnProperties: robotProperties(param(p, 'RETURN_PROPERTIES')),
      documentType: robotDocumentType(param(p, 'DOCUMENT_TYPE')),
      filter: robotFilter(param(p, 'FILTER')),
      usePlacement: str(param(p, 'USE_PLACEMENT')).toUpperCase() === 'Y' ? 'Y' : 'N',
      placementHandler: null,
    }
    if (robot.usePlacement === 'Y') robot.placementHandler = checkHandler(ctx.state, param(p, 'PLACEMENT_HANDLER'))
    if (ctx.state.robots.has(code)) {
      throw new RestError(400, 'ERROR_ACTIVITY_ALREADY_INSTALLED', 'Activity or Automation rule already installed!')
    }
    ctx.state.robots.set(code, robot)
    return ok(true)
  },

  // api-reference/bizproc/bizproc-robot/bizproc-robot-list.md: no parameters; the codes of the app's robots.
  'bizproc.robot.list': (ctx) => {
    requireAdmin(ctx)
    return ok([...ctx.state.robots.keys()])
  },

  // api-reference/bizproc/bizproc-robot/bizproc-robot-update.md: CODE and FIELDS; "Pass at least one field to update".
  'bizproc.robot.update': (ctx, p) => {
    requireAdmin(ctx)
    const code = robotCode(p)
    const robot = ctx.state.robots.get(code)
    if (robot === undefined) throw new RestError(400, 'ERROR_ACTIVITY_NOT_FOUND', 'Activity or Automation Rule not found!')
    const fields = param(p, 'FIELDS')
    if (!isRecord(fields) || Object.keys(fields).length === 0) throw invalid('No fields to update')
    const next: FakeRobot = { ...robot }
    const field = (name: string): unknown => param(fields, name)
    if (field('HANDLER') !== undefined) next.handler = checkHandler(ctx.state, field('HANDLER'))
    if (field('AUTH_USER_ID') !== undefined) next.authUserId = Number(field('AUTH_USER_ID')) || 0
    if (field('USE_SUBSCRIPTION') !== undefined) next.useSubscription = str(field('USE_SUBSCRIPTION')).toUpperCase() === 'N' ? 'N' : 'Y'
    if (field('NAME') !== undefined && field('NAME') !== '') next.name = robotName(field('NAME'))
    if (field('DESCRIPTION') !== undefined) next.description = localizedOrNull(field('DESCRIPTION'))
    if (field('PROPERTIES') !== undefined) next.properties = robotProperties(field('PROPERTIES'))
    if (field('RETURN_PROPERTIES') !== undefined) next.returnProperties = robotProperties(field('RETURN_PROPERTIES'))
    if (field('DOCUMENT_TYPE') !== undefined) next.documentType = robotDocumentType(field('DOCUMENT_TYPE'))
    if (field('FILTER') !== undefined) next.filter = robotFilter(field('FILTER'))
    if (field('USE_PLACEMENT') !== undefined) next.usePlacement = str(field('USE_PLACEMENT')).toUpperCase() === 'Y' ? 'Y' : 'N'
    if (field('PLACEMENT_HANDLER') !== undefined) next.placementHandler = checkHandler(ctx.state, field('PLACEMENT_HANDLER'))
    ctx.state.robots.set(code, next)
    return ok(true)
  },

  // api-reference/bizproc/bizproc-robot/bizproc-robot-delete.md: ERROR_ACTIVITY_NOT_FOUND "Activity or Robot not found!".
  'bizproc.robot.delete': (ctx, p) => {
    requireAdmin(ctx)
    const code = robotCode(p)
    if (!ctx.state.robots.delete(code)) throw new RestError(400, 'ERROR_ACTIVITY_NOT_FOUND', 'Activity or Robot not found!')
    return ok(true)
  },

  // api-reference/bizproc/bizproc-robot/bizproc-event-send.md: any user; "EVENT_TOKEN must be valid and current. If the
  // token is invalid or expired, the method will return an access error ACCESS_DENIED" (HTTP 403). A token whose step
  // has already had its answer, or that did not wait (USE_SUBSCRIPTION=N), is no longer current here: ACCESS_DENIED.
  // (Older portal code answered `true` for a finished step; the app must treat ACCESS_DENIED on a resend as answered.)
  'bizproc.event.send': (ctx, p) => {
    const token = str(param(p, 'EVENT_TOKEN'))
    const run = ctx.state.robotRuns.get(token)
    if (run === undefined || !run.waiting) throw new RestError(403, 'ACCESS_DENIED', 'Access denied!')
    const declared = ctx.state.robots.get(run.code)?.returnProperties ?? {}
    const sent = param(p, 'RETURN_VALUES')
    const values = isRecord(sent) ? sent : {}
    const returnValues: Record<string, unknown> = {}
    const dropped: string[] = []
    for (const [key, value] of Object.entries(values)) {
      if (key in declared) returnValues[key] = value
      else dropped.push(key)
    }
    const answer = { eventToken: token, returnValues, dropped, logMessage: str(param(p, 'LOG_MESSAGE')), userId: ctx.userId, at: ctx.state.now() }
    run.waiting = false
    run.answers.push(answer)
    pushBounded(ctx.state.robotAnswers, answer, LOG_LIMIT)
    return ok(true)
  },
})

// The portal offers bizproc.* only with one of the features bizproc, crm_automation_lead, crm_automation_deal, …
// (modules/bizproc/lib/restservice.php, shared/notes/robots.md); otherwise the method is unknown, as any other.
function withAutomation(methods: MethodTable): MethodTable {
  return Object.fromEntries(Object.entries(methods).map(([name, method]) => [name, (ctx: CallContext, p: Parameters<typeof method>[1]) => {
    if (!ctx.state.cfg.automation) throw new RestError(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!')
    return method(ctx, p)
  }]))
}
