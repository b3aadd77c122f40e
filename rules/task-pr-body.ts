// The four parts of a letter-decision's body (seed 000: «Наименование вида: ПР; Суть вопроса; Полная информация;
// Предлагаемое решение»), recognised by headings or labelled lines whatever the BB-codes, case, ё/е and numbering.
import { foldLookalikes } from './task-prefix.js'
import type { Text } from './types.js'

/** A part of a ПР's body and how its heading reads. */
export interface PrPart {
  key: 'kind' | 'essence' | 'details' | 'solution'
  name: Text
  /** Folded heading words (lower case, е for ё); a heading is one of them, alone or before its text. */
  labels: readonly string[]
}

/** The parts in the order the seed gives them. */
export const PR_PARTS: readonly PrPart[] = [
  { key: 'kind', name: { ru: 'Вид: ПР', en: 'Kind: ПР' }, labels: ['наименование вида', 'вид задачи', 'вид письма', 'вид', 'тип задачи', 'тип', 'форма задачи', 'форма'] },
  { key: 'essence', name: { ru: 'Суть вопроса', en: 'Essence of the question' }, labels: ['суть вопроса', 'суть проблемы', 'суть дела', 'суть', 'описание ситуации', 'вопрос'] },
  {
    key: 'details',
    name: { ru: 'Полная информация', en: 'Full information' },
    labels: ['полная информация', 'подробная информация', 'полные данные', 'подробности', 'подробно', 'детали', 'информация', 'обоснование'],
  },
  {
    key: 'solution',
    name: { ru: 'Предлагаемое решение', en: 'Proposed solution' },
    labels: ['предлагаемое решение', 'предлагаемые решения', 'предлагаемый вариант', 'вариант решения', 'варианты решения', 'решение', 'предложение', 'предлагаю'],
  },
]

// Block codes end a line; a bold, underlined or italic phrase opening a line is a heading.
const BLOCK = /\[\/?(?:p|list|\*|br|quote|table|tr|td|th|h\d?|left|right|center|justify)(?:=[^\]]*)?\]/gi
const HEADING = /(^|\n)([ \t]*)\[(b|u|i)\]([^[\n]{1,80})\[\/\3\]/gi
const ANY_CODE = /\[\/?[a-z*]+(?:=[^\]]*)?\]/gi
// List markers and numbering before a heading: «1.», «2)», «-», «•», «а)».
const MARKER = /^[\s\-–—•*·>#]*(?:(?:\d{1,2}|[a-zа-я])[.)]\s*|\d{1,2}\s+(?=\p{L}))?/u
const SEPARATOR = /^[\s]*(?:$|[:\-–—.;(])/u
const NAMED_KIND = /^(?:пр|письмо\s*-?\s*решение)(?!\p{L})/u

/** The body's lines, folded, with BB-codes and list markers gone; a bold phrase at a line's start ends with a colon. */
export function bodyLines(description: string): string[] {
  const unblocked = description.replace(/\r\n?/g, '\n').replace(BLOCK, '\n').replace(HEADING, '$1$2$4:').replace(ANY_CODE, '')
  return unblocked.split('\n').map((line) => foldLookalikes(line).replace(MARKER, '').trim()).filter(Boolean)
}

// The text after the label when the line opens with it as a heading: the label, up to three more words, then a separator or the end.
function afterLabel(line: string, label: string): string | undefined {
  if (!line.startsWith(label) || /^\p{L}/u.test(line.slice(label.length))) return undefined
  const rest = line.slice(label.length)
  const words = /^((?:\s+[\p{L}\d«»"'-]+){0,3})(\s*(?:$|[:\-–—.;(].*))$/u.exec(rest)
  if (words === null) return undefined
  return SEPARATOR.test(words[2] ?? '') ? (words[2] ?? '').replace(/^[\s:\-–—.;]*/, '') : undefined
}

// The kind is a labelled line naming ПР («Вид: ПР», «Наименование вида — письмо-решение»), or ПР alone on a line.
function hasKind(lines: readonly string[], part: PrPart): boolean {
  return lines.some((line) => {
    if (/^(?:пр|письмо\s*-?\s*решение)(?:\s*\(пр\))?[\s.:;]*$/u.test(line)) return true
    return part.labels.some((label) => {
      const rest = afterLabel(line, label)
      return rest !== undefined && NAMED_KIND.test(rest)
    })
  })
}

/** The parts the body lacks, in the seed's order. */
export function missingParts(description: string): PrPart[] {
  const lines = bodyLines(description)
  return PR_PARTS.filter((part) => {
    if (part.key === 'kind') return !hasKind(lines, part)
    return !lines.some((line) => part.labels.some((label) => afterLabel(line, label) !== undefined))
  })
}
