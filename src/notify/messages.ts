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

/** What a record is called, by kind. */
export const KIND: Record<Entity, Text> = {
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
  warning: { ru: 'Подходит срок', en: 'The deadline is near' },
  due: { ru: 'Срок', en: 'Due' },
  wrong: { ru: 'Что не так', en: 'What is wrong' },
  todo: { ru: 'Что сделать', en: 'What to do' },
  responsible: { ru: 'ответственный', en: 'responsible' },
  concerns: { ru: 'Касается вашей записи', en: 'This concerns your record' },
  concernsMany: { ru: 'Касается ваших записей', en: 'This concerns your records' },
  matches: { ru: 'Совпадает с', en: 'Matches' },
  sameTasks: { ru: 'Те же задачи', en: 'The same tasks' },
  since: { ru: 'Нарушение открыто', en: 'Opened' },
  app: { ru: 'Приложение «Правила компании»', en: 'The “Company rules” app' },
  digest: { ru: 'Правила компании: сводка уведомлений', en: 'Company rules: a digest of notices' },
  digestWhy: { ru: 'Уведомлений много, поэтому остальные собраны здесь', en: 'There were many notices, so the rest are gathered here' },
  warningDigest: { ru: 'Правила компании: сводка предупреждений о сроках', en: 'Company rules: a digest of deadline warnings' },
  warningDigestWhy: { ru: 'Сроков подходит много, поэтому остальные собраны здесь', en: 'Many deadlines are near, so the rest are gathered here' },
  escalationDigest: { ru: 'Правила компании: сводка эскалаций', en: 'Company rules: a digest of escalations' },
  escalationDigestWhy: { ru: 'Эскалаций много, поэтому остальные собраны здесь', en: 'There were many escalations, so the rest are gathered here' },
  more: { ru: '… и ещё {n}', en: '… and {n} more' },
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

/** How many records a message links to before it says "and N more". */
export const LISTED_RECORDS = 3

/** Links to the first few records, then "и ещё N" / "and N more". */
export function recordList(origin: string, records: readonly RecordMention[], language: Language, listed = LISTED_RECORDS): string {
  const links = records.slice(0, listed).map((record) => recordLink(origin, record, language)).join(', ')
  const rest = records.length - listed
  if (rest <= 0) return links
  return language === 'ru' ? `${links} и ещё ${rest}` : `${links} and ${rest} more`
}

/** What a notification is about; `escalation` makes it the supervisor's notice of a violation left open. */
export interface NoticeOptions {
  language: Language
  origin: string
  ruleId: string
  ruleTitle: Text
  record: RecordMention
  problem: Text
  todo: Text
  responsibleName?: string | undefined
  /** The reader's own records that this one concerns (the other side of a duplicate). */
  concerns?: readonly RecordMention[]
  /** The other records this one is found to match (a duplicate's older records), listed with links. */
  matches?: readonly RecordMention[]
  escalation?: { openedAt: string; now: Date }
  /** A warning before the deadline: when it falls, shown in the portal's time zone. */
  warning?: { dueAt: string; timeZone: string }
}

/** A notification: the rule, the record with its link, what is wrong and what to do. */
export function notice(options: NoticeOptions): string {
  const l = options.language
  const heading = options.escalation ? WORDS.escalation[l] : options.warning ? WORDS.warning[l] : WORDS.rule[l]
  const responsible = options.responsibleName ? ` (${WORDS.responsible[l]}: ${options.responsibleName})` : ''
  const lines = [`[B]${heading}: ${options.ruleTitle[l]}[/B] (${options.ruleId})`, recordLink(options.origin, options.record, l) + responsible]
  if (options.matches && options.matches.length > 0) {
    // A task's related records are its copies set for other people; a CRM record's, the client's other records.
    const label = options.matches.every((match) => match.entity === 'task') ? WORDS.sameTasks[l] : WORDS.matches[l]
    lines.push(`${label}: ${recordList(options.origin, options.matches, l)}`)
  }
  if (options.concerns && options.concerns.length > 0) {
    const label = options.concerns.length === 1 ? WORDS.concerns[l] : WORDS.concernsMany[l]
    lines.push(`${label}: ${recordList(options.origin, options.concerns, l)}`)
  }
  if (options.escalation) lines.push(`${WORDS.since[l]}: ${elapsed(options.escalation.openedAt, options.escalation.now, l)}`)
  if (options.warning) lines.push(`${WORDS.due[l]}: ${localTime(options.warning.dueAt, options.warning.timeZone, l)}`)
  lines.push(`${WORDS.wrong[l]}: ${options.problem[l]}`, `${WORDS.todo[l]}: ${options.todo[l]}`)
  return lines.join('\n')
}

function elapsed(openedAt: string, now: Date, l: Language): string {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(openedAt)) / 60_000))
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  if (l === 'ru') return hours > 0 ? `${hours} ч ${rest} мин назад` : `${minutes} мин назад`
  return hours > 0 ? `${hours} h ${rest} min ago` : `${minutes} min ago`
}

/** An instant as the portal's people read it: «01.12.2026, 12:15» in its time zone. */
export function localTime(at: string, timeZone: string, l: Language): string {
  const format = new Intl.DateTimeFormat(l === 'ru' ? 'ru-RU' : 'en-GB', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' })
  return format.format(new Date(at))
}

/** The line that stands for a notice in a digest: the rule, the record with its link (and its responsible, for a supervisor), what is wrong. */
export function digestLine(options: Pick<NoticeOptions, 'language' | 'origin' | 'ruleId' | 'record' | 'problem' | 'responsibleName'>): string {
  const l = options.language
  const whose = options.responsibleName ? ` (${WORDS.responsible[l]}: ${options.responsibleName})` : ''
  return `• ${options.ruleId}: ${recordLink(options.origin, options.record, l)}${whose} — ${options.problem[l]}`
}

/** The digest's heading and its "and N more" line (`{n}` for the count); warnings and escalations get digests of their own. */
export function digestWords(language: Language, priority: 'notice' | 'warning' | 'deadline' = 'notice'): { heading: string; more: string } {
  const [heading, why] = {
    notice: [WORDS.digest, WORDS.digestWhy], warning: [WORDS.warningDigest, WORDS.warningDigestWhy], deadline: [WORDS.escalationDigest, WORDS.escalationDigestWhy],
  }[priority].map((words) => words[language])
  return { heading: `[B]${heading}[/B]\n${why}:`, more: WORDS.more[language] }
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
