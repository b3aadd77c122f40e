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
  const is = (memberId: string, entity: string, entityId?: string) =>
    memberId === pending.memberId && entity === pending.entity && (entityId === undefined || entityId === pending.entityId)
  const record = (): MirrorRecord => ({ entity: pending.entity, entityId: pending.entityId, snapshot: pending.snapshot, deleted: pending.deleted, modifiedAt: null, syncedAt: '' })
  // A list the pending record may join or leave, as the store would answer it (live records, by id).
  const relisted = (records: MirrorRecord[], belongs: boolean) => {
    const others = records.filter((other) => other.entityId !== pending.entityId)
    return belongs && !pending.deleted ? [...others, record()].sort(byId) : others
  }
  return {
    get: async (memberId, entity, entityId) => (is(memberId, entity, entityId) ? record() : mirror.get(memberId, entity, entityId)),
    activitiesOf: async (memberId, ownerTypeId, ownerId) => {
      const stored = await mirror.activitiesOf(memberId, ownerTypeId, ownerId)
      if (!is(memberId, 'activity')) return stored
      const bound = bindingsOf(pending.snapshot).some((binding) => String(binding.OWNER_TYPE_ID) === ownerTypeId && String(binding.OWNER_ID) === ownerId)
      return relisted(stored, bound)
    },
    leadsHeld: async (memberId, statusId, userId) => {
      const stored = await mirror.leadsHeld(memberId, statusId, userId)
      if (!is(memberId, 'lead')) return stored
      const holds = (snapshot: Record<string, unknown>) => snapshot.STATUS_ID === statusId && snapshot.ASSIGNED_BY_ID === userId
      const before = await mirror.get(memberId, 'lead', pending.entityId)
      return stored - (before && !before.deleted && holds(before.snapshot) ? 1 : 0) + (!pending.deleted && holds(pending.snapshot) ? 1 : 0)
    },
    tasksTitled: async (memberId, createdBy, title) => {
      const stored = await mirror.tasksTitled(memberId, createdBy, title)
      if (!is(memberId, 'task')) return stored
      return relisted(stored, pending.snapshot.createdBy === createdBy && pending.snapshot.title === title)
    },
  }
}
