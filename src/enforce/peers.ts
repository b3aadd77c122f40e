// Keeps each open lead's and deal's contact keys and finds the other records of the same client.
import { contactKeys } from '../../rules/contacts.js'
import { createdAtOf, isOpen, responsibleOf, text } from '../../rules/record.js'
import type { Entity, Peer, Snapshot } from '../../rules/types.js'
import type { ContactKeyRepo } from '../store/contact-keys.js'
import type { Async } from '../store/port.js'
import type { MirrorReads } from './mirror-view.js'

/** What finding peers reads: the mirror (as the decision sees it) and the contact keys. */
export interface PeerReads {
  mirror: MirrorReads
  contactKeys: Pick<Async<ContactKeyRepo>, 'sharing'>
}

/** The phone and e-mail keys of a lead (its own fields) or a deal (its contact's, from the mirror). */
export async function keysOf(store: Pick<PeerReads, 'mirror'>, memberId: string, entity: Entity, record: Snapshot | undefined): Promise<string[]> {
  if (!record || !isOpen(entity, record)) return []
  if (entity === 'lead') return contactKeys(record)
  if (entity === 'deal') {
    const contactId = text(record, 'CONTACT_ID')
    const contact = contactId ? await store.mirror.get(memberId, 'contact', contactId) : undefined
    return contact && !contact.deleted ? contactKeys(contact.snapshot) : []
  }
  return []
}

/** The other open leads and deals sharing a phone or e-mail with the record; reads only. */
export async function peersOf(store: PeerReads, memberId: string, entity: Entity, id: string, record: Snapshot | undefined): Promise<Peer[]> {
  if (entity !== 'lead' && entity !== 'deal') return []
  const keys = await keysOf(store, memberId, entity, record)
  const peers = new Map<string, Peer>()
  for (const match of await store.contactKeys.sharing(memberId, keys)) {
    const ref = `${match.entity}:${match.entityId}`
    if ((match.entity === entity && match.entityId === id) || peers.has(ref)) continue
    const other = await store.mirror.get(memberId, match.entity, match.entityId)
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
