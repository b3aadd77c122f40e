// «Дополнительно»: the default-title patterns, the legal forms and the task forms, each explained, with a live example.
import { html, type Raw } from '../html.js'
import { errorFor } from './controls.js'
import { revertButton } from './rule-section.js'
import type { SettingsView } from './view.js'

const W = {
  title: { ru: 'Дополнительно', en: 'Advanced' },
  titles: { ru: 'Названия лидов по умолчанию', en: 'Default lead titles' },
  titlesWhat: { ru: 'Шаблоны (регулярные выражения, по одному в строке, без учёта регистра): лид с таким названием надо переименовать.', en: 'Patterns (regular expressions, one per line, case ignored): a lead so titled must be renamed.' },
  titleTry: { ru: 'Проверьте название:', en: 'Try a title:' }, titleSample: { ru: 'Заявка с сайта', en: 'Заявка с сайта' },
  legal: { ru: 'Формы собственности', en: 'Legal forms' },
  legalWhat: { ru: 'По одной в строке: краткая форма, знак «=», полные названия через «;». Правило о названии компании ставит краткую форму после названия.', en: 'One a line: the short form, "=", the full names separated by ";". The company-name rule puts the short form after the name.' },
  legalTry: { ru: 'Проверьте название компании:', en: 'Try a company name:' },
  forms: { ru: 'Виды задач', en: 'Task forms' },
  formsWhat: { ru: 'По одному в строке: текст | где (в начале или где угодно) | название по-русски | название по-английски. Название задачи должно содержать один из видов.', en: 'One a line: text | where (start or anywhere) | Russian name | English name. A task’s title must show one of the forms.' },
  formsTry: { ru: 'Проверьте название задачи:', en: 'Try a task title:' },
  groups: { ru: 'Не проверять вид задач в группах (номера групп через запятую):', en: 'Skip the task forms in these groups (group numbers, comma-separated):' },
} as const

/** The advanced settings, collapsed until opened. */
export function advancedSection(view: SettingsView): Raw {
  const l = view.lang
  const titles = view.config.rules?.['LEAD-TITLE']?.defaultTitles ?? []
  const legal = (view.config.legalForms ?? []) as Array<{ short: string; full: string[] }>
  const prefix = view.config.rules?.['TASK-PREFIX'] ?? {}
  const forms = (prefix.forms ?? []) as Array<{ text: string; at: string; name: { ru: string; en: string } }>
  const where = (at: string) => (at === 'start' ? (l === 'ru' ? 'в начале' : 'start') : (l === 'ru' ? 'где угодно' : 'anywhere'))
  return html`<details class="advanced" id="advanced" data-section="advanced"><summary><h2>${W.title[l]}</h2></summary>
  <h3>${W.titles[l]}</h3><p class="muted">${W.titlesWhat[l]}</p>
  <textarea rows="6" data-setting="rules.LEAD-TITLE.defaultTitles" data-kind="lines">${titles.join('\n')}</textarea>${errorFor('rules.LEAD-TITLE.defaultTitles')}
  <p>${W.titleTry[l]} <input class="example" data-example="titles" value="${W.titleSample[l]}"> <span class="example-out" data-example-out="titles"></span></p>
  <h3>${W.legal[l]}</h3><p class="muted">${W.legalWhat[l]}</p>
  <textarea rows="6" data-setting="legalForms" data-kind="legal">${legal.map((form) => `${form.short} = ${(Array.isArray(form.full) ? form.full : []).join('; ')}`).join('\n')}</textarea>${errorFor('legalForms')}
  <p>${W.legalTry[l]} <input class="example" data-example="legal" value="Общество с ограниченной ответственностью «Вектор»"> <span class="example-out" data-example-out="legal"></span></p>
  <h3>${W.forms[l]}</h3><p class="muted">${W.formsWhat[l]}</p>
  <textarea rows="4" data-setting="rules.TASK-PREFIX.forms" data-kind="forms">${forms.map((form) => `${form.text} | ${where(form.at)} | ${form.name?.ru ?? ''} | ${form.name?.en ?? ''}`).join('\n')}</textarea>${errorFor('rules.TASK-PREFIX.forms')}
  <p>${W.formsTry[l]} <input class="example" data-example="forms" value="Отчёт по продажам за неделю"> <span class="example-out" data-example-out="forms"></span></p>
  <p>${W.groups[l]} <input data-setting="rules.TASK-PREFIX.exemptGroups" data-kind="list" value="${(Array.isArray(prefix.exemptGroups) ? prefix.exemptGroups : []).join(', ')}">${errorFor('rules.TASK-PREFIX.exemptGroups')}</p>
  <p>${revertButton(l, 'legalForms rules.LEAD-TITLE.defaultTitles rules.TASK-PREFIX.forms rules.TASK-PREFIX.exemptGroups')}</p>
</details>`
}
