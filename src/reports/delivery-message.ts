// The notification a supervisor gets with the period's reports: one message, every file's link, Russian or English.
import { addDays, type LocalDate } from '../shared/zoned-days.js'
import type { PeriodKind } from './schedule.js'

const GENITIVE = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря']
const NOMINATIVE = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь']
const ENGLISH = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

// A title for one file and for several.
const TITLES: Record<PeriodKind, Record<'ru' | 'en', [string, string]>> = {
  week: { ru: ['Еженедельный отчёт', 'Еженедельные отчёты'], en: ['Weekly report', 'Weekly reports'] },
  month: { ru: ['Ежемесячный отчёт', 'Ежемесячные отчёты'], en: ['Monthly report', 'Monthly reports'] },
}

/** One file of the message: its name and where the portal shows it. */
export interface DeliveredLink { name: string; url: string }

/** The period as people write it: «16–22 ноября 2026», «30 ноября – 6 декабря 2026», «ноябрь 2026» (English alike). */
export function periodText(kind: PeriodKind, period: { from: LocalDate; to: LocalDate }, lang: 'ru' | 'en'): string {
  const months = lang === 'ru' ? GENITIVE : ENGLISH
  const { from } = period
  if (kind === 'month') return `${(lang === 'ru' ? NOMINATIVE : ENGLISH)[from.month - 1]} ${from.year}`
  const last = addDays(period.to, -1)
  const month = (date: LocalDate) => months[date.month - 1]
  if (from.year !== last.year) return `${from.day} ${month(from)} ${from.year} – ${last.day} ${month(last)} ${last.year}`
  if (from.month !== last.month) return `${from.day} ${month(from)} – ${last.day} ${month(last)} ${last.year}`
  return `${from.day}–${last.day} ${month(last)} ${last.year}`
}

/** The message: «Еженедельный отчёт за 16–22 ноября 2026: [URL=…]Отчет_….xlsx[/URL]», one line a file when there are several. */
export function deliveryMessage(kind: PeriodKind, period: { from: LocalDate; to: LocalDate }, links: readonly DeliveredLink[], lang: 'ru' | 'en'): string {
  const several = links.length > 1
  const [one, many] = TITLES[kind][lang]
  const title = several ? many : one
  const lead = `${title} ${lang === 'ru' ? 'за' : 'for'} ${periodText(kind, period, lang)}:`
  const link = (file: DeliveredLink) => `[URL=${file.url}]${bbSafe(file.name)}[/URL]`
  if (!several) return `${lead} ${links.map(link).join('')}`
  return [lead, ...links.map(link)].join('\n')
}

/** The notification's TAG: the portal keeps one notification per tag, so a resend after a crash replaces, not doubles. */
export function deliveryTag(memberId: string, kind: PeriodKind, from: string, supervisorId: string): string {
  return `RULES_REPORT|${memberId}|${kind}|${from}|${supervisorId}`
}

// A file name is the department's name: brackets would open a BB-code.
function bbSafe(text: string): string {
  return text.replace(/\[/g, '(').replace(/\]/g, ')')
}
