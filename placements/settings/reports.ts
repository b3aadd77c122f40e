// The reports as a schedule («каждую пятницу в 17:00», «1-го числа в 09:00»), their language and each manager's plan.
import { html, raw, type Raw } from '../html.js'
import { choice, duration, errorFor } from './controls.js'
import { monthlyMoment, weeklyMoment } from './cron.js'
import { revertButton } from './rule-section.js'
import { userName, type SettingsView } from './view.js'

const W = {
  title: { ru: 'Отчёты руководителям', en: 'Reports to supervisors' },
  weekly: { ru: 'Недельный отчёт (за прошлую неделю):', en: 'The weekly report (on the week before):' },
  monthly: { ru: 'Месячный отчёт (за прошлый месяц):', en: 'The monthly report (on the month before):' },
  at: { ru: 'в', en: 'at' }, ofMonth: { ru: '-го числа', en: ' of the month' },
  never: { ru: 'не отправлять', en: 'do not send' }, keep: { ru: 'по особому расписанию из файла настроек', en: 'on the special schedule of the settings file' },
  days: {
    ru: ['каждое воскресенье', 'каждый понедельник', 'каждый вторник', 'каждую среду', 'каждый четверг', 'каждую пятницу', 'каждую субботу'],
    en: ['every Sunday', 'every Monday', 'every Tuesday', 'every Wednesday', 'every Thursday', 'every Friday', 'every Saturday'],
  },
  language: { ru: 'Язык отчётов:', en: 'The reports’ language:' },
  languages: { ru: [['', 'как у портала'], ['ru', 'русский'], ['en', 'английский']], en: [['', 'the portal’s'], ['ru', 'Russian'], ['en', 'English']] },
  history: { ru: 'При установке загрузить записи, изменённые за последние', en: 'On install, load the records changed within the last' },
  plans: { ru: 'План на месяц (пусто — без плана):', en: 'The plan for a month (empty: no plan):' },
  person: { ru: 'Сотрудник', en: 'Person' }, created: { ru: 'Лидов создать', en: 'Leads to create' }, converted: { ru: 'Лидов сконвертировать', en: 'Leads to convert' },
} as const

/** The reports section. */
export function reportsSection(view: SettingsView): Raw {
  const l = view.lang
  const reports = view.config.reports ?? {}
  const weekly = weeklyMoment(reports.weekly ?? null)
  const monthly = monthlyMoment(reports.monthly ?? null)
  const weekDays = [1, 2, 3, 4, 5, 6, 0].map((day) => [String(day), W.days[l][day]!] as const)
  const monthDays = Array.from({ length: 28 }, (_, index) => [String(index + 1), String(index + 1)] as const)
  return html`<section class="reports" data-section="reports"><h2>${W.title[l]}</h2>
  <div class="line">${W.weekly[l]} ${schedule('reports.weekly', 'weekly', reports.weekly ?? null, weekly, weekDays, l)}</div>
  <div class="line">${W.monthly[l]} ${schedule('reports.monthly', 'monthly', reports.monthly ?? null, monthly, monthDays, l)}</div>
  <div class="line">${W.language[l]} ${choice('reports.language', 'nullable', W.languages[l], reports.language ?? '')}${errorFor('reports.language')}</div>
  <div class="line">${W.history[l]} ${duration(l, 'reports.history', reports.history)}${errorFor('reports.history')}</div>
  <div class="line">${W.plans[l]}${plans(view, reports.plans ?? {})}${errorFor('reports.plans')}</div>
  <p>${revertButton(l, 'reports')}</p>
</section>`
}

// «[каждую пятницу ▾] в [17:00]»; a cron the page cannot show stays as it is, named as the file's special schedule.
function schedule(path: string, kind: string, cron: string | null, at: { day: number; time: string } | undefined, days: ReadonlyArray<readonly [string, string]>, l: 'ru' | 'en'): Raw {
  const selected = cron === null ? '' : at ? String(at.day) : 'keep'
  const options = [['', W.never[l]] as const, ...days, ...(selected === 'keep' ? [['keep', W.keep[l]] as const] : [])]
  return html`<span class="schedule" data-setting="${path}" data-kind="${kind}" data-original="${cron ?? ''}" data-day="${at ? String(at.day) : ''}" data-time="${at?.time ?? ''}"><select class="day">${options.map(([value, words]) => html`<option value="${value}"${value === selected ? raw(' selected') : ''}>${words}</option>`)}</select>${kind === 'monthly' ? W.ofMonth[l] : ''}<span class="at"${selected === '' || selected === 'keep' ? raw(' hidden') : ''}> ${W.at[l]} <input type="time" class="time" value="${at?.time ?? '09:00'}"></span></span>${errorFor(path)}`
}

// One row a person: everyone active, and anyone gone who still has a plan.
function plans(view: SettingsView, value: Record<string, { created?: number | null; converted?: number | null }>): Raw {
  const l = view.lang
  const ids = [...new Set([...view.users.filter((user) => user.active).map((user) => user.id), ...Object.keys(value)])]
  const rows = ids.map((id) => ({ id, name: userName(view, id) })).sort((a, b) => a.name.localeCompare(b.name, 'ru'))
  const figure = (n: unknown) => (typeof n === 'number' ? String(n) : '')
  return html`<table class="plans" data-setting="reports.plans" data-kind="plans"><thead><tr><th>${W.person[l]}</th><th>${W.created[l]}</th><th>${W.converted[l]}</th></tr></thead>
  <tbody>${rows.map((row) => html`<tr data-user="${row.id}"><th>${row.name}</th><td><input type="number" class="created" min="0" step="1" value="${figure(value[row.id]?.created)}" aria-label="${row.name}: ${W.created[l]}"></td><td><input type="number" class="converted" min="0" step="1" value="${figure(value[row.id]?.converted)}" aria-label="${row.name}: ${W.converted[l]}"></td></tr>`)}</tbody></table>`
}
