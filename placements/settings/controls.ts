// The page's controls: each carries the setting it edits (data-setting) and how the script reads it (data-kind).
import { html, raw, type Raw } from '../html.js'
import { durationParts, plural, type Unit } from './duration.js'
import { departmentName, userName, type SettingsView } from './view.js'
import { UNIT_WORDS, WORKING_DAY_WORDS, type Lang } from './words.js'

/** A unit's word agreeing with `amount` (1 час, 2 часа, 5 часов); a day is a working day where the rule counts working time. */
export function unitWord(unit: Unit | 'now', amount: number | null, l: Lang, basis?: unknown): string {
  const words = unit === 'D' && basis === 'working' ? WORKING_DAY_WORDS : UNIT_WORDS[unit]
  if (l === 'en') return amount === 1 ? words.en[0] : words.en[1]
  return plural(amount ?? 5, words.ru)
}

/**
 * A duration as a number and a unit; `now` offers «сразу» (zero), `optional` lets the number stay empty (none); `basis`,
 * for a deadline's time, is the rule's `time`: its days are working days while it is "working" (the script follows it).
 */
export function duration(l: Lang, path: string | null, iso: unknown, options: { now?: boolean; optional?: boolean; basis?: unknown } = {}): Raw {
  const parts = iso === undefined || iso === null ? null : durationParts(iso)
  const now = options.now === true && parts?.ms === 0
  // An empty limit offers days: a stage's limit is mostly days.
  const unit: Unit = parts?.unit ?? (options.optional ? 'D' : 'M')
  const units: Array<Unit | 'now'> = [...(options.now ? ['now' as const] : []), ...(unit === 'S' ? ['S' as const] : []), 'M', 'H', 'D']
  const selected = now ? 'now' : unit
  const amount = now ? null : parts?.amount ?? null
  const setting = path === null ? '' : raw(` data-setting="${path}" data-kind="duration"`)
  return html`<span class="duration"${setting} data-iso="${parts?.iso ?? ''}" data-ms="${parts?.ms ?? ''}" data-unit="${parts?.unit ?? ''}"${options.optional ? raw(' data-optional="1"') : ''}${options.basis === undefined ? '' : raw(' data-days="basis"')}><input type="number" class="amount" step="any" value="${amount ?? ''}"${now ? raw(' hidden') : ''} aria-label="${l === 'ru' ? 'число' : 'number'}"> <select class="unit" aria-label="${l === 'ru' ? 'единица' : 'unit'}">${units.map((item) => html`<option value="${item}"${item === selected ? raw(' selected') : ''}>${unitWord(item, amount, l, options.basis)}</option>`)}</select></span>`
}

/** A select of `options` ([value, words]) for the setting at `path`. */
export function choice(path: string, kind: string, options: ReadonlyArray<readonly [string, string]>, value: string): Raw {
  return html`<select data-setting="${path}" data-kind="${kind}">${options.map(([item, words]) => html`<option value="${item}"${item === value ? raw(' selected') : ''}>${words}</option>`)}</select>`
}

/** A number box for the setting at `path`; empty means none (null). */
export function number(path: string, value: unknown, attributes = ''): Raw {
  return html`<input type="number" class="number" data-setting="${path}" data-kind="number" value="${typeof value === 'number' ? value : ''}"${raw(attributes)}>`
}

/** A checkbox for a yes/no setting. */
export function check(path: string, value: unknown, words: string): Raw {
  return html`<label class="check"><input type="checkbox" data-setting="${path}" data-kind="bool"${value === true ? raw(' checked') : ''}> ${words}</label>`
}

/** Checkboxes, one an option ([value, words]); the setting is the list of those ticked. */
export function checks(path: string, options: ReadonlyArray<readonly [string, string]>, value: unknown): Raw {
  const ticked = new Set(Array.isArray(value) ? value.map(String) : [])
  return html`<span class="checks" data-setting="${path}" data-kind="checks">${options.map(([item, words]) => html`<label class="check"><input type="checkbox" value="${item}"${ticked.has(item) ? raw(' checked') : ''}> ${words}</label>`)}</span>`
}

/** People or departments by name: the chosen as chips, a search box that finds them in the portal's directory. */
export function picker(view: SettingsView, path: string, of: 'users' | 'departments', value: unknown): Raw {
  const l = view.lang
  const ids = Array.isArray(value) ? value.map(String) : []
  const name = of === 'users' ? (id: string) => userName(view, id) : (id: string) => departmentName(view, id)
  const placeholder = of === 'users' ? { ru: 'Найти сотрудника по имени…', en: 'Find a person by name…' } : { ru: 'Найти отдел…', en: 'Find a department…' }
  return html`<span class="picker" data-setting="${path}" data-kind="picked" data-of="${of}"><span class="chips">${ids.map((id) => chip(id, name(id), l))}</span><span class="find"><input type="search" class="search" placeholder="${placeholder[l]}" autocomplete="off"><ul class="matches" hidden></ul></span></span>`
}

/** One chosen person or department, with its remove button. */
export function chip(id: string, name: string, l: Lang): Raw {
  return html`<span class="chip" data-id="${id}">${name} <button type="button" class="remove" title="${l === 'ru' ? 'Убрать' : 'Remove'}">×</button></span> `
}

/** Where the check's message for the setting at `path` stands. */
export function errorFor(path: string): Raw {
  return html`<span class="field-error" data-error-for="${path}"></span>`
}
