// CLIENT-DUPLICATE — "before creating a deal check whether there is already a deal for this client —
// deals are found by the client's e-mail" (seed 001). A lead or deal whose e-mail or phone matches
// another open lead or deal; both responsibles are told; nothing is merged.
import { createdAtOf, isOpen, responsibleOf, text } from './record.js'
import type { Finding, Peer, RecordInput, Rule, RuleContext } from './types.js'

const KIND = {
  lead: { ru: 'лид', en: 'lead' },
  deal: { ru: 'сделка', en: 'deal' },
} as const

// Of two records of one client only the newer is flagged, so a pair is reported once. Within one
// second (the portal's precision) the record the app sees for the first time is the newer one.
function isNewer(record: RecordInput, peer: Peer): boolean {
  const mine = Date.parse(createdAtOf(record.entity, record.current))
  const theirs = Date.parse(peer.createdAt)
  if (!Number.isNaN(mine) && !Number.isNaN(theirs) && mine !== theirs) return mine > theirs
  if (record.previous === undefined) return true
  return record.entity === peer.entity && Number(record.id) > Number(peer.id)
}

function describeMatch(key: string): { ru: string; en: string } {
  const [kind, value] = key.split(':', 2)
  return kind === 'phone' ? { ru: `телефон +${value}`, en: `phone +${value}` } : { ru: `e-mail ${value}`, en: `e-mail ${value}` }
}

/** The rule as the catalogue lists it. */
export const clientDuplicate: Rule = {
  id: 'CLIENT-DUPLICATE',
  version: 1,
  title: { ru: 'Нет второй сделки по тому же клиенту', en: 'No second lead or deal for the same client' },
  entities: ['lead', 'deal'],
  check(record: RecordInput, context: RuleContext): Finding[] {
    const entity = record.entity
    if (entity !== 'lead' && entity !== 'deal') return []
    if (!isOpen(entity, record.current)) return []
    const title = text(record.current, 'TITLE')
    return context.peers
      .filter((peer) => !(peer.entity === record.entity && peer.id === record.id) && isNewer(record, peer))
      .map((peer) => {
        const match = describeMatch(peer.matchedBy)
        return {
          ruleId: this.id,
          variant: `${peer.entity}:${peer.id}`,
          responsibleId: responsibleOf(entity, record.current),
          problem: {
            ru: `Этот клиент уже есть: ${KIND[peer.entity].ru} «${peer.title}» (совпадает ${match.ru}), а ${KIND[entity].ru} «${title}» заведен(а) повторно.`,
            en: `This client already exists: ${KIND[peer.entity].en} "${peer.title}" (same ${match.en}); ${KIND[entity].en} "${title}" repeats it.`,
          },
          todo: {
            ru: 'Договоритесь, кто ведёт клиента, и объедините или закройте лишнюю запись.',
            en: 'Agree who handles the client, then merge or close the extra record.',
          },
          related: [{ entity: peer.entity, id: peer.id, title: peer.title, responsibleId: peer.responsibleId }],
        }
      })
  },
}
