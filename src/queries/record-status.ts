// What a deal's or lead's tab shows: each rule passed or failed with its reason, the running clocks, the violations
// with who was told when, the related tasks. Read from the store and one pass of the rules; changes nothing.
import { timeFor } from '../../rules/calendar/portal-calendar.js'
import { CATALOGUE, type RuleId } from '../../rules/catalogue.js'
import { userName, type Directory } from '../../rules/directory.js'
import { isTaskClosed, responsibleOf, text, titleOf } from '../../rules/record.js'
import type { Entity, Text } from '../../rules/types.js'
import type { RulePages } from './pages.js'
import { robotSteps, type RobotStepView } from './robot-steps.js'
import type { StorePort } from '../store/port.js'
import type { Portal } from '../store/portals.js'

/** One rule's verdict on the record. */
export interface RuleVerdict {
  ruleId: string
  title: Text
  /** passed; failed (an open violation); waiting (a deadline runs); excused; off (or not for this record). */
  state: 'passed' | 'failed' | 'waiting' | 'excused' | 'off'
  reason: Text | null
}

/** A running clock as the tab shows it; `periods` lets the browser count the working time left as it ticks. */
export interface ClockView {
  ruleId: string
  title: Text
  dueAt: string
  breachedAt: string | null
  /** What the time counts down to: the deadline, or past it the next supervisor's step (null when none is left). */
  target: 'due' | 'escalation' | null
  /** Working time left to the target now, milliseconds. */
  leftMs: number
  /** The working periods from now to the target, [start, end] epoch ms, at most a few dozen. */
  periods: Array<[number, number]>
  paused: boolean
}

/** A violation, open or past, with who was told. */
export interface ViolationView {
  id: number
  ruleId: string
  title: Text
  problem: Text
  openedAt: string
  resolvedAt: string | null
  resolution: string | null
  excused: { at: string; by: string; reason: string } | null
  told: Array<{ name: string; at: string; state: string }>
}

/** A task bound to the record. */
export interface TaskView {
  id: string
  title: string
  responsible: string
  deadline: string
  closed: boolean
  overdue: boolean
}

/** Everything a record's tab shows. */
export interface RecordStatus {
  entity: Entity
  id: string
  title: string
  responsible: string
  /** False when the app has not seen the record yet (created before the install, not swept yet). */
  known: boolean
  rules: RuleVerdict[]
  clocks: ClockView[]
  violations: ViolationView[]
  tasks: TaskView[]
  /** The app's robot steps that ran on the record, newest first. */
  robots: RobotStepView[]
  /** The app's clock when the status was read, epoch ms: the page's clocks tick on from it. */
  asOf: number
}

// The binding a task carries for a CRM record (`ufCrmTask`): D_12, L_5.
const BINDING: Partial<Record<Entity, string>> = { deal: 'D', lead: 'L' }
// The browser ticks through at most this many working periods (a deadline weeks away shows whole days anyway).
const MAX_PERIODS = 40

/** Builds a record's status for its tab. */
export async function recordStatus(deps: { store: StorePort; rules: RulePages; now: () => Date },
  portal: Portal, entity: Entity, id: string): Promise<RecordStatus> {
  const { store, rules: pages } = deps
  const { memberId } = portal
  const directory = await pages.directory(memberId)
  const mirrored = await store.mirror.get(memberId, entity, id)
  const current = mirrored && !mirrored.deleted ? mirrored.snapshot : undefined
  const responsibleId = current ? responsibleOf(entity, current) : null
  const history = await store.violations.history(memberId, entity, id)
  const open = history.filter((violation) => violation.resolvedAt === null)
  const clocks = await store.clocks.runningFor(memberId, entity, id)
  const pass = current ? await pages.inspect(portal, entity, id, current) : undefined
  const rules: RuleVerdict[] = (pass?.applicable ?? []).map((ruleId) => {
    const title = CATALOGUE[ruleId].title
    const violation = open.find((item) => item.ruleId === ruleId)
    if (violation?.excusedAt) return { ruleId, title, state: 'excused', reason: violation.message.problem }
    if (violation) return { ruleId, title, state: 'failed', reason: violation.message.problem }
    if (clocks.some((clock) => clock.ruleId === ruleId)) return { ruleId, title, state: 'waiting', reason: null }
    if (!pass?.checked.includes(ruleId)) return { ruleId, title, state: 'off', reason: null }
    const found = pass.findings.find((item) => item.ruleId === ruleId && !item.finding.clock && !item.finding.undecided)
    return found ? { ruleId, title, state: 'failed', reason: found.finding.problem } : { ruleId, title, state: 'passed', reason: null }
  })
  const now = deps.now().getTime()
  const calendar = await pages.calendarOf(portal)
  const notices = await store.actions.noticesOf(memberId, history.map((violation) => violation.id))
  return {
    entity, id, known: current !== undefined, asOf: now,
    title: current ? titleOf(entity, current) : '',
    responsible: responsibleId ? userName(directory, responsibleId) : '',
    rules,
    clocks: clocks.map((clock) => {
      const time = timeFor(calendar, clock.basis)
      const escalation = clock.steps.find((step) => step.kind === 'escalation' && step.doneAt === null)
      const target = clock.breachedAt === null ? clock.dueAt : escalation?.at
      return {
        ruleId: clock.ruleId, title: CATALOGUE[clock.ruleId as RuleId]?.title ?? { ru: clock.ruleId, en: clock.ruleId },
        dueAt: clock.dueAt, breachedAt: clock.breachedAt, paused: clock.pausedAt !== null,
        target: clock.breachedAt === null ? 'due' : escalation ? 'escalation' : null,
        leftMs: target ? Math.round(time.workingMinutesBetween(now, Date.parse(target)) * 60_000) : 0,
        periods: target ? time.workingPeriods(now, Date.parse(target), MAX_PERIODS) : [],
      }
    }),
    violations: history.map((violation) => ({
      id: violation.id, ruleId: violation.ruleId, title: CATALOGUE[violation.ruleId as RuleId]?.title ?? { ru: violation.ruleId, en: violation.ruleId },
      problem: violation.message.problem, openedAt: violation.openedAt, resolvedAt: violation.resolvedAt, resolution: violation.resolution,
      excused: violation.excusedAt ? { at: violation.excusedAt, by: userName(directory, violation.excusedBy ?? ''), reason: violation.excuse ?? '' } : null,
      told: notices.filter((notice) => notice.violationId === violation.id).map((notice) => ({ name: userName(directory, notice.userId), at: notice.at, state: notice.state })),
    })),
    tasks: await relatedTasks(store, memberId, entity, id, directory, now),
    robots: await robotSteps(store, memberId, entity, id),
  }
}

async function relatedTasks(store: StorePort, memberId: string, entity: Entity, id: string, directory: Directory, now: number): Promise<TaskView[]> {
  const prefix = BINDING[entity]
  if (!prefix) return []
  return (await store.mirror.tasksBoundTo(memberId, `${prefix}_${id}`)).map(({ entityId, snapshot }) => {
    const deadline = text(snapshot, 'deadline')
    const closed = isTaskClosed(snapshot)
    const responsible = responsibleOf('task', snapshot)
    return {
      id: entityId, title: text(snapshot, 'title'), responsible: responsible ? userName(directory, responsible) : '',
      deadline, closed, overdue: !closed && deadline !== '' && Date.parse(deadline) < now,
    }
  })
}
