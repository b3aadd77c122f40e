// Writes a company name the company's way: no quotes, the legal form after the name ("ВТБ24 ОАО").
import type { LegalForm } from './legal-forms.js'
import type { Text } from './types.js'

/** What the rule makes of a name: already right, a safe fix, or too unclear to touch. */
export type NameVerdict =
  | { kind: 'ok' }
  | { kind: 'fix'; value: string }
  | { kind: 'unsure'; reason: Text }

// Latin letters (and the digit 3) that people type inside Cyrillic forms: "OOO", "3AO".
const LOOKALIKES: Record<string, string> = {
  A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х', Y: 'У', '3': 'З',
  a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у', k: 'к', m: 'м',
}
const QUOTES = /["«»„“”‟‘’‚‛‹›`´']/u
const WORD = /^[\p{L}\p{N}]/u
const TOKENS = /[\p{L}\p{N}]+(?:[-'’.][\p{L}\p{N}]+)*|\s+|./gu
const CYRILLIC = /\p{Script=Cyrillic}/u
const LATIN = /[A-Za-z]/

/** A name split into its own part and its legal form, or why it cannot be split. */
export type ParsedName = { kind: 'parsed'; name: string; form: string | undefined } | { kind: 'unsure'; reason: Text }

/** Normalises `raw` with the dictionary of `forms`; pure. */
export function normalizeCompanyName(raw: string, forms: readonly LegalForm[]): NameVerdict {
  const parsed = parseCompanyName(raw, forms)
  if (parsed.kind === 'unsure') return parsed
  const value = parsed.form ? `${parsed.name} ${parsed.form}` : parsed.name
  return value === raw ? { kind: 'ok' } : { kind: 'fix', value }
}

/** The company's own name without quotes or form ("Вектор" of «ООО "Вектор"»), or '' when unclear. */
export function companyCore(raw: string, forms: readonly LegalForm[]): string {
  const parsed = parseCompanyName(raw, forms)
  return parsed.kind === 'parsed' ? parsed.name : ''
}

/** Splits a name into its own part and its legal form; pure. */
export function parseCompanyName(raw: string, forms: readonly LegalForm[]): ParsedName {
  const text = expandFullForms(raw.replace(/\s+/g, ' ').trim(), forms)
  if (text === '') return { kind: 'parsed', name: '', form: undefined }
  const tokens = text.match(TOKENS) ?? []
  const words = tokens.map((token, index) => ({ token, index })).filter(({ token }) => WORD.test(token))
  const cyrillicName = CYRILLIC.test(text)
  const formOf = (word: string) => legalForm(word, forms, cyrillicName)

  // Forms may stand at either end of the words; one in the middle is not a form we can place.
  let first = 0
  let last = words.length - 1
  const found = new Set<string>()
  while (first <= last && formOf(words[first]!.token)) found.add(formOf(words[first++]!.token)!)
  while (last >= first && formOf(words[last]!.token)) found.add(formOf(words[last--]!.token)!)
  if (first > last) return unsure('в названии нет ничего, кроме формы собственности', 'the name is nothing but a legal form')
  if (found.size > 1) return unsure(`несколько форм собственности: ${[...found].join(', ')}`, `several legal forms: ${[...found].join(', ')}`)
  for (let i = first; i <= last; i++) {
    const middle = formOf(words[i]!.token)
    if (middle) return unsure(`форма собственности «${middle}» стоит внутри названия`, `the legal form "${middle}" stands inside the name`)
  }

  // The name runs from after a leading form to before a trailing one, punctuation included.
  const from = first > 0 ? words[first - 1]!.index + 1 : 0
  const to = last < words.length - 1 ? words[last + 1]!.index : tokens.length
  const name = tidy(tokens.slice(from, to))
  if (!/[\p{L}\p{N}]/u.test(name)) return unsure('не удалось выделить название', 'no name could be told apart')
  return { kind: 'parsed', name, form: [...found][0] }
}

function unsure(ru: string, en: string): { kind: 'unsure'; reason: Text } {
  return { kind: 'unsure', reason: { ru, en } }
}

// A word is a form when it spells one of the short forms, in any case; inside a Cyrillic
// name, Latin look-alike letters count as the Cyrillic ones.
function legalForm(word: string, forms: readonly LegalForm[], cyrillicName: boolean): string | undefined {
  const plain = word.replace(/\.$/, '').toUpperCase()
  const mapped = cyrillicName && LATIN.test(plain) ? [...plain].map((char) => LOOKALIKES[char] ?? char).join('') : plain
  return forms.find((form) => form.short.toUpperCase() === plain || form.short.toUpperCase() === mapped)?.short
}

// Spelled-out forms become short ones, in any case, "е" and "ё" alike.
function expandFullForms(text: string, forms: readonly LegalForm[]): string {
  const spelled = forms.flatMap((form) => form.full.map((full) => ({ full, short: form.short })))
  spelled.sort((a, b) => b.full.length - a.full.length)
  let result = text
  for (const { full, short } of spelled) {
    const pattern = [...full].map((char) => {
      if (/[её]/i.test(char)) return '[её]'
      if (/[\s-]/.test(char)) return '[\\s-]+'
      return char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    }).join('')
    result = result.replace(new RegExp(`(?<![\\p{L}\\p{N}])${pattern}(?![\\p{L}\\p{N}])`, 'giu'), ` ${short} `)
  }
  return result.replace(/\s+/g, ' ').trim()
}

// The name between the forms: quotes out (a space where they glued two words), empty brackets,
// stray punctuation at the ends and doubled spaces gone.
function tidy(tokens: string[]): string {
  const kept: string[] = []
  tokens.forEach((token, i) => {
    if (!QUOTES.test(token) || token.length > 1) return void kept.push(token)
    const before = tokens[i - 1] ?? ''
    const after = tokens[i + 1] ?? ''
    if (WORD.test(before) && WORD.test(after)) kept.push(' ')
  })
  return kept
    .join('')
    .replace(/\(\s*\)|\[\s*\]/g, ' ')
    .replace(/\s+([,.;:!?)])/g, '$1')
    .replace(/([(])\s+/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,.;:–—)\]-]+|[\s,;:–—(\[-]+$/g, '')
    .replace(/(?<!(?:^|[\s.])\p{L})\.+$/u, '') // a final dot goes, unless it closes an initial ("Петрова А.В.")
    .trim()
}
