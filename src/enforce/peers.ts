// Keeps each open lead's and deal's contact keys and finds the other records of the same client.
import { contactKeys } from '../../rules/contacts.js'
import { createdAtOf, isOpen, responsibleOf, text } from '../../rules/record.js'
import type { Entity, Peer, Snapshot } from '../../rules/types.js'
import type { Store } from '../store/index.js'

/** The phone and e-mail keys of a lead (its own fields) or a deal (its contact's, from the mirror). */
export function keysOf(store: Store, memberId: string, entity: Entity, record: Snapshot | undefined): string[] {
  if (!record || !isOpen(entity, record)) return []
  if (entity === 'lead') return contactKeys(record)
  if (entity === 'deal') {
    const contactId = text(record, 'CONTACT_ID')
    const contact = contactId ? store.sync.mirror.get(memberId, 'contact', contactId) : undefined
    return contact && !contact.deleted ? contactKeys(contact.snapshot) : []
  }
  return []
}

/** The other open leads and deals sharing a phone or e-mail with the record; reads only. */
export function peersOf(store: Store, memberId: string, entity: Entity, id: string, record: Snapshot | undefined): Peer[] {
  if (entity !== 'lead' && entity !== 'deal') return []
  const keys = keysOf(store, memberId, entity, record)
  const peers = new Map<string, Peer>()
  for (const match of store.sync.contactKeys.sharing(memberId, keys)) {
    const ref = `${match.entity}:${match.entityId}`
    if ((match.entity === entity && match.entityId === id) || peers.has(ref)) continue
    const other = store.sync.mirror.get(memberId, match.entity, match.entityId)
    if (!other || other.deleted || (match.entity !== 'lead' && match.entity !== 'deal')) continue
    const peerEntity = match.entity
    if (!isOpen(peerEntity, other.snapshot)) continue
    peers.set(ref, {
      entity: peerEntity,
      id: match.entityId,
      title: text(other.snapshot, 'TITLE'),
      responsibleId: responsibleOf(peerEntity, other.snapshot),
      createdAt: createdAtOf(peerEntity, other.snapshot),
      matchedBy: match.key,
    })
  }
  return [...peers.values()]
}
