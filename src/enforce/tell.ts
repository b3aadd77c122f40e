// Who hears of a decision and in what words: a violation's notices (or its fix), a warning before a deadline, an
// escalation to a supervisor, and the timeline comment that keeps what the app did. Pure: it adds steps to a plan.
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import { resolvedCalendarSettings } from '../../rules/calendar/portal-calendar.js'
import { CATALOGUE, type RuledFinding, type RuleId } from '../../rules/catalogue.js'
import type { ClockStep } from '../../rules/clock.js'
import { supervisorOf, userName } from '../../rules/directory.js'
import { responsibleOf, titleOf } from '../../rules/record.js'
import type { RelatedRecord, Snapshot, Text } from '../../rules/types.js'
import type { ClockState } from './decide.js'
import type { DecisionInput } from './load.js'
import { digestLine, languageOf, notice, timelineComment, toldText, type RecordMention } from '../notify/messages.js'
import { actionKey, type ActionKey, type CommentPayload, type NoticePriority, type Plan, type PlannedFollowUp, type ViolationRef } from '../store/plan.js'

/** Plans the notices, fixes and comments of one decision. */
export class Teller {
  constructor(private readonly input: DecisionInput, private readonly plan: Plan) {}

  /** A violation just opened: its fix (autofix), or its notices and the comment saying who was told. */
  opened(record: Snapshot, found: RuledFinding, violation: ViolationRef): void {
    const { entity, id, directory } = this.input
    const { finding, mode } = found
    if (mode === 'autofix' && finding.fix) {
      // Once the portal took the fix: the violation resolves, the journal keeps it, and the comment follows.
      const then: PlannedFollowUp[] = [
        { op: 'violation.resolve', violation, resolution: 'fixed by the app' },
        { op: 'journal', kind: 'fix.applied', violation, detail: { entity, entityId: id, fields: finding.fix.fields } },
        { op: 'action', key: actionKey({ violation }, 'comment'), priority: 'notice', payload: this.#commentPayload(found.ruleId, finding.fix.describe, violation) },
      ]
      this.plan.steps.push({
        op: 'action', key: actionKey({ violation }, 'fix'), priority: 'fix',
        payload: { kind: 'fix', violation, ruleId: found.ruleId, entity, entityId: id, fields: finding.fix.fields, describe: finding.fix.describe, then },
      })
      return
    }
    const told: string[] = []
    const related = finding.related ?? []
    const say = this.#words(record, found)
    // The responsible hears, or whoever the finding names instead (a task's creator).
    for (const userId of finding.recipients ?? (finding.responsibleId ? [finding.responsibleId] : [])) {
      this.#checkKnown(userId)
      told.push(userName(directory, userId))
      const responsibleName = finding.responsibleId && userId !== finding.responsibleId ? userName(directory, finding.responsibleId) : undefined
      this.#notice(actionKey({ violation }, 'notify', userId), userId, say.notice({ matches: related, responsibleName }), say.line(responsibleName), violation, 'notice')
    }
    // Each other responsible is told once, about all of their records this one concerns.
    for (const [userId, theirs] of byResponsible(related, finding.responsibleId)) {
      const responsibleName = finding.responsibleId ? userName(directory, finding.responsibleId) : undefined
      this.#notice(actionKey({ violation }, 'notify', userId), userId, say.notice({ concerns: theirs, responsibleName }), say.line(), violation, 'notice')
      told.push(userName(directory, userId))
    }
    if (told.length > 0) this.#comment(actionKey({ violation }, 'comment'), found.ruleId, toldText(finding.problem, told, false), violation)
  }

  /** A warning before the deadline, to whoever the clock names (the responsible by default). Returns whom it told. */
  warn(record: Snapshot, state: ClockState, found: RuledFinding, step: number): string[] {
    const { clock } = state
    const { directory, portal, settings } = this.input
    const recipients = clock.warnTo.length > 0 ? clock.warnTo : clock.responsibleId ? [clock.responsibleId] : []
    const say = this.#words(record, found)
    const { timeZone } = resolvedCalendarSettings(settings.calendar, portal.language)
    const responsibleName = clock.responsibleId && !recipients.includes(clock.responsibleId) ? userName(directory, clock.responsibleId) : undefined
    for (const userId of recipients) {
      this.#checkKnown(userId)
      const message = say.notice({ warning: { dueAt: clock.dueAt, timeZone }, responsibleName })
      this.#notice(actionKey({ clock: state.ref }, step, userId), userId, message, say.line(responsibleName), null, 'warning')
    }
    return recipients
  }

  /** An escalation step: the supervisor `level` steps above the responsible hears that the record is still in breach. */
  escalate(record: Snapshot, state: ClockState, step: ClockStep, found: RuledFinding, violation: ViolationRef | null): string[] {
    const { clock } = state
    const { entity, directory, settings, now } = this.input
    const responsible = responsibleOf(entity, record) ?? clock.responsibleId
    let supervisor: string | undefined = responsible ?? undefined
    for (let level = 0; level < step.level && supervisor; level++) supervisor = supervisorOf(directory, supervisor, settings.supervisors)
    if (!supervisor || !responsible || supervisor === responsible) {
      this.plan.steps.push({ op: 'journal', kind: 'violation.escalation-skipped', violation, detail: { level: step.level, reason: 'no supervisor found' } })
      return []
    }
    this.plan.steps.push({ op: 'violation.escalated', violation, journal: { supervisorId: supervisor, level: step.level } })
    const responsibleName = userName(directory, responsible)
    const say = this.#words(record, found)
    const message = say.notice({ responsibleName, escalation: { openedAt: clock.breachedAt ?? clock.dueAt, now } })
    const what = toldText(found.finding.problem, [userName(directory, supervisor)], true)
    this.#comment(actionKey({ clock: state.ref }, step.level, 'comment'), found.ruleId, what, violation)
    // A burst of escalations to one supervisor folds like notices do, into a digest of its own.
    this.#notice(actionKey({ clock: state.ref }, 'escalate', step.level, supervisor), supervisor, message, say.line(responsibleName), violation, 'deadline')
    return [supervisor]
  }

  // The notice and its digest line for a finding on a record, in the portal's language.
  #words(record: Snapshot, found: RuledFinding) {
    const { portal, entity, id } = this.input
    const language = languageOf(portal.language)
    const origin = new URL(portal.clientEndpoint).origin
    const mention: RecordMention = { entity, id, title: titleOf(entity, record) }
    const base = { language, origin, ruleId: found.ruleId, record: mention, problem: found.finding.problem }
    return {
      // Object.assign rather than a spread followed by fields, which Node 20's V8 builds about ten times slower.
      notice: (extra: Partial<Parameters<typeof notice>[0]>) => notice(Object.assign({}, base, { ruleTitle: CATALOGUE[found.ruleId].title, todo: found.finding.todo }, extra)),
      line: (responsibleName?: string) => digestLine(Object.assign({}, base, { responsibleName })),
    }
  }

  // A timeline comment in the portal's language; once added, the journal keeps it.
  #commentPayload(ruleId: RuleId, what: Text, violation: ViolationRef | null): CommentPayload {
    const { entity, id, portal } = this.input
    const comment = timelineComment(languageOf(portal.language), ruleId, CATALOGUE[ruleId].title, what)
    return { kind: 'comment', violation, entity, entityId: id, comment, then: [{ op: 'journal', kind: 'comment.added', violation, detail: { entity, entityId: id } }] }
  }

  // The record's timeline keeps what the app did about it (CRM records only: tasks have no timeline).
  #comment(key: ActionKey, ruleId: RuleId, what: Text, violation: ViolationRef | null): void {
    if (!['lead', 'deal', 'company', 'contact'].includes(this.input.entity)) return
    this.plan.steps.push({ op: 'action', key, priority: 'notice', payload: this.#commentPayload(ruleId, what, violation) })
  }

  // A notice, a warning or an escalation; an ordinary notice outside working time waits for the next working moment
  // (quiet time), deadlines never wait. Folding into digests comes after (fold()).
  #notice(key: ActionKey, userId: string, message: string, line: string, violation: ViolationRef | null, priority: NoticePriority): void {
    const { calendar, now } = this.input
    const notBefore = quietUntil(calendar, now, priority)
    const then: PlannedFollowUp[] = [{ op: 'journal', kind: 'notified', violation, detail: { userId } }]
    this.plan.steps.push({ op: 'notice', key, payload: { kind: 'notify', userId, message, line, violation, priority, notBefore, then } })
  }

  // A responsible the directory does not know yet: refreshed once the plan has committed.
  #checkKnown(userId: string): void {
    if (!this.input.directory.users.has(userId)) this.plan.unknownUsers.push(userId)
  }
}

/** When a notice may go: an ordinary notice outside working time waits for the next working moment (quiet time); ISO, or null for at once. */
export function quietUntil(calendar: BusinessCalendar, now: Date, priority: NoticePriority): string | null {
  return priority === 'notice' && !calendar.isWorkingTime(now) ? calendar.nextWorkingMoment(now).toISOString() : null
}

// The related records grouped by their responsible, leaving out the record's own responsible.
function byResponsible(related: readonly RelatedRecord[], own: string | null): Map<string, RelatedRecord[]> {
  const groups = new Map<string, RelatedRecord[]>()
  for (const record of related) {
    if (!record.responsibleId || record.responsibleId === own) continue
    const group = groups.get(record.responsibleId) ?? []
    group.push(record)
    groups.set(record.responsibleId, group)
  }
  return groups
}
