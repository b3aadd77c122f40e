// CLIENT-DUPLICATE — "before creating a deal check whether there is already a deal for this client —
// deals are found by the client's e-mail" (seed 001). A lead or deal whose e-mail or phone matches
// another open lead or deal; both responsibles are told; nothing is merged.
import { createdAtOf, isOpen, responsibleOf, text } from './record.js'
import type { Finding, Peer, RecordInput, RelatedRecord, Rule, RuleContext } from './types.js'

// The record's kind with the participle that agrees with it: лид (м. р.) заведён, сделка (ж. р.) заведена.
const KIND = {
  lead: { ru: 'лид', created: 'заведён', en: 'lead' },
  deal: { ru: 'сделка', created: 'заведена', en: 'deal' },
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
  if (kind === 'phone') return { ru: `телефон +${value}`, en: `phone +${value}` }
  return { ru: `e-mail ${value}`, en: `e-mail ${value}` }
}

// Oldest first: the record that was there first is the one the client is most likely handled in.
function oldestFirst(a: Peer, b: Peer): number {
  const byDate = (Date.parse(a.createdAt) || 0) - (Date.parse(b.createdAt) || 0)
  if (byDate !== 0) return byDate
  return Number(a.id) - Number(b.id)
}

function records(count: number): { ru: string; en: string } {
  const tens = count % 100
  const ones = count % 10
  let ru = 'записей'
  if (ones === 1 && tens !== 11) ru = 'запись'
  else if (ones >= 2 && ones <= 4 && (tens < 12 || tens > 14)) ru = 'записи'
  return { ru: `${count} ${ru}`, en: count === 1 ? '1 record' : `${count} records` }
}

/** The rule as the catalogue lists it: one finding per record, listing every older record of the same client. */
export const clientDuplicate: Rule = {
  id: 'CLIENT-DUPLICATE',
  version: 2,
  title: { ru: 'Нет второй сделки по тому же клиенту', en: 'No second lead or deal for the same client' },
  entities: ['lead', 'deal'],
  check(record: RecordInput, context: RuleContext): Finding[] {
    const entity = record.entity
    if (entity !== 'lead' && entity !== 'deal') return []
    if (!isOpen(entity, record.current)) return []
    const older = context.peers
      .filter((peer) => !(peer.entity === record.entity && peer.id === record.id) && isNewer(record, peer))
      .sort(oldestFirst)
    const first = older[0]
    if (!first) return []
    const title = text(record.current, 'TITLE')
    const match = describeMatch(first.matchedBy)
    const count = records(older.length)
    const related: RelatedRecord[] = older.map((peer) => ({ entity: peer.entity, id: peer.id, title: peer.title, responsibleId: peer.responsibleId }))
    return [{
      ruleId: this.id,
      variant: '',
      responsibleId: responsibleOf(entity, record.current),
      problem: {
        ru: `Этот клиент уже есть: ${count.ru} с тем же контактом (совпадает ${match.ru}), а ${KIND[entity].ru} «${title}» ${KIND[entity].created} повторно.`,
        en: `This client already exists: ${count.en} with the same contact (same ${match.en}); ${KIND[entity].en} "${title}" repeats it.`,
      },
      todo: {
        ru: 'Договоритесь, кто ведёт клиента, и объедините или закройте лишнюю запись.',
        en: 'Agree who handles the client, then merge or close the extra record.',
      },
      related,
    }]
  },
}
