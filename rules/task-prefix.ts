// TASK-PREFIX — "task forms: work task title starts with `РЗ`; letter-decision title starts with `ПР`; report title
// contains `отчет`" (seed 000). A task an employee made whose title has none of the forms: its creator is told, once.
import { fold, idList, isTaskClosed, responsibleOf, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext, Snapshot, Text } from './types.js'

/** A task form: a title starting with `text` (a prefix) or containing it as the start of a word. */
export interface TaskForm {
  text: string
  at: 'start' | 'anywhere'
  name: Text
}

/** TASK-PREFIX's own settings. */
export interface TaskPrefixSettings {
  forms: readonly TaskForm[]
  /** Tasks these users create are not checked (the integration bot, the robot user). */
  exemptCreators: readonly string[]
  /** Tasks in these groups (groupId) are not checked. */
  exemptGroups: readonly string[]
  /** Tasks bound to CRM records (ufCrmTask) are not checked: CRM robots make bound tasks. */
  exemptCrmBound: boolean
}


// Latin letters people type for their Cyrillic twins (a Latin P in «РЗ», a Latin o in «отчет»).
const LOOKALIKES: Readonly<Record<string, string>> = { a: 'а', c: 'с', e: 'е', k: 'к', m: 'м', h: 'н', o: 'о', p: 'р', t: 'т', x: 'х', y: 'у', b: 'в' }

/** Lower case, ё as е, Latin look-alikes as their Cyrillic letters: the form titles and bodies are compared in. */
export function foldLookalikes(value: string): string {
  return fold(value).replace(/[a-z]/g, (letter) => LOOKALIKES[letter] ?? letter)
}

// The form's text as a pattern: З may be typed as the digit 3.
function pattern(form: string): string {
  return [...foldLookalikes(form)].map((char) => (char === 'з' ? '[з3]' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')
}

/**
 * True when the title starts with the prefix (any case, Latin look-alikes, after brackets or quotes, before any
 * separator), never when the prefix only begins a longer word: «ПР: скидка», «[РЗ] отчёт» yes; «Прайс», «Разработать» no.
 */
export function hasPrefix(title: string, prefix: string): boolean {
  return new RegExp(`^[\\s\\p{P}\\p{S}]*${pattern(prefix)}(?!\\p{L})`, 'u').test(foldLookalikes(title))
}

/** True when a word of the title starts with the text («Отчёт за ноябрь», «отчеты»), not inside one («подотчетный»). */
export function containsWord(title: string, word: string): boolean {
  return new RegExp(`(?<!\\p{L})${pattern(word)}`, 'u').test(foldLookalikes(title))
}

/** The first form the title has, or undefined. */
export function formOf(title: string, forms: readonly TaskForm[]): TaskForm | undefined {
  return forms.find((form) => (form.at === 'start' ? hasPrefix(title, form.text) : containsWord(title, form.text)))
}

/** The sentence naming the forms: «Название задачи должно начинаться с РЗ (рабочая задача) или ПР (…) либо содержать «отчёт» (отчёт)». */
export function formsSentence(forms: readonly TaskForm[]): Text {
  const starts = forms.filter((form) => form.at === 'start')
  const contains = forms.filter((form) => form.at === 'anywhere')
  const ru: string[] = []
  const en: string[] = []
  if (starts.length > 0) {
    ru.push(`начинаться с ${starts.map((form) => `${form.text} (${form.name.ru})`).join(' или ')}`)
    en.push(`start with ${starts.map((form) => `${form.text} (${form.name.en})`).join(' or ')}`)
  }
  if (contains.length > 0) {
    ru.push(`содержать ${contains.map((form) => `«${form.text}» (${form.name.ru})`).join(' или ')}`)
    en.push(`contain ${contains.map((form) => `"${form.text}" (${form.name.en})`).join(' or ')}`)
  }
  return { ru: `Название задачи должно ${ru.join(' либо ')}`, en: `The task's title must ${en.join(' or ')}` }
}

// A task the settings leave alone: made by an exempt user, in an exempt group, or bound to CRM (robots).
function isExempt(task: Snapshot, settings: TaskPrefixSettings): boolean {
  if (settings.exemptCreators.includes(text(task, 'createdBy'))) return true
  const group = text(task, 'groupId')
  if (group !== '' && group !== '0' && settings.exemptGroups.includes(group)) return true
  return settings.exemptCrmBound && idList(task, 'ufCrmTask').length > 0
}

/** The rule as the catalogue lists it. */
export const taskPrefix: Rule<TaskPrefixSettings> = {
  id: 'TASK-PREFIX',
  version: 1,
  title: { ru: 'Название задачи показывает её форму (РЗ, ПР, отчёт)', en: "The task's title shows its form (РЗ, ПР, report)" },
  entities: ['task'],
  check(record: RecordInput, context: RuleContext<TaskPrefixSettings>): Finding[] {
    const task = record.current
    const creator = text(task, 'createdBy')
    if (creator === '' || creator === '0') return []
    if (isTaskClosed(task)) return []
    if (isExempt(task, context.settings)) return []
    const title = text(task, 'title')
    if (formOf(title, context.settings.forms) !== undefined) return []
    const sentence = formsSentence(context.settings.forms)
    return [{
      ruleId: this.id,
      variant: '',
      responsibleId: responsibleOf('task', task),
      recipients: [creator],
      problem: { ru: `У задачи «${title}» нет формы в названии. ${sentence.ru}.`, en: `The task "${title}" has no form in its title. ${sentence.en}.` },
      todo: { ru: `Переименуйте задачу. ${sentence.ru}.`, en: `Rename the task. ${sentence.en}.` },
    }]
  },
}
