// The rules stage on the way through: for each record change or due clock, load (awaited reads) → decide → fold (pure)
// → plans; the worker stores a change with its plans in one store call, a due round applies its plans itself; what the
// plans announce goes to the hub once they have committed.
import type { Logger } from 'pino'
import { text } from '../../rules/record.js'
import type { Entity, Snapshot } from '../../rules/types.js'
import type { SettingsSource } from '../settings/portal-settings.js'
import type { StorePort } from '../store/port.js'
import type { Portal } from '../store/portals.js'
import { bindingsOf, OWNER_TYPE_IDS } from '../ingest/record-lists.js'
import { AUDIT_EVENT } from '../ingest/sweeper.js'
import type { RecordChange } from '../ingest/worker.js'
import { decide } from './decide.js'
import { foldEach, recipientsOf } from './digest.js'
import type { Hub } from './hub.js'
import { Loader, type Arrival, type PortalFacts } from './load.js'
import { mirrorWith, type MirrorReads } from './mirror-view.js'
import { digestWords, languageOf } from '../notify/messages.js'
import { announcementsOf, keyText, type Announcements, type Plan, type PlanStep } from '../store/plan.js'

/** What the rules stage needs. */
export interface EnforcerDeps {
  store: StorePort
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
   * The worker's ChangeHandler: the plan for a record change (with an activity's bound leads and deals and a task's
   * burst siblings asked again), decided on the mirror as the change leaves it; the caller stores the change and the plan
   * in one store call (store.applyChanges) and tells the hub once it has committed.
   */
  readonly onChange = async (change: RecordChange): Promise<Plan[]> => {
    const { store } = this.deps
    const portal = await store.portals.about(change.memberId)
    if (!portal) return []
    const mirror = mirrorWith(store.mirror, {
      memberId: change.memberId, entity: change.entity, entityId: change.entityId, snapshot: change.current ?? change.previous ?? {}, deleted: !change.current,
    })
    const arrival = { audit: change.events.length > 0 && change.events.every((event) => event === AUDIT_EVENT), eventAt: this.deps.now().toISOString() }
    const { entity } = change
    const now = this.deps.now()
    const decided = [await this.decide(portal, entity, change.entityId, change.current, change.previous, arrival, now, mirror, 'r0.')]
    // A call, an e-mail or a planned step changes what the leads and deals it is bound to owe (before and after).
    if (entity === 'activity') {
      for (const { entity: owner, id } of boundRecords(change.previous, change.current)) {
        const mirrored = await mirror.get(portal.memberId, owner, id)
        if (mirrored && !mirrored.deleted) decided.push(await this.decide(portal, owner, id, mirrored.snapshot, mirrored.snapshot, arrival, now, mirror, `r${decided.length}.`))
      }
    }
    // A new task may complete a burst of the same task for several people: its earlier siblings are asked again.
    if (entity === 'task' && change.current && !change.previous) {
      const siblings = await mirror.tasksTitled(portal.memberId, text(change.current, 'createdBy'), text(change.current, 'title'))
      for (const task of siblings) {
        if (task.entityId !== change.entityId) decided.push(await this.decide(portal, 'task', task.entityId, task.snapshot, task.snapshot, arrival, now, mirror, `r${decided.length}.`))
      }
    }
    // One plan for the change (each record's refs apart), folded once: a recipient's budget counts every notice in it.
    return [await this.fold(joined(portal.memberId, decided), portal, now)]
  }

  /**
   * Asks the rules again about records whose clocks fell due (the engine re-read them just before) and takes the due
   * steps of the clocks still owed; the others stop. Each record's plan lands whole or not at all (one that fails leaves
   * its clock due, to be tried again), the round in one store call; returns how many records failed.
   */
  async stepDue(memberId: string, records: ReadonlyArray<{ entity: Entity; entityId: string }>): Promise<number> {
    const { store, logger } = this.deps
    const portal = await store.portals.about(memberId)
    if (!portal || portal.status !== 'active') return 0
    let failed = 0
    const fail = (error: unknown, entity: string, entityId: string) => {
      failed += 1
      logger.error({ err: error, memberId, entity, entityId }, 'clock steps failed for a record')
    }
    // The round's rows in a few reads; should that fail, each record reads its own, so that one bad record holds up nobody else.
    const round = await this.loader.round(memberId, records).catch((error: unknown) => {
      logger.warn({ err: error, memberId, records: records.length }, 'the round of due clocks could not be read together; reading record by record')
      return undefined
    })
    const decided: Array<{ plan: Plan; now: Date; entity: Entity; entityId: string }> = []
    for (const { entity, entityId } of records) {
      try {
        const now = this.deps.now()
        const mirrored = round ? round.record(entity, entityId) : await store.mirror.get(memberId, entity, entityId)
        const snapshot = mirrored && !mirrored.deleted ? mirrored.snapshot : undefined
        const arrival = { audit: false, eventAt: now.toISOString() }
        const input = await this.loader.input(portal, entity, entityId, snapshot, snapshot, arrival, now, round?.mirror ?? store.mirror, round?.rows(entity, entityId))
        decided.push({ plan: decide(input), now, entity, entityId })
      } catch (error) {
        fail(error, entity, entityId)
      }
    }
    if (decided.length === 0) return failed
    let plans: Plan[]
    try {
      plans = await this.foldEach(decided, portal)
    } catch (error) {
      for (const { entity, entityId } of decided) fail(error, entity, entityId)
      return failed
    }
    const errors = await store.applyEach(plans)
    const told: Announcements[] = []
    decided.forEach(({ entity, entityId }, i) => {
      const error = errors[i]
      if (error === undefined) told.push(announcementsOf(plans[i]!))
      else fail(error, entity, entityId)
    })
    this.deps.hub?.announce(memberId, told)
    return failed
  }

  /** One record's plan, not folded: load (through `mirror`) → decide. */
  async decide(portal: PortalFacts, entity: Entity, id: string, current: Snapshot | undefined, previous: Snapshot | undefined, arrival: Arrival, now: Date,
    mirror: MirrorReads = this.deps.store.mirror, scope = ''): Promise<Plan> {
    const input = await this.loader.input(portal, entity, id, current, previous, arrival, now, mirror)
    return decide(input, scope)
  }

  /** Folds a plan's notices under the portal's digest policy and its recipients' recent messages (read just before). */
  async fold(plan: Plan, portal: Pick<Portal, 'memberId' | 'language'>, now: Date): Promise<Plan> {
    return (await this.foldEach([{ plan, now }], portal))[0]!
  }

  /** Folds plans that are to land in one store call, in their order, each on budgets that count the notices of those before. */
  async foldEach(items: ReadonlyArray<{ plan: Plan; now: Date }>, portal: Pick<Portal, 'memberId' | 'language'>): Promise<Plan[]> {
    const recipients = new Map<string, number>()
    for (const { plan } of items) for (const [userId, n] of recipientsOf(plan)) recipients.set(userId, (recipients.get(userId) ?? 0) + n)
    if (recipients.size === 0) return items.map(({ plan }) => plan)
    const { store } = this.deps
    const { limit, windowMs } = (await this.loader.settings(portal.memberId)).notifications.digest
    const language = languageOf(portal.language)
    const budgets = await store.actions.budgets(portal.memberId, recipients, { limit, windowMs })
    const keyOf = (step: Extract<PlanStep, { op: 'notice' }>) => keyText(step.key, { violation: (ref) => ('id' in ref ? ref.id : undefined), clock: (ref) => ('id' in ref ? ref.id : undefined) })
    const planned = new Set<string>()
    for (const { plan } of items) {
      for (const step of plan.steps) {
        const key = step.op === 'notice' ? keyOf(step) : undefined
        if (key !== undefined && (await store.actions.planned(portal.memberId, key))) planned.add(key)
      }
    }
    return foldEach(items, budgets, { limit, windowMs, words: (priority) => digestWords(language, priority) }, (step) => planned.has(keyOf(step) ?? ''))
  }
}

// The plans of one change as one: their steps in order (each decided with refs of its own), their unknown users.
function joined(memberId: string, plans: readonly Plan[]): Plan {
  if (plans.length === 1) return plans[0]!
  return { memberId, steps: plans.flatMap((plan) => plan.steps), unknownUsers: plans.flatMap((plan) => plan.unknownUsers) }
}
