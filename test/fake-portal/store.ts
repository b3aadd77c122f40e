// In-memory records of the fake portal: one table per entity, ids from per-table sequences.
import type { FakeFile, FakeFolder, FakeNotification, FakePendingUpload, FakeTimelineComment } from './types.js'

/** A stored record in its REST spelling (strings for ids and numbers, as the portal returns them). */
export type Row = Record<string, unknown>

/** A table of rows keyed by a numeric id with its own sequence. */
export class Table {
  private readonly rows = new Map<number, Row>()
  private seq: number

  constructor(firstId = 1) {
    this.seq = firstId - 1
  }

  /** Reserves the next id. */
  nextId(): number {
    this.seq += 1
    return this.seq
  }

  /** Stores a row under an id taken from nextId(), or replaces the row already there. */
  put(id: number, row: Row): void {
    if (id > this.seq) this.seq = id
    this.rows.set(id, row)
  }

  /** The row with that id, if any. */
  get(id: number): Row | undefined {
    return this.rows.get(id)
  }

  /** Removes a row; true when it existed. */
  delete(id: number): boolean {
    return this.rows.delete(id)
  }

  /** Every row in id order (ids only grow, and a Map keeps insertion order). */
  all(): Row[] {
    return [...this.rows.values()]
  }

  /** How many rows there are. */
  get size(): number {
    return this.rows.size
  }
}

/** One record an activity is bound to, as crm.activity.binding.list answers it (integers). */
export interface ActivityBinding { entityTypeId: number; entityId: number }

/** The CRM record kinds the legacy crm.<kind>.* methods serve. */
export type CrmKind = 'lead' | 'deal' | 'company' | 'contact'

/** Everything the portal stores. */
export interface Store {
  crm: Record<CrmKind, Table>
  /** Smart-process items by entityTypeId (a type of its own, ≥ 128), each a table of camelCase items as crm.item.get answers. */
  smartItems: Map<number, Table>
  activities: Table
  /** Every record an activity is bound to, its owner first (crm.activity.binding.list), by activity id. */
  activityBindings: Map<number, ActivityBinding[]>
  tasks: Table
  taskComments: Table
  taskHistory: Table
  users: Table
  departments: Table
  statuses: Table
  stageHistory: Table
  /** Deal pipelines as crm.category.list returns them (0 = the general one). */
  dealCategories: Array<{ id: number; name: string; sort: number; isDefault: 'Y' | 'N' }>
  /** Multifield values (PHONE, EMAIL…) share one id sequence. */
  multifieldSeq: { next: number }
  /** Task chat messages: ONTASKCOMMENTADD carries MESSAGE_ID from here. */
  messageSeq: { next: number }
  notifications: FakeNotification[]
  notificationSeq: { next: number }
  timeline: FakeTimelineComment[]
  timelineSeq: { next: number }
  files: FakeFile[]
  folders: FakeFolder[]
  /** Disk objects, files and folders, share one id sequence (the ids of disk.storage.getchildren's mixed rows). */
  fileSeq: { next: number }
  /** Upload URLs not yet used, by their token (one POST each). */
  uploads: Map<string, FakePendingUpload>
}

/** An empty store; ids start where a lived-in portal's would not collide with each other. */
export function createStore(): Store {
  return {
    crm: { lead: new Table(), deal: new Table(), company: new Table(), contact: new Table() },
    smartItems: new Map(),
    activities: new Table(),
    activityBindings: new Map(),
    tasks: new Table(),
    taskComments: new Table(),
    taskHistory: new Table(),
    users: new Table(),
    departments: new Table(),
    statuses: new Table(),
    stageHistory: new Table(),
    dealCategories: [],
    multifieldSeq: { next: 1 },
    messageSeq: { next: 1 },
    notifications: [],
    notificationSeq: { next: 1 },
    timeline: [],
    timelineSeq: { next: 1 },
    files: [],
    folders: [],
    // Above the app storage's root folder (21), so that no object takes its id.
    fileSeq: { next: 101 },
    uploads: new Map(),
  }
}

/** Takes the next value of a simple counter. */
export function take(seq: { next: number }): number {
  const value = seq.next
  seq.next += 1
  return value
}
