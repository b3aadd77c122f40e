// What people read: notifications in the portal's messenger (BB codes) and timeline comments, Russian or English.
import type { Entity, Text } from '../../rules/types.js'
import { pathOf } from '../../rules/record.js'

/** The two languages the app speaks. */
export type Language = keyof Text

/** Russian for Russian-speaking portals (and when unknown), English for the rest. */
export function languageOf(portalLanguage: string | null): Language {
  if (!portalLanguage) return 'ru'
  return ['ru', 'ua', 'by', 'kz'].includes(portalLanguage.toLowerCase()) ? 'ru' : 'en'
}

const KIND: Record<Entity, Text> = {
  lead: { ru: 'Лид', en: 'Lead' },
  deal: { ru: 'Сделка', en: 'Deal' },
  company: { ru: 'Компания', en: 'Company' },
  contact: { ru: 'Контакт', en: 'Contact' },
  activity: { ru: 'Дело', en: 'Activity' },
  task: { ru: 'Задача', en: 'Task' },
}

const WORDS = {
  rule: { ru: 'Правило компании', en: 'Company rule' },
  escalation: { ru: 'Эскалация', en: 'Escalation' },
  wrong: { ru: 'Что не так', en: 'What is wrong' },
  todo: { ru: 'Что сделать', en: 'What to do' },
  responsible: { ru: 'ответственный', en: 'responsible' },
  concerns: { ru: 'Касается вашей записи', en: 'This concerns your record' },
  since: { ru: 'Нарушение открыто', en: 'Open since' },
  app: { ru: 'Приложение «Правила компании»', en: 'The “Company rules” app' },
} as const

/** A record in a message: its kind, title and a link that opens it in the portal. */
export interface RecordMention {
  entity: Entity
  id: string
  title: string
}

/** A BB-code link to the record's card. */
export function recordLink(origin: string, record: RecordMention, language: Language): string {
  const title = record.title || `#${record.id}`
  return `${KIND[record.entity][language]} [URL=${origin}${pathOf(record.entity, record.id)}]«${title}»[/URL]`
}

/** The notification to the record's responsible (or, with `concerns`, to the responsible of a related record). */
export function violationNotice(options: {
  language: Language
  origin: string
  ruleId: string
  ruleTitle: Text
  record: RecordMention
  problem: Text
  todo: Text
  concerns?: RecordMention
  responsibleName?: string
}): string {
  const { language: l } = options
  const lines = [
    `[B]${WORDS.rule[l]}: ${options.ruleTitle[l]}[/B] (${options.ruleId})`,
    recordLink(options.origin, options.record, l) + (options.responsibleName ? ` (${WORDS.responsible[l]}: ${options.responsibleName})` : ''),
  ]
  if (options.concerns) lines.push(`${WORDS.concerns[l]}: ${recordLink(options.origin, options.concerns, l)}`)
  lines.push(`${WORDS.wrong[l]}: ${options.problem[l]}`, `${WORDS.todo[l]}: ${options.todo[l]}`)
  return lines.join('\n')
}

/** The notification to the supervisor when a violation stayed open too long. */
export function escalationNotice(options: {
  language: Language
  origin: string
  ruleId: string
  ruleTitle: Text
  record: RecordMention
  problem: Text
  todo: Text
  responsibleName: string
  openedAt: string
  now: Date
}): string {
  const { language: l } = options
  const minutes = Math.max(0, Math.round((options.now.getTime() - Date.parse(options.openedAt)) / 60_000))
  const elapsed = l === 'ru' ? `${minutes} мин назад` : `${minutes} min ago`
  return [
    `[B]${WORDS.escalation[l]}: ${options.ruleTitle[l]}[/B] (${options.ruleId})`,
    `${recordLink(options.origin, options.record, l)} (${WORDS.responsible[l]}: ${options.responsibleName})`,
    `${WORDS.since[l]}: ${elapsed}`,
    `${WORDS.wrong[l]}: ${options.problem[l]}`,
    `${WORDS.todo[l]}: ${options.todo[l]}`,
  ].join('\n')
}

/** The timeline comment that records on the record what the app did and under which rule. */
export function timelineComment(language: Language, ruleId: string, ruleTitle: Text, what: Text): string {
  return `${WORDS.app[language]}: ${what[language]} ${WORDS.rule[language]} ${ruleId} — ${ruleTitle[language]}.`
}

/** What the app did when it told people: the problem and whom it told. */
export function toldText(problem: Text, names: string[], supervisor: boolean): Text {
  const list = names.join(', ')
  return supervisor
    ? { ru: `${problem.ru} Нарушение не устранено в срок, сообщено руководителю: ${list}.`, en: `${problem.en} Not put right in time; the supervisor was told: ${list}.` }
    : { ru: `${problem.ru} Отправлено уведомление: ${list}.`, en: `${problem.en} Notified: ${list}.` }
}
