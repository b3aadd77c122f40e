// The rules stage on the way through: for each record change or due clock, load → decide → fold → store.sync.apply, inside
// the transaction that stores the change; what the plans announce goes to the hub once that transaction has committed.
import type { Logger } from 'pino'
import { text } from '../../rules/record.js'
import type { Entity, Snapshot } from '../../rules/types.js'
import type { SettingsSource } from '../settings/portal-settings.js'
import type { Store } from '../store/index.js'
import type { Portal } from '../store/portals.js'
import { bindingsOf, OWNER_TYPE_IDS } from '../ingest/record-lists.js'
import { AUDIT_EVENT } from '../ingest/sweeper.js'
import type { RecordChange } from '../ingest/worker.js'
import { decide } from './decide.js'
import { fold, recipientsOf } from './digest.js'
import type { Hub } from './hub.js'
import { Loader, type Arrival } from './load.js'
import { digestWords, languageOf } from '../notify/messages.js'
import { announcementsOf, keyText, type Announcements, type Plan, type PlanStep } from '../store/plan.js'

/** What the rules stage needs. */
export interface EnforcerDeps {
  store: Store
  /** Each portal's settings and business calendar. */
  settings: SettingsSource
  logger: Logger
  now: () => Date
  /** Told what committed plans announce (the outbox, the clock timer, the directory). */
  hub?: Hub
  /** Shared with the pages (one directory cache). */
  loader?: Loader
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

/** Turns record changes and due clocks into plans and applies them. */
export class Enforcer {
  readonly loader: Loader

  constructor(private readonly deps: EnforcerDeps) {
    this.loader = deps.loader ?? new Loader({ store: deps.store, settings: deps.settings })
  }

  /**
   * The worker's ChangeHandler: synchronous, inside the transaction that stores the change. Returns what the plans
   * announce, for the hub once that transaction has committed.
   */
  readonly onChange = (change: RecordChange): Announcements[] => {
    const { store } = this.deps
    const portal = store.sync.portals.get(change.memberId)
    if (!portal) return []
    const arrival = { audit: change.events.length > 0 && change.events.every((event) => event === AUDIT_EVENT), eventAt: this.deps.now().toISOString() }
    const entity = change.entity as Entity
    const told = [this.evaluate(portal, entity, change.entityId, change.current, change.previous, arrival)]
    // A call, an e-mail or a planned step changes what the leads and deals it is bound to owe (before and after).
    if (entity === 'activity') {
      for (const { entity: owner, id } of boundRecords(change.previous, change.current)) {
        const mirrored = store.sync.mirror.get(portal.memberId, owner, id)
        if (mirrored && !mirrored.deleted) told.push(this.evaluate(portal, owner, id, mirrored.snapshot, mirrored.snapshot, arrival))
      }
    }
    // A new task may complete a burst of the same task for several people: its earlier siblings are asked again.
    if (entity === 'task' && change.current && !change.previous) {
      const siblings = store.sync.mirror.tasksTitled(portal.memberId, text(change.current, 'createdBy'), text(change.current, 'title'))
      for (const task of siblings) if (task.entityId !== change.entityId) told.push(this.evaluate(portal, 'task', task.entityId, task.snapshot, task.snapshot, arrival))
    }
    return told
  }

  /**
   * Asks the rules again about records whose clocks fell due (the engine re-read them just before) and takes the due
   * steps of the clocks still owed; the others stop. One commit per round; returns how many records failed.
   */
  stepDue(memberId: string, records: ReadonlyArray<{ entity: string; entityId: string }>): number {
    const { store } = this.deps
    let failed = 0
    const told: Announcements[] = []
    // The round commits once; each record is a transaction of its own inside it (a savepoint), so one that fails
    // undoes only itself: the others hold up, its clock stays due and is tried again.
    store.sync.transaction(() => {
      const portal = store.sync.portals.get(memberId)
      if (!portal || portal.status !== 'active') return
      for (const { entity, entityId } of records) {
        try {
          const announced = store.sync.transaction(() => {
            const mirrored = store.sync.mirror.get(memberId, entity, entityId)
            const snapshot = mirrored && !mirrored.deleted ? mirrored.snapshot : undefined
            return this.evaluate(portal, entity as Entity, entityId, snapshot, snapshot, { audit: false, eventAt: this.deps.now().toISOString() })
          })
          told.push(announced)
        } catch (error) {
          failed += 1
          this.deps.logger.error({ err: error, memberId, entity, entityId }, 'clock steps failed for a record')
        }
      }
    })
    this.deps.hub?.announce(memberId, told)
    return failed
  }

  /** One record: load → decide → fold → apply (the caller holds the transaction). Returns what the plan announces. */
  evaluate(portal: Portal, entity: Entity, id: string, current: Snapshot | undefined, previous: Snapshot | undefined, arrival: Arrival): Announcements {
    const now = this.deps.now()
    const input = this.loader.input(portal, entity, id, current, previous, arrival, now)
    const plan = this.fold(decide(input), portal, now)
    this.deps.store.sync.apply(plan)
    return announcementsOf(plan)
  }

  /** Folds a plan's notices under the portal's digest policy and its recipients' recent messages. */
  fold(plan: Plan, portal: Pick<Portal, 'memberId' | 'language'>, now: Date): Plan {
    const recipients = recipientsOf(plan)
    if (recipients.size === 0) return plan
    const { store } = this.deps
    const { limit, windowMs } = this.loader.settings(portal.memberId).notifications.digest
    const language = languageOf(portal.language)
    const budgets = store.sync.actions.budgets(portal.memberId, recipients, { limit, windowMs })
    const planned = (step: Extract<PlanStep, { op: 'notice' }>) => {
      const key = keyText(step.key, { violation: (ref) => ('id' in ref ? ref.id : undefined), clock: (ref) => ('id' in ref ? ref.id : undefined) })
      return key !== undefined && store.sync.actions.planned(portal.memberId, key)
    }
    return fold(plan, budgets, { limit, windowMs, words: (priority) => digestWords(language, priority) }, now, planned)
  }
}
