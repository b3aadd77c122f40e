// Reads what one decision needs from the store: the record's context for the rules, its open violations and running
// clocks, the portal's settings, calendar and directory. Reads only (awaited, from the store port); decide() then works
// on the result alone.
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import type { PassContext, RuleSettings } from '../../rules/catalogue.js'
import type { Directory } from '../../rules/directory.js'
import { firstLeadStatus } from '../../rules/lead-statuses.js'
import { responsibleOf, text } from '../../rules/record.js'
import type { Entity, Snapshot } from '../../rules/types.js'
import type { SettingsSource } from '../settings/portal-settings.js'
import type { Clock } from '../store/clocks.js'
import type { MirrorRecord } from '../store/mirror.js'
import type { StorePort } from '../store/port.js'
import type { Portal } from '../store/portals.js'
import type { Violation } from '../store/violations.js'
import { OWNER_TYPE_IDS } from '../ingest/record-lists.js'
import { keysOf, peersOf } from './peers.js'
import type { MirrorReads } from './mirror-view.js'
import { ruleSettingsFor } from './settings.js'

/** How the record came in: the install's audit (what is already past is recorded, nobody told) and when. */
export interface Arrival {
  audit: boolean
  eventAt: string
}

/** The portal facts a decision uses. */
export type PortalFacts = Pick<Portal, 'memberId' | 'language' | 'clientEndpoint' | 'installedAt'>

/** What the rules need besides the record, the settings, the clock, the directory and the calendar. */
export type RecordContext = Omit<PassContext, 'now' | 'directory' | 'calendar'>

/** Everything decide() needs about one record, read before deciding. */
export interface DecisionInput {
  now: Date
  portal: PortalFacts
  /** The portal's settings, each rule dated (from the install unless it says otherwise: ruleSettingsFor). */
  settings: RuleSettings
  calendar: BusinessCalendar
  directory: Directory
  entity: Entity
  id: string
  current: Snapshot | undefined
  previous: Snapshot | undefined
  arrival: Arrival
  open: Violation[]
  clocks: Clock[]
  /** The record's phone and e-mail keys to keep (leads and deals only). */
  contactKeys: string[] | undefined
  context: RecordContext
}

/** A record's rows a decision reads, when they were read already (with other records': Loader.round). */
export type KnownRows = Pick<DecisionInput, 'open' | 'clocks'>

/** What a round of records' decisions read, read for all of them together (a few set-based reads per kind of record). */
export interface RoundReads {
  /** The record's mirror row as the round read it (undefined: never seen). */
  record(entity: Entity, id: string): MirrorRecord | undefined
  /** Its open violations and running clocks. */
  rows(entity: Entity, id: string): KnownRows
  /** The mirror, with the round's records and their activities answered from what the round read. */
  mirror: MirrorReads
}

/** Reads decisions' inputs; keeps each portal's directory until it is refreshed. */
export class Loader {
  readonly #directories = new Map<string, { syncedAt: number; directory: Directory }>()
  // The dated settings of each portal, kept while its settings and install stay the same.
  readonly #dated = new Map<string, { settings: RuleSettings; installedAt: string; dated: RuleSettings }>()

  constructor(private readonly deps: { store: StorePort; settings: SettingsSource }) {}

  /** The portal's directory, re-read only when it was refreshed. */
  async directory(memberId: string): Promise<Directory> {
    const syncedAt = (await this.deps.store.directory.syncedAt(memberId))?.getTime() ?? 0
    const cached = this.#directories.get(memberId)
    if (cached && cached.syncedAt === syncedAt) return cached.directory
    const directory = await this.deps.store.directory.load(memberId)
    this.#directories.set(memberId, { syncedAt, directory })
    return directory
  }

  /** The portal's settings as configured. */
  settings(memberId: string): Promise<RuleSettings> {
    return this.deps.settings.of(memberId)
  }

  /** The settings a portal runs under (`settings`, or its own), each rule dated: see ruleSettingsFor. */
  async dated(portal: PortalFacts, given?: RuleSettings): Promise<RuleSettings> {
    const settings = given ?? (await this.settings(portal.memberId))
    const cached = this.#dated.get(portal.memberId)
    if (cached && cached.settings === settings && cached.installedAt === portal.installedAt) return cached.dated
    const dated = ruleSettingsFor(portal, settings)
    this.#dated.set(portal.memberId, { settings, installedAt: portal.installedAt, dated })
    return dated
  }

  /** The portal's business calendar (its settings, its language). */
  calendar(portal: PortalFacts): Promise<BusinessCalendar> {
    return this.deps.settings.calendarOf(portal.memberId, portal.language)
  }

  /**
   * What the rules need to know around a record: statuses, activities, peers, leads held, tasks of the same burst. The
   * mirror is read through `mirror` (the store's, or as a change being stored leaves it: mirror-view.ts).
   */
  async context(memberId: string, entity: Entity, id: string, current: Snapshot, mirror: MirrorReads = this.deps.store.mirror): Promise<RecordContext> {
    const { store } = this.deps
    const statuses = await store.directory.leadStatuses(memberId)
    const ownerType = OWNER_TYPE_IDS[entity]
    const activities = ownerType ? (await mirror.activitiesOf(memberId, ownerType, id)).map((activity) => activity.snapshot) : []
    const first = firstLeadStatus(statuses)
    const responsible = responsibleOf(entity, current)
    const leadsHeld = entity === 'lead' && responsible && text(current, 'STATUS_ID') === first ? await mirror.leadsHeld(memberId, first, responsible) : 0
    const creator = entity === 'task' ? text(current, 'createdBy') : ''
    const sameTasks = creator ? (await mirror.tasksTitled(memberId, creator, text(current, 'title'))).filter((task) => task.entityId !== id).map((task) => task.snapshot) : []
    const peers = await peersOf({ mirror, contactKeys: store.contactKeys }, memberId, entity, id, current)
    return { firstLeadStatus: first, leadStatuses: statuses, peers, activities, leadsHeld, sameTasks }
  }

  /**
   * The rows a round of records' decisions read (their mirror rows, open violations, running clocks, activities), read
   * together: a few set-based reads per kind of record instead of several reads per record. A record's own plan changes
   * only its own rows, so what the round read stays true for each record until its own plan is applied.
   */
  async round(memberId: string, records: ReadonlyArray<{ entity: Entity; entityId: string }>): Promise<RoundReads> {
    const { store } = this.deps
    const byEntity = new Map<Entity, string[]>()
    for (const { entity, entityId } of records) {
      const ids = byEntity.get(entity) ?? []
      ids.push(entityId)
      byEntity.set(entity, ids)
    }
    const mirrored = new Map<string, MirrorRecord>()
    const rows = new Map<string, KnownRows>()
    const activities = new Map<string, MirrorRecord[]>()
    for (const [entity, ids] of byEntity) {
      for (const id of ids) {
        rows.set(`${entity}:${id}`, { open: [], clocks: [] })
        if (OWNER_TYPE_IDS[entity]) activities.set(`${OWNER_TYPE_IDS[entity]}:${id}`, [])
      }
      for (const record of await store.mirror.getMany(memberId, entity, ids)) mirrored.set(`${entity}:${record.entityId}`, record)
      for (const violation of await store.violations.openForMany(memberId, entity, ids)) rows.get(`${entity}:${violation.entityId}`)?.open.push(violation)
      for (const clock of await store.clocks.runningForMany(memberId, entity, ids)) rows.get(`${entity}:${clock.entityId}`)?.clocks.push(clock)
      const ownerType = OWNER_TYPE_IDS[entity]
      if (!ownerType) continue
      for (const { ownerId, activity } of await store.mirror.activitiesOfMany(memberId, ownerType, ids)) activities.get(`${ownerType}:${ownerId}`)?.push(activity)
    }
    return {
      record: (entity, id) => mirrored.get(`${entity}:${id}`),
      rows: (entity, id) => rows.get(`${entity}:${id}`) ?? { open: [], clocks: [] },
      mirror: new RoundMirror(store.mirror, memberId, mirrored, activities),
    }
  }

  /**
   * The input of a decision about one record as it stands (`current` undefined: deleted), the mirror read through
   * `mirror`, its open violations and running clocks read unless `known`.
   */
  async input(portal: PortalFacts, entity: Entity, id: string, current: Snapshot | undefined, previous: Snapshot | undefined, arrival: Arrival, now: Date,
    mirror: MirrorReads = this.deps.store.mirror, known?: KnownRows): Promise<DecisionInput> {
    const { store } = this.deps
    const { memberId } = portal
    const keyed = entity === 'lead' || entity === 'deal'
    return {
      now, portal, entity, id, current, previous, arrival,
      settings: await this.dated(portal),
      calendar: await this.calendar(portal),
      directory: await this.directory(memberId),
      open: known ? known.open : await store.violations.openFor(memberId, entity, id),
      clocks: known ? known.clocks : await store.clocks.runningFor(memberId, entity, id),
      contactKeys: keyed ? await keysOf({ mirror }, memberId, entity, current) : undefined,
      context: current ? await this.context(memberId, entity, id, current, mirror) : { firstLeadStatus: '', leadStatuses: [], peers: [], activities: [], leadsHeld: 0, sameTasks: [] },
    }
  }
}

// The mirror as a round's decisions read it: its records and their activities from what the round read, the rest from the store.
class RoundMirror implements MirrorReads {
  constructor(private readonly mirror: MirrorReads, private readonly memberId: string, private readonly records: ReadonlyMap<string, MirrorRecord>,
    private readonly activities: ReadonlyMap<string, MirrorRecord[]>) {}

  async get(memberId: string, entity: string, entityId: string): Promise<MirrorRecord | undefined> {
    const record = memberId === this.memberId ? this.records.get(`${entity}:${entityId}`) : undefined
    return record ?? this.mirror.get(memberId, entity, entityId)
  }

  async activitiesOf(memberId: string, ownerTypeId: '1' | '2', ownerId: string): Promise<MirrorRecord[]> {
    const read = memberId === this.memberId ? this.activities.get(`${ownerTypeId}:${ownerId}`) : undefined
    return read ? [...read] : this.mirror.activitiesOf(memberId, ownerTypeId, ownerId)
  }

  leadsHeld(memberId: string, statusId: string, userId: string): Promise<number> {
    return this.mirror.leadsHeld(memberId, statusId, userId)
  }

  tasksTitled(memberId: string, createdBy: string, title: string): Promise<MirrorRecord[]> {
    return this.mirror.tasksTitled(memberId, createdBy, title)
  }
}
