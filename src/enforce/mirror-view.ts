// The mirror as a decision reads it: the store's, with the record being stored seen as already there. The worker
// stores a change and the plans decided on it in one transaction, so the decision is made before the write lands.
import type { Async } from '../store/port.js'
import type { MirrorRecord, MirrorRepo } from '../store/mirror.js'
import { bindingsOf } from '../ingest/record-lists.js'

/** The mirror reads a decision makes. */
export type MirrorReads = Pick<Async<MirrorRepo>, 'get' | 'activitiesOf' | 'leadsHeld' | 'tasksTitled'>

/** A record about to be stored: its new snapshot, or its last one with `deleted` set. */
export interface PendingRecord {
  memberId: string
  entity: string
  entityId: string
  snapshot: Record<string, unknown>
  deleted: boolean
}

const byId = (a: MirrorRecord, b: MirrorRecord) => Number(a.entityId) - Number(b.entityId)

/** Reads `mirror` as if `pending` had been stored (answers the same as the store would once it is). */
export function mirrorWith(mirror: MirrorReads, pending: PendingRecord | undefined): MirrorReads {
  if (!pending) return mirror
  return new PendingMirror(mirror, pending)
}

// A class rather than closures made per change: one is built for every record the worker stores.
class PendingMirror implements MirrorReads {
  constructor(private readonly mirror: MirrorReads, private readonly pending: PendingRecord) {}

  async get(memberId: string, entity: string, entityId: string): Promise<MirrorRecord | undefined> {
    return this.#is(memberId, entity, entityId) ? this.#record() : this.mirror.get(memberId, entity, entityId)
  }

  async activitiesOf(memberId: string, ownerTypeId: '1' | '2', ownerId: string): Promise<MirrorRecord[]> {
    const stored = await this.mirror.activitiesOf(memberId, ownerTypeId, ownerId)
    if (!this.#is(memberId, 'activity')) return stored
    const bound = bindingsOf(this.pending.snapshot).some((binding) => String(binding.OWNER_TYPE_ID) === ownerTypeId && String(binding.OWNER_ID) === ownerId)
    return this.#relisted(stored, bound)
  }

  async leadsHeld(memberId: string, statusId: string, userId: string): Promise<number> {
    const { pending } = this
    const stored = await this.mirror.leadsHeld(memberId, statusId, userId)
    if (!this.#is(memberId, 'lead')) return stored
    const holds = (snapshot: Record<string, unknown>) => snapshot.STATUS_ID === statusId && snapshot.ASSIGNED_BY_ID === userId
    const before = await this.mirror.get(memberId, 'lead', pending.entityId)
    return stored - (before && !before.deleted && holds(before.snapshot) ? 1 : 0) + (!pending.deleted && holds(pending.snapshot) ? 1 : 0)
  }

  async tasksTitled(memberId: string, createdBy: string, title: string): Promise<MirrorRecord[]> {
    const stored = await this.mirror.tasksTitled(memberId, createdBy, title)
    if (!this.#is(memberId, 'task')) return stored
    return this.#relisted(stored, this.pending.snapshot.createdBy === createdBy && this.pending.snapshot.title === title)
  }

  #is(memberId: string, entity: string, entityId?: string): boolean {
    const { pending } = this
    return memberId === pending.memberId && entity === pending.entity && (entityId === undefined || entityId === pending.entityId)
  }

  #record(): MirrorRecord {
    const { pending } = this
    return { entity: pending.entity, entityId: pending.entityId, snapshot: pending.snapshot, deleted: pending.deleted, modifiedAt: null, syncedAt: '' }
  }

  // A list the pending record may join or leave, as the store would answer it (live records, by id).
  #relisted(records: MirrorRecord[], belongs: boolean): MirrorRecord[] {
    const others = records.filter((other) => other.entityId !== this.pending.entityId)
    return belongs && !this.pending.deleted ? [...others, this.#record()].sort(byId) : others
  }
}
