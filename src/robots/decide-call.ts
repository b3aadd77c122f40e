// One robot call decided: the robot's answer from the document as re-read, the portal's settings, calendar and
// directory; then the plan that records it and sends it (keyed by event_token) through the outbox.
import { resolvedCalendarSettings } from '../../rules/calendar/portal-calendar.js'
import { CATALOGUE } from '../../rules/catalogue.js'
import { responsibleOf, text, titleOf } from '../../rules/record.js'
import type { Entity } from '../../rules/types.js'
import { passOf } from '../enforce/decide.js'
import type { Loader, PortalFacts } from '../enforce/load.js'
import { languageOf, recordLink, type Language } from '../notify/messages.js'
import type { StorePort } from '../store/port.js'
import { actionKey, type Plan } from '../store/plan.js'
import { answerKey, type RobotCall } from '../store/robot-calls.js'
import { errorAnswer, propertyList, type RobotAnswer } from './answer.js'
import { checkAnswer, nameFixAnswer, notifyAnswer, type BrokenRule } from './answer-record.js'
import { dueAnswer, waitAnswer } from './answer-time.js'
import { ROBOTS } from './catalogue.js'
import type { DocumentRead } from './read.js'
import { ROBOT_WORDS, say } from './words.js'

/** What deciding a call reads besides the call and its document. */
export interface CallContext {
  store: StorePort
  loader: Loader
  portal: PortalFacts
  now: Date
}

/** The robot's answer to `call` on the document as read. */
export async function answerCall(ctx: CallContext, call: RobotCall, read: DocumentRead): Promise<RobotAnswer> {
  const { loader, portal, now } = ctx
  const document = call.documentId
  if (!ROBOTS.some((robot) => robot.code === call.code)) return errorAnswer(say(ROBOT_WORDS.unknownRobot, { code: call.code }))
  if (!read.found) return errorAnswer(say(read.reason === 'gone' ? ROBOT_WORDS.gone : ROBOT_WORDS.unsupported, { document }))
  const settings = await loader.dated(portal)
  const calendar = await loader.calendar(portal)
  const { timeZone } = resolvedCalendarSettings(settings.calendar, portal.language)
  const language = languageOf(portal.language)
  const key = actionKey({ text: answerKey(call.eventToken) })
  const entity = call.entity as 'lead' | 'deal' | 'item'
  const id = call.entityId ?? ''
  if (call.code === 'working_time_due') return dueAnswer(call.properties, { now, calendar, timeZone })
  if (call.code === 'working_time_wait') return waitAnswer({ now, calendar, timeZone })
  if (call.code === 'supervisor_notify') {
    const responsibleId = entity === 'item' ? String(read.record.assignedById ?? '') || null : responsibleOf(entity, read.record)
    const link = linkTo(portal, call, read.record, language)
    return notifyAnswer(call.properties, { responsibleId, directory: await loader.directory(portal.memberId), supervisors: settings.supervisors, link, calendar, now }, key)
  }
  if (entity === 'item') return errorAnswer(say(ROBOT_WORDS.unsupported, { document }))
  if (call.code === 'company_name_fix') {
    if (entity === 'lead') return nameFixAnswer({ entity: 'lead', id, field: 'COMPANY_TITLE', name: text(read.record, 'COMPANY_TITLE') }, settings.legalForms, key)
    const company = read.company
    return nameFixAnswer(company && { entity: 'company', id: company.id, field: 'TITLE', name: text(company.record, 'TITLE') }, settings.legalForms, key)
  }
  return checkAnswer(await brokenRules(ctx, entity, id, read.record, propertyList(call.properties, 'rules')), language)
}

/** The plan of a decided call: its steps, the call's decision, and (when the step waits) its answer, not before it resumes. */
export function planOf(call: RobotCall, answer: RobotAnswer, portal: PortalFacts, now: Date): Plan {
  const logMessage = answer.log[languageOf(portal.language)]
  const { returnValues } = answer
  const resumeAt = answer.resumeAt?.toISOString() ?? null
  const plan: Plan = { memberId: call.memberId, steps: [...answer.steps], unknownUsers: answer.unknownUsers }
  const answerAt = call.waits ? resumeAt ?? now.toISOString() : null
  plan.steps.push({ op: 'robot.decided', decision: { eventToken: call.eventToken, returnValues, logMessage, answerAt } })
  // A step that does not wait (use_subscription=N) takes no answer: the portal would refuse its token.
  if (!call.waits) return plan
  plan.steps.push({
    op: 'action', key: actionKey({ text: answerKey(call.eventToken) }), priority: 'fix',
    payload: {
      kind: 'answer', eventToken: call.eventToken, returnValues, logMessage, notBefore: resumeAt,
      then: [{ op: 'journal', kind: 'robot.answered', detail: { code: call.code, documentId: call.documentId } }],
    },
  })
  return plan
}

// The rules the record breaks now (of `chosen`, or all): what the rules find on it as read, and deadlines already breached.
async function brokenRules(ctx: CallContext, entity: Entity, id: string, record: Record<string, unknown>, chosen: string[]): Promise<BrokenRule[]> {
  const { store, loader, portal, now } = ctx
  const mirrored = await store.mirror.get(portal.memberId, entity, id)
  const previous = mirrored && !mirrored.deleted ? mirrored.snapshot : undefined
  // What the read does not carry (a deal's last stage move) is kept from the mirror.
  const current = { ...previous, ...record }
  const input = await loader.input(portal, entity, id, current, previous, { audit: false, eventAt: now.toISOString() }, now)
  const breached = (ruleId: string, variant: string) => input.open.some((open) => open.ruleId === ruleId && open.variant === variant)
  return passOf(input, current).findings
    .filter(({ ruleId, finding }) => !finding.undecided && (!finding.clock || breached(ruleId, finding.variant)))
    .filter(({ ruleId }) => chosen.length === 0 || chosen.includes(ruleId))
    .map(({ ruleId, finding }) => ({ ruleId, title: CATALOGUE[ruleId].title, problem: finding.problem }))
}

// A BB-code link to the record's card; a smart-process item's card is /crm/type/<entityTypeId>/details/<id>/.
function linkTo(portal: PortalFacts, call: RobotCall, record: Record<string, unknown>, language: Language): string {
  const origin = new URL(portal.clientEndpoint).origin
  const id = call.entityId ?? ''
  if (call.entity !== 'item') return recordLink(origin, { entity: call.entity as Entity, id, title: titleOf(call.entity as Entity, record) }, language)
  const title = String(record.title ?? '') || `#${id}`
  return `[URL=${origin}/crm/type/${call.entityTypeId}/details/${id}/]«${title}»[/URL]`
}
