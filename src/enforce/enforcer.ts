// The rules stage: runs the pure rules on every record change, keeps violations and deadline clocks, and plans who is
// told and what is fixed — all inside the transaction that stores the change.
import type { Logger } from 'pino'
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import { resolvedCalendarSettings, timeFor } from '../../rules/calendar/portal-calendar.js'
import { CATALOGUE, runRules, type Pass, type RuledFinding, type RuleId, type RuleSettings } from '../../rules/catalogue.js'
import { dueSteps, elapsedWorkingMs, nextStepAt, planClock, resumeClock, startOf, type ClockStep } from '../../rules/clock.js'
import { supervisorOf, userName, type Directory } from '../../rules/directory.js'
import { firstLeadStatus } from '../../rules/lead-statuses.js'
import { isOpen, isTaskClosed, responsibleOf, text, titleOf } from '../../rules/record.js'
import type { Entity, Peer, RelatedRecord, Snapshot, Text } from '../../rules/types.js'
import type { SettingsSource } from '../portal-settings.js'
import type { PlannedNotice } from '../store/actions.js'
import type { Clock, ClockChange } from '../store/clocks.js'
import type { Store } from '../store/index.js'
import type { Portal } from '../store/portals.js'
import type { Violation } from '../store/violations.js'
import { bindingsOf, OWNER_TYPE_IDS } from '../sync/record-lists.js'
import { AUDIT_EVENT } from '../sync/sweeper.js'
import type { RecordChange } from '../sync/worker.js'
import { digestLine, digestWords, languageOf, notice, timelineComment, toldText, type Language, type RecordMention } from './messages.js'
import { peersOf, refreshPeers } from './peers.js'

/** What settings would flag now: open records in all, and per rule how many with the first few. */
export interface FlaggedNow {
  total: number
  rules: Array<{ ruleId: RuleId; count: number; examples: Array<{ entity: Entity; id: string; title: string }> }>
}

/** What the rules stage needs. */
export interface EnforcerDeps {
  store: Store
  /** Each portal's settings and business calendar. */
  settings: SettingsSource
  logger: Logger
  now: () => Date
  /** Called when a responsible user is not in the directory. */
  onUnknownUser?: (memberId: string, userId: string) => void
}

/** How the record came in: the install's audit (what is already past is recorded, nobody told) and when. */
interface Arrival {
  audit: boolean
  eventAt: string
}

// The records an activity counts for, by the owner's type (crm.enum.ownertype): 1 lead, 2 deal.
const OWNER_ENTITY: Record<string, Entity> = { 1: 'lead', 2: 'deal' }

/** The leads and deals an activity was or is bound to, each once. */
function boundRecords(...snapshots: Array<Snapshot | undefined>): Array<{ entity: Entity; id: string }> {
  const records = new Map<string, { entity: Entity; id: string }>()
  for (const snapshot of snapshots) {
    for (const binding of snapshot ? bindingsOf(snapshot) : []) {
      const entity = OWNER_ENTITY[binding.OWNER_TYPE_ID]
      if (entity) records.set(`${entity}:${binding.OWNER_ID}`, { entity, id: binding.OWNER_ID })
    }
  }
  return [...records.values()]
}

const keyOf = (ruleId: string, variant: string): string => `${ruleId}|${variant}`

/** Turns record changes into violations, clocks and planned actions; everything inside the change's transaction. */
export class Enforcer {
  readonly #directories = new Map<string, { syncedAt: number; directory: Directory }>()
  readonly #now: () => Date

  constructor(private readonly deps: EnforcerDeps) {
    this.#now = deps.now
  }

  /** The worker's ChangeHandler: synchronous, inside the transaction that stores the change. */
  readonly onChange = (change: RecordChange): void => {
    const portal = this.deps.store.portals.get(change.memberId)
    if (!portal) return
    const arrival = { audit: change.events.length > 0 && change.events.every((event) => event === AUDIT_EVENT), eventAt: this.#now().toISOString() }
    const entity = change.entity as Entity
    this.#evaluate(portal, entity, change.entityId, change.current, change.previous, arrival)
    // A call, an e-mail or a planned step changes what the leads and deals it is bound to owe (before and after).
    if (entity === 'activity') {
      for (const { entity: owner, id } of boundRecords(change.previous, change.current)) {
        const mirrored = this.deps.store.mirror.get(portal.memberId, owner, id)
        if (mirrored && !mirrored.deleted) this.#evaluate(portal, owner, id, mirrored.snapshot, mirrored.snapshot, arrival)
      }
    }
    // A new task may complete a burst of the same task for several people: its earlier siblings are asked again.
    if (entity === 'task' && change.current && !change.previous) {
      const siblings = this.deps.store.mirror.tasksTitled(portal.memberId, text(change.current, 'createdBy'), text(change.current, 'title'))
      for (const task of siblings) if (task.entityId !== change.entityId) this.#evaluate(portal, 'task', task.entityId, task.snapshot, task.snapshot, arrival)
    }
  }

  /**
   * Asks the rules again about records whose clocks fell due (the engine re-read them just before) and takes the due
   * steps of the clocks still owed; the others stop. One commit per round; returns how many records failed.
   */
  stepDue(memberId: string, records: ReadonlyArray<{ entity: string; entityId: string }>): number {
    const { store } = this.deps
    let failed = 0
    // The round commits once; each record is a transaction of its own inside it (a savepoint), so one that fails
    // undoes only itself: the others hold up, its clock stays due and is tried again.
    store.transaction(() => {
      const portal = store.portals.get(memberId)
      if (!portal || portal.status !== 'active') return
      for (const { entity, entityId } of records) {
        try {
          store.transaction(() => {
            const mirrored = store.mirror.get(memberId, entity, entityId)
            const snapshot = mirrored && !mirrored.deleted ? mirrored.snapshot : undefined
            this.#evaluate(portal, entity as Entity, entityId, snapshot, snapshot, { audit: false, eventAt: this.#now().toISOString() })
          })
        } catch (error) {
          failed += 1
          this.deps.logger.error({ err: error, memberId, entity, entityId }, 'clock steps failed for a record')
        }
      }
    })
    return failed
  }

  /** The settings a portal runs under: a rule with no enforcement date starts at the install, "all" covers every record. */
  settingsFor(portal: Portal, settings = this.deps.settings.of(portal.memberId)): RuleSettings {
    // The portal stamps records to the second.
    const installed = new Date(Math.floor(Date.parse(portal.installedAt) / 1000) * 1000).toISOString()
    const rules = Object.fromEntries(
      Object.entries(settings.rules).map(([id, rule]) => [id, { ...rule, since: rule.since === 'all' ? null : rule.since ?? installed }]),
    ) as unknown as RuleSettings['rules']
    return { ...settings, rules }
  }

  /** The portal's business calendar (its settings, its language). */
  calendarOf(portal: Portal): BusinessCalendar {
    return this.deps.settings.calendarOf(portal.memberId, portal.language)
  }

  /** The portal's directory, re-read only when it was refreshed. */
  directory(memberId: string): Directory {
    const syncedAt = this.deps.store.directory.syncedAt(memberId)?.getTime() ?? 0
    const cached = this.#directories.get(memberId)
    if (cached && cached.syncedAt === syncedAt) return cached.directory
    const directory = this.deps.store.directory.load(memberId)
    this.#directories.set(memberId, { syncedAt, directory })
    return directory
  }

  /** What the rules say of a record as mirrored now, without changing anything (the pages show it). */
  inspect(portal: Portal, entity: Entity, id: string, current: Snapshot): Pass {
    return this.#pass(portal, entity, id, current, current, peersOf(this.deps.store, portal.memberId, entity, id, current))
  }

  /**
   * Excuses an open violation (a supervisor or an administrator, with a reason): it stays open while the record breaks
   * the rule, but its clock stops and nobody is told of it again. Returns false when it is not open or already excused.
   */
  excuse(memberId: string, violationId: number, userId: string, reason: string): boolean {
    const { store } = this.deps
    return store.transaction(() => {
      const violation = store.violations.get(violationId)
      const portal = store.portals.get(memberId)
      if (!violation || !portal || !store.violations.excuse(violationId, userId, reason)) return false
      for (const clock of store.clocks.runningFor(memberId, violation.entity, violation.entityId)) {
        if (clock.ruleId === violation.ruleId && clock.variant === violation.variant) this.#stop(portal, clock, 'excused')
      }
      store.journal.append(memberId, 'violation.excused', { violationId, ruleId: violation.ruleId, userId, reason })
      return true
    })
  }

  /**
   * How many open records of the portal (leads, deals, tasks in the mirror) `settings` would flag now: a finding
   * without a deadline, or one whose deadline has passed. The settings page shows it before saving.
   */
  countFlagged(portal: Portal, settings: RuleSettings): number {
    return this.flagged(portal, settings).total
  }

  /** As countFlagged, and per rule: how many records it would flag now and the first `examples` of them. */
  flagged(portal: Portal, settings: RuleSettings, examples = 3): FlaggedNow {
    const now = this.#now()
    const calendar = this.calendarOf(portal)
    const result: FlaggedNow = { total: 0, rules: [] }
    const byRule = new Map<RuleId, FlaggedNow['rules'][number]>()
    for (const entity of ['lead', 'deal', 'task'] as const) {
      for (const { entityId, snapshot } of this.deps.store.mirror.list(portal.memberId, entity)) {
        if (!isOpen(entity, snapshot) || (entity === 'task' && isTaskClosed(snapshot))) continue
        const pass = this.#pass(portal, entity, entityId, snapshot, snapshot, peersOf(this.deps.store, portal.memberId, entity, entityId, snapshot), settings)
        const due = pass.findings.filter(({ finding }) => !finding.undecided && (!finding.clock
          || Date.parse(planClock(finding.clock, startOf(finding.clock, now), timeFor(calendar, finding.clock.basis)).dueAt) <= now.getTime()))
        if (due.length > 0) result.total += 1
        for (const ruleId of new Set(due.map((item) => item.ruleId))) {
          const rule = byRule.get(ruleId) ?? { ruleId, count: 0, examples: [] }
          byRule.set(ruleId, rule)
          rule.count += 1
          if (rule.examples.length < examples) rule.examples.push({ entity, id: entityId, title: titleOf(entity, snapshot) })
        }
      }
    }
    result.rules = [...byRule.values()]
    return result
  }

  // What the rules find on a record, in the context the store gives: the people, statuses, activities, related records.
  #pass(portal: Portal, entity: Entity, id: string, current: Snapshot, previous: Snapshot | undefined, peers: Peer[], settings?: RuleSettings): Pass {
    const { store } = this.deps
    const { memberId } = portal
    const statuses = store.directory.leadStatuses(memberId)
    const ownerType = OWNER_TYPE_IDS[entity]
    const activities = ownerType ? store.mirror.activitiesOf(memberId, ownerType, id).map((activity) => activity.snapshot) : []
    const first = firstLeadStatus(statuses)
    const responsible = responsibleOf(entity, current)
    const leadsHeld = entity === 'lead' && responsible && text(current, 'STATUS_ID') === first ? store.mirror.leadsHeld(memberId, first, responsible) : 0
    const creator = entity === 'task' ? text(current, 'createdBy') : ''
    const sameTasks = creator ? store.mirror.tasksTitled(memberId, creator, text(current, 'title')).filter((task) => task.entityId !== id).map((task) => task.snapshot) : []
    return runRules({ entity, id, current, previous }, this.settingsFor(portal, settings), {
      now: this.#now(), directory: this.directory(memberId), firstLeadStatus: first, leadStatuses: statuses, peers, activities, leadsHeld, sameTasks,
      calendar: this.calendarOf(portal),
    })
  }

  // One record against every rule: violations opened and resolved, clocks started, stepped and stopped.
  #evaluate(portal: Portal, entity: Entity, id: string, current: Snapshot | undefined, previous: Snapshot | undefined, arrival: Arrival): void {
    const { store } = this.deps
    const { memberId } = portal
    const peers = refreshPeers(store, memberId, entity, id, current)
    const open = store.violations.openFor(memberId, entity, id)
    const clocks = store.clocks.runningFor(memberId, entity, id)
    if (!current) {
      for (const violation of open) this.#resolve(memberId, violation, 'record deleted')
      for (const clock of clocks) this.#stop(portal, clock, 'deleted')
      return
    }
    const directory = this.directory(memberId)
    const pass = this.#pass(portal, entity, id, current, previous, peers)
    // An excused violation keeps its record quiet for that rule: no clock, no notice, while the finding stands.
    const excused = new Set(open.filter((violation) => violation.excusedAt).map((violation) => keyOf(violation.ruleId, violation.variant)))
    const decided = pass.findings.filter((found) => {
      if (!found.finding.undecided) return true
      store.journal.append(memberId, 'rule.undecided', { ruleId: found.ruleId, entity, entityId: id, why: found.finding.undecided.ru })
      return false
    })
    const found = new Map(decided.map((item) => [keyOf(item.ruleId, item.finding.variant), item]))
    for (const violation of open) {
      if (!pass.applicable.includes(violation.ruleId as RuleId) || found.has(keyOf(violation.ruleId, violation.variant))) continue
      this.#resolve(memberId, violation, complies(pass, violation.ruleId))
    }
    for (const clock of clocks) {
      const still = excused.has(keyOf(clock.ruleId, clock.variant)) ? undefined : found.get(keyOf(clock.ruleId, clock.variant))
      // Another clock of the same rule takes over (a new responsible, a new planned step): this one was restarted.
      const successor = decided.some((item) => item.ruleId === clock.ruleId && item.finding.clock)
      if (still?.finding.clock) this.#keep(portal, entity, id, current, clock, still, directory)
      else if (successor && !clock.breachedAt) this.#stop(portal, clock, 'restarted')
      else if (pass.applicable.includes(clock.ruleId as RuleId)) this.#stop(portal, clock, complies(pass, clock.ruleId))
    }
    const openKeys = new Set(open.map((violation) => keyOf(violation.ruleId, violation.variant)))
    const running = new Set(clocks.map((clock) => keyOf(clock.ruleId, clock.variant)))
    // A closed record the install's audit brought in (its history window) is past: what it broke is recorded, nobody
    // is told, and no clock starts that would later send messages about a record long closed.
    const past = arrival.audit && isClosed(entity, current)
    for (const [key, item] of found) {
      if (item.finding.clock) {
        if (!past && !running.has(key) && !excused.has(key)) this.#startClock(portal, entity, id, current, item, directory, arrival)
      } else if (!openKeys.has(key)) {
        this.#open(portal, entity, id, current, item, directory, !past)
      }
    }
  }

  // A clock the rule still asks for: paused or resumed as the rule says, then its due steps taken.
  #keep(portal: Portal, entity: Entity, id: string, record: Snapshot, clock: Clock, found: RuledFinding, directory: Directory): void {
    const paused = found.finding.clock?.paused === true
    const now = this.#now()
    if (paused && !clock.pausedAt) {
      this.deps.store.clocks.update(clock.id, { pausedAt: now.toISOString(), nextAt: null })
      return
    }
    if (paused) return
    if (clock.pausedAt) {
      const resumed = resumeClock(clock, clock.pausedAt, now, this.#calendar(portal, clock.basis))
      const pauses = [...clock.pauses, { from: clock.pausedAt, to: now.toISOString() }]
      Object.assign(clock, { dueAt: resumed.dueAt, steps: resumed.steps, pausedAt: null, pausedMs: clock.pausedMs + resumed.pausedMs, pauses })
      this.deps.store.clocks.update(clock.id, { dueAt: clock.dueAt, steps: clock.steps, pausedAt: null, pausedMs: clock.pausedMs, pauses, nextAt: nextStepAt(clock.steps) })
    }
    this.#step(portal, entity, id, record, clock, found, directory, false)
  }

  #startClock(portal: Portal, entity: Entity, id: string, record: Snapshot, found: RuledFinding, directory: Directory, arrival: Arrival): void {
    const demand = found.finding.clock!
    const startedAt = startOf(demand, this.#now())
    const timing = planClock(demand, startedAt, this.#calendar(portal, demand.basis))
    const paused = demand.paused === true
    const fields = {
      ruleId: found.ruleId, ruleVersion: found.ruleVersion, entity, entityId: id, variant: found.finding.variant,
      responsibleId: found.finding.responsibleId, warnTo: [...(demand.warnTo ?? [])], basis: demand.basis, startedAt,
      dueAt: timing.dueAt, steps: timing.steps, nextAt: paused ? null : nextStepAt(timing.steps), pausedAt: paused ? this.#now().toISOString() : null,
      audit: arrival.audit, eventAt: arrival.eventAt,
    }
    const clockId = this.deps.store.clocks.start(portal.memberId, fields)
    this.deps.store.journal.append(portal.memberId, 'clock.started', { clockId, ruleId: found.ruleId, entity, entityId: id, startedAt, dueAt: timing.dueAt })
    if (paused) return
    const clock = this.deps.store.clocks.get(clockId)!
    // Steps already past when the clock starts: taken now, silently when the install's audit found them.
    this.#step(portal, entity, id, record, clock, found, directory, arrival.audit)
  }

  // Takes the clock's due steps in order. When a breach is due with warnings, the warnings are past use and only recorded.
  #step(portal: Portal, entity: Entity, id: string, record: Snapshot, clock: Clock, found: RuledFinding, directory: Directory, silent: boolean): void {
    const now = this.#now()
    const due = dueSteps(clock.steps, now)
    if (due.length === 0) return
    const quiet = silent || found.mode === 'report'
    const late = due.some((index) => clock.steps[index]!.kind !== 'warning')
    const steps = clock.steps.map((step) => ({ ...step }))
    const change: ClockChange = { steps, told: [...clock.told] }
    for (const index of due) {
      const step = steps[index]!
      step.doneAt = now.toISOString()
      const told = (userIds: string[]) => change.told!.push(...userIds.map((userId) => ({ step: index, userId, at: now.toISOString() })))
      if (step.kind === 'warning') {
        if (quiet || late) step.silent = true
        else told(this.#warn(portal, entity, id, record, clock, found, directory, index))
      } else if (step.kind === 'breach') {
        // With warnings sent before, the breach goes up the ladder; without, the responsible hears of it now.
        const hadWarnings = clock.steps.some((other) => other.kind === 'warning')
        // A violation already open for it (opened before clocks took over) stands; its people were told then.
        const standing = this.deps.store.violations.openFor(portal.memberId, entity, id).find((v) => v.ruleId === clock.ruleId && v.variant === clock.variant)
        const tell = !quiet && !hadWarnings && !standing
        change.violationId = standing?.id ?? this.#open(portal, entity, id, record, found, directory, tell)
        change.breachedAt = step.at
        if (quiet) step.silent = true
        else if (tell) told([...(found.finding.recipients ?? (found.finding.responsibleId ? [found.finding.responsibleId] : []))])
      } else if (quiet) {
        step.silent = true
      } else {
        told(this.#escalate(portal, entity, id, record, clock, step, found, directory, change.violationId ?? clock.violationId))
      }
    }
    change.nextAt = nextStepAt(steps)
    Object.assign(clock, change)
    this.deps.store.clocks.update(clock.id, change)
  }

  #stop(portal: Portal, clock: Clock, reason: string): void {
    const outcome = reason === 'complies' ? (clock.breachedAt ? 'late' : 'met') : reason
    const now = this.#now()
    const elapsed = elapsedWorkingMs(clock.startedAt, now, clock.pausedMs, this.#calendar(portal, clock.basis))
    this.deps.store.clocks.stop(clock.id, outcome, elapsed)
    this.deps.store.journal.append(portal.memberId, 'clock.stopped', { clockId: clock.id, ruleId: clock.ruleId, outcome, elapsedMs: Math.round(elapsed) })
  }

  #calendar(portal: Portal, basis: Clock['basis']): BusinessCalendar {
    return timeFor(this.calendarOf(portal), basis)
  }

  // A violation opens; `tell` says whether its people hear of it now (the responsible, the other records' responsibles).
  #open(portal: Portal, entity: Entity, id: string, record: Snapshot, found: RuledFinding, directory: Directory, tell: boolean): number {
    const { store } = this.deps
    const { finding, mode } = found
    const violationId = store.violations.open(portal.memberId, {
      ruleId: found.ruleId, ruleVersion: found.ruleVersion, entity, entityId: id, variant: finding.variant,
      responsibleId: finding.responsibleId, message: { problem: finding.problem, todo: finding.todo },
    })
    store.journal.append(portal.memberId, 'violation.opened', {
      violationId, ruleId: found.ruleId, entity, entityId: id, variant: finding.variant, mode, problem: finding.problem.ru,
    })
    if (mode === 'report' || !tell) return violationId
    if (mode === 'autofix' && finding.fix) {
      store.actions.plan(portal.memberId, `v${violationId}:fix`, 'fix', {
        violationId, ruleId: found.ruleId, entity, entityId: id, fields: finding.fix.fields, describe: finding.fix.describe,
      })
      return violationId
    }
    const told: string[] = []
    const related = finding.related ?? []
    const say = this.#words(portal, entity, id, record, found)
    // The responsible hears, or whoever the finding names instead (a task's creator).
    for (const userId of finding.recipients ?? (finding.responsibleId ? [finding.responsibleId] : [])) {
      this.#checkKnown(portal.memberId, directory, userId)
      told.push(userName(directory, userId))
      const responsibleName = finding.responsibleId && userId !== finding.responsibleId ? userName(directory, finding.responsibleId) : undefined
      this.#notice(portal, { key: `v${violationId}:notify:${userId}`, userId, message: say.notice({ matches: related, responsibleName }), line: say.line(responsibleName), violationId })
    }
    // Each other responsible is told once, about all of their records this one concerns.
    for (const [userId, theirs] of byResponsible(related, finding.responsibleId)) {
      const responsibleName = finding.responsibleId ? userName(directory, finding.responsibleId) : undefined
      this.#notice(portal, { key: `v${violationId}:notify:${userId}`, userId, message: say.notice({ concerns: theirs, responsibleName }), line: say.line(), violationId })
      told.push(userName(directory, userId))
    }
    if (told.length > 0) this.#comment(portal, `v${violationId}:comment`, entity, id, found.ruleId, toldText(finding.problem, told, false), violationId)
    return violationId
  }

  // A warning before the deadline, to whoever the clock names (the responsible by default). Returns whom it told.
  #warn(portal: Portal, entity: Entity, id: string, record: Snapshot, clock: Clock, found: RuledFinding, directory: Directory, step: number): string[] {
    const recipients = clock.warnTo.length > 0 ? clock.warnTo : clock.responsibleId ? [clock.responsibleId] : []
    const say = this.#words(portal, entity, id, record, found)
    const { timeZone } = resolvedCalendarSettings(this.deps.settings.of(portal.memberId).calendar, portal.language)
    const responsibleName = clock.responsibleId && !recipients.includes(clock.responsibleId) ? userName(directory, clock.responsibleId) : undefined
    for (const userId of recipients) {
      this.#checkKnown(portal.memberId, directory, userId)
      const message = say.notice({ warning: { dueAt: clock.dueAt, timeZone }, responsibleName })
      this.#notice(portal, { key: `c${clock.id}:${step}:${userId}`, userId, message, line: say.line(responsibleName), violationId: 0, priority: 'warning' })
    }
    return recipients
  }

  // An escalation step: the supervisor `level` steps above the responsible hears that the record is still in breach.
  #escalate(portal: Portal, entity: Entity, id: string, record: Snapshot, clock: Clock, step: ClockStep, found: RuledFinding, directory: Directory, violationId: number | null): string[] {
    const { store } = this.deps
    const settings = this.deps.settings.of(portal.memberId)
    const responsible = responsibleOf(entity, record) ?? clock.responsibleId
    let supervisor: string | undefined = responsible ?? undefined
    for (let level = 0; level < step.level && supervisor; level++) supervisor = supervisorOf(directory, supervisor, settings.supervisors)
    const vid = violationId ?? 0
    if (!supervisor || !responsible || supervisor === responsible) {
      store.journal.append(portal.memberId, 'violation.escalation-skipped', { violationId: vid, level: step.level, reason: 'no supervisor found' })
      return []
    }
    store.violations.markEscalated(vid)
    store.journal.append(portal.memberId, 'violation.escalated', { violationId: vid, supervisorId: supervisor, level: step.level })
    const responsibleName = userName(directory, responsible)
    const say = this.#words(portal, entity, id, record, found)
    const message = say.notice({ responsibleName, escalation: { openedAt: clock.breachedAt ?? clock.dueAt, now: this.#now() } })
    const what = toldText(found.finding.problem, [userName(directory, supervisor)], true)
    this.#comment(portal, `c${clock.id}:${step.level}:comment`, entity, id, found.ruleId, what, vid)
    // A burst of escalations to one supervisor folds like notices do, into a digest of its own.
    this.#notice(portal, { key: `c${clock.id}:escalate:${step.level}:${supervisor}`, userId: supervisor, message, line: say.line(responsibleName), violationId: vid, priority: 'deadline' })
    return [supervisor]
  }

  // The notice and its digest line for a finding on a record, in the portal's language.
  #words(portal: Portal, entity: Entity, id: string, record: Snapshot, found: RuledFinding) {
    const language = languageOf(portal.language)
    const origin = new URL(portal.clientEndpoint).origin
    const mention: RecordMention = { entity, id, title: titleOf(entity, record) }
    const base = { language, origin, ruleId: found.ruleId, record: mention, problem: found.finding.problem }
    return {
      notice: (extra: Partial<Parameters<typeof notice>[0]>) => notice({ ...base, ruleTitle: CATALOGUE[found.ruleId].title, todo: found.finding.todo, ...extra }),
      line: (responsibleName?: string) => digestLine({ ...base, responsibleName }),
    }
  }

  // The record's timeline keeps what the app did about it (CRM records only: tasks have no timeline).
  #comment(portal: Portal, key: string, entity: Entity, id: string, ruleId: RuleId, what: Text, violationId: number): void {
    if (!['lead', 'deal', 'company', 'contact'].includes(entity)) return
    const comment = timelineComment(languageOf(portal.language), ruleId, CATALOGUE[ruleId].title, what)
    this.deps.store.actions.plan(portal.memberId, key, 'comment', { violationId, entity, entityId: id, comment })
  }

  // A notice, a warning or an escalation: past the recipient's digest limit it is folded into their digest; an ordinary
  // notice outside working time waits for the next working moment (quiet time), deadlines never wait.
  #notice(portal: Portal, planned: PlannedNotice): void {
    const { limit, windowMs } = this.deps.settings.of(portal.memberId).notifications.digest
    const language: Language = languageOf(portal.language)
    const now = this.#now()
    const calendar = this.calendarOf(portal)
    const notBefore = (planned.priority ?? 'notice') === 'notice' && !calendar.isWorkingTime(now) ? calendar.nextWorkingMoment(now) : undefined
    this.deps.store.actions.planNotice(portal.memberId, { ...planned, notBefore }, { limit, windowMs, ...digestWords(language, planned.priority) })
  }

  #resolve(memberId: string, violation: Violation, resolution: string): void {
    this.deps.store.violations.resolve(violation.id, resolution)
    this.deps.store.journal.append(memberId, 'violation.resolved', { violationId: violation.id, ruleId: violation.ruleId, resolution })
  }

  // A responsible the directory does not know yet: refresh it once the transaction is over.
  #checkKnown(memberId: string, directory: Directory, userId: string): void {
    if (!directory.users.has(userId)) setImmediate(() => this.deps.onUnknownUser?.(memberId, userId))
  }
}

// Why a rule no longer finds what it found: the record complies, or the rule no longer looks at it (off, out of scope).
function complies(pass: Pass, ruleId: string): string {
  return pass.checked.includes(ruleId as RuleId) ? 'complies' : 'no longer applies'
}

// A lead or deal won, lost or converted, a task completed or declined: nothing more is owed on it.
function isClosed(entity: Entity, record: Snapshot): boolean {
  if (entity === 'task') return isTaskClosed(record)
  return !isOpen(entity, record)
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
