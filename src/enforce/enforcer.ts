// The rules stage: runs the pure rules on every record change, keeps violations, and plans who is told and what is fixed.
import type { Logger } from 'pino'
import { CATALOGUE, runRules, type PassContext, type RuledFinding, type RuleId, type RuleSettings } from '../../rules/catalogue.js'
import { supervisorOf, userName, type Directory } from '../../rules/directory.js'
import { firstLeadStatus } from '../../rules/lead-statuses.js'
import { responsibleOf, text } from '../../rules/record.js'
import type { Entity, RelatedRecord, Snapshot, Text } from '../../rules/types.js'
import type { PlannedNotice } from '../store/actions.js'
import type { Store } from '../store/index.js'
import type { Portal } from '../store/portals.js'
import type { Violation } from '../store/violations.js'
import type { RecordChange } from '../sync/worker.js'
import { digestLine, digestWords, languageOf, notice, timelineComment, toldText, type Language, type RecordMention } from './messages.js'
import { refreshPeers } from './peers.js'

/** What the rules stage needs. */
export interface EnforcerDeps {
  store: Store
  settings: RuleSettings
  logger: Logger
  now?: () => Date
  /** Called once an escalation's transaction is over and it planned a notification. */
  onPlanned?: (memberId: string) => void
  /** Called when a responsible user is not in the directory. */
  onUnknownUser?: (memberId: string, userId: string) => void
}

/** Turns record changes into violations and planned actions; everything inside the change's transaction. */
export class Enforcer {
  readonly #directories = new Map<string, { syncedAt: number; directory: Directory }>()
  readonly #now: () => Date

  constructor(private readonly deps: EnforcerDeps) {
    this.#now = deps.now ?? (() => new Date())
  }

  /** The worker's ChangeHandler: synchronous, inside the transaction that stores the change. */
  readonly onChange = (change: RecordChange): void => {
    const { store } = this.deps
    const portal = store.portals.get(change.memberId)
    if (!portal) return
    const entity = change.entity as Entity
    const peers = refreshPeers(store, change.memberId, entity, change.entityId, change.current)
    const open = store.violations.openFor(change.memberId, change.entity, change.entityId)
    if (!change.current) {
      for (const violation of open) this.#resolve(change.memberId, violation, 'record deleted')
      return
    }
    const directory = this.directory(change.memberId)
    const record = { entity, id: change.entityId, current: change.current, previous: change.previous }
    const pass = runRules(record, this.settingsFor(portal), this.#context(change.memberId, directory, peers))
    const foundKeys = new Set(pass.findings.map((found) => `${found.ruleId}|${found.finding.variant}`))
    for (const violation of open) {
      if (!pass.applicable.includes(violation.ruleId as never) || foundKeys.has(`${violation.ruleId}|${violation.variant}`)) continue
      this.#resolve(change.memberId, violation, pass.checked.includes(violation.ruleId as never) ? 'complies' : 'no longer applies')
    }
    const openKeys = new Set(open.map((violation) => `${violation.ruleId}|${violation.variant}`))
    for (const found of pass.findings) {
      if (openKeys.has(`${found.ruleId}|${found.finding.variant}`)) continue
      this.#open(portal, entity, change.entityId, change.current, found, directory)
    }
  }

  /** Tells supervisors about violations still open at their escalation moment; resolves the ones that comply by now. */
  escalateDue(): void {
    const { store } = this.deps
    for (const violation of store.violations.dueEscalations()) {
      const planned = store.transaction(() => this.#escalate(violation.memberId, violation))
      if (planned) this.deps.onPlanned?.(violation.memberId)
    }
  }

  // What the rules know besides the record: the time, the people, where new leads start, the client's other records.
  #context(memberId: string, directory: Directory, peers: PassContext['peers']): PassContext {
    return { now: this.#now(), directory, firstLeadStatus: firstLeadStatus(this.deps.store.directory.leadStatuses(memberId)), peers }
  }

  /** The settings a portal runs under: a rule with no enforcement date starts at the install, so old records are not flagged. */
  settingsFor(portal: Portal): RuleSettings {
    // The portal stamps records to the second.
    const installed = new Date(Math.floor(Date.parse(portal.installedAt) / 1000) * 1000).toISOString()
    const rules = Object.fromEntries(
      Object.entries(this.deps.settings.rules).map(([id, rule]) => [id, { ...rule, since: rule.since ?? installed }]),
    ) as unknown as RuleSettings['rules']
    return { ...this.deps.settings, rules }
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

  #open(portal: Portal, entity: Entity, id: string, record: Snapshot, found: RuledFinding, directory: Directory): void {
    const { store } = this.deps
    const { finding, mode } = found
    const escalates = finding.escalateAfterMs !== undefined && mode !== 'report'
    const violationId = store.violations.open(portal.memberId, {
      ruleId: found.ruleId,
      ruleVersion: found.ruleVersion,
      entity,
      entityId: id,
      variant: finding.variant,
      responsibleId: finding.responsibleId,
      message: { problem: finding.problem, todo: finding.todo },
      escalateAt: escalates ? new Date(this.#now().getTime() + (finding.escalateAfterMs ?? 0)).toISOString() : null,
    })
    store.journal.append(portal.memberId, 'violation.opened', {
      violationId, ruleId: found.ruleId, entity, entityId: id, variant: finding.variant, mode, problem: finding.problem.ru,
    })
    if (mode === 'report') return
    if (mode === 'autofix' && finding.fix) {
      store.actions.plan(portal.memberId, `v${violationId}:fix`, 'fix', {
        violationId, ruleId: found.ruleId, entity, entityId: id, fields: finding.fix.fields, describe: finding.fix.describe,
      })
      return
    }
    const language = languageOf(portal.language)
    const origin = new URL(portal.clientEndpoint).origin
    const mention: RecordMention = { entity, id, title: text(record, 'TITLE') }
    const ruleTitle = CATALOGUE[found.ruleId].title
    const told: string[] = []
    const related = finding.related ?? []
    if (finding.responsibleId) {
      this.#checkKnown(portal.memberId, directory, finding.responsibleId)
      told.push(userName(directory, finding.responsibleId))
      const message = notice({ language, origin, ruleId: found.ruleId, ruleTitle, record: mention, problem: finding.problem, todo: finding.todo, matches: related })
      const line = digestLine({ language, origin, ruleId: found.ruleId, record: mention, problem: finding.problem })
      this.#notice(portal.memberId, language, { key: `v${violationId}:notify:${finding.responsibleId}`, userId: finding.responsibleId, message, line, violationId })
    }
    // Each other responsible is told once, about all of their records this one concerns.
    for (const [userId, theirs] of byResponsible(related, finding.responsibleId)) {
      const message = notice({
        language, origin, ruleId: found.ruleId, ruleTitle, record: mention, problem: finding.problem, todo: finding.todo,
        concerns: theirs, responsibleName: finding.responsibleId ? userName(directory, finding.responsibleId) : undefined,
      })
      const line = digestLine({ language, origin, ruleId: found.ruleId, record: mention, problem: finding.problem })
      this.#notice(portal.memberId, language, { key: `v${violationId}:notify:${userId}`, userId, message, line, violationId })
      told.push(userName(directory, userId))
    }
    if (told.length > 0) this.#comment(portal, `v${violationId}:comment`, entity, id, found.ruleId, toldText(finding.problem, told, false), violationId)
  }

  // The record's timeline keeps what the app did about it (CRM records only: tasks have no timeline).
  #comment(portal: Portal, key: string, entity: Entity, id: string, ruleId: RuleId, what: Text, violationId: number): void {
    if (!['lead', 'deal', 'company', 'contact'].includes(entity)) return
    const comment = timelineComment(languageOf(portal.language), ruleId, CATALOGUE[ruleId].title, what)
    this.deps.store.actions.plan(portal.memberId, key, 'comment', { violationId, entity, entityId: id, comment })
  }

  #escalate(memberId: string, violation: Violation): boolean {
    const { store, settings } = this.deps
    const portal = store.portals.get(memberId)
    const mirrored = store.mirror.get(memberId, violation.entity, violation.entityId)
    if (!portal || portal.status !== 'active') return false
    if (!mirrored || mirrored.deleted) {
      this.#resolve(memberId, violation, 'record deleted')
      return false
    }
    // Ask the rule again on the record as it is now.
    const entity = violation.entity as Entity
    const record = { entity, id: violation.entityId, current: mirrored.snapshot, previous: mirrored.snapshot }
    const directory = this.directory(memberId)
    const peers = refreshPeers(store, memberId, entity, violation.entityId, mirrored.snapshot)
    const pass = runRules(record, this.settingsFor(portal), this.#context(memberId, directory, peers))
    const still = pass.findings.find((found) => found.ruleId === violation.ruleId && found.finding.variant === violation.variant)
    if (!still) {
      this.#resolve(memberId, violation, pass.checked.includes(violation.ruleId as never) ? 'complies' : 'no longer applies')
      return false
    }
    const responsible = responsibleOf(entity, mirrored.snapshot) ?? violation.responsibleId
    const supervisor = responsible ? supervisorOf(directory, responsible, settings.supervisors) : undefined
    store.violations.markEscalated(violation.id)
    if (!supervisor || !responsible) {
      store.journal.append(memberId, 'violation.escalation-skipped', { violationId: violation.id, reason: 'no supervisor found' })
      return false
    }
    const language = languageOf(portal.language)
    const origin = new URL(portal.clientEndpoint).origin
    const mention: RecordMention = { entity, id: violation.entityId, title: text(mirrored.snapshot, 'TITLE') }
    const responsibleName = userName(directory, responsible)
    const message = notice({
      language, origin, ruleId: violation.ruleId, ruleTitle: CATALOGUE[still.ruleId].title, record: mention,
      problem: still.finding.problem, todo: still.finding.todo, responsibleName, escalation: { openedAt: violation.openedAt, now: this.#now() },
    })
    store.journal.append(memberId, 'violation.escalated', { violationId: violation.id, supervisorId: supervisor })
    const what = toldText(still.finding.problem, [userName(directory, supervisor)], true)
    this.#comment(portal, `v${violation.id}:comment:escalation`, entity, violation.entityId, still.ruleId, what, violation.id)
    const line = digestLine({ language, origin, ruleId: violation.ruleId, record: mention, problem: still.finding.problem, responsibleName })
    // A burst of escalations to one supervisor folds like notices do, into a digest of its own.
    return this.#notice(memberId, language, { key: `v${violation.id}:escalate:${supervisor}`, userId: supervisor, message, line, violationId: violation.id, priority: 'deadline' })
  }

  // A notice or an escalation: past the recipient's digest limit it is folded into their digest.
  #notice(memberId: string, language: Language, planned: PlannedNotice): boolean {
    const { limit, windowMs } = this.deps.settings.notifications.digest
    return this.deps.store.actions.planNotice(memberId, planned, { limit, windowMs, ...digestWords(language, planned.priority === 'deadline') })
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
