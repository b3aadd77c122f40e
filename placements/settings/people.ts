// Who supervises whom beyond the department heads, and how many notices one person gets before they are folded.
import { html, raw, type Raw } from '../html.js'
import { duration, errorFor, number } from './controls.js'
import { revertButton } from './rule-section.js'
import { userName, type SettingsView } from './view.js'

const W = {
  title: { ru: 'Руководители и уведомления', en: 'Supervisors and notices' },
  supervisors: { ru: 'Руководитель сотрудника — глава его отдела. Иначе, для этих сотрудников:', en: 'A person’s supervisor is the head of their department. Otherwise, for these people:' },
  reports: { ru: 'подчиняется', en: 'reports to' }, add: { ru: '+ добавить', en: '+ add' }, pick: { ru: '— выберите —', en: '— choose —' },
  digest: { ru: 'Если одному человеку больше', en: 'Past' },
  digestWithin: { ru: 'уведомлений за', en: 'notices to one person within' },
  digestThen: { ru: '— остальные приходят одним сводным сообщением.', en: ', the rest come as one digest.' },
} as const

/** The supervisors' overrides and the notices' digest. */
export function peopleSection(view: SettingsView): Raw {
  const l = view.lang
  const supervisors = (view.config.supervisors ?? {}) as Record<string, string>
  const digest = view.config.notifications?.digest ?? {}
  return html`<section class="people" data-section="supervisors"><h2>${W.title[l]}</h2>
  <div class="line">${W.supervisors[l]}
    <div class="pairs" data-setting="supervisors" data-kind="pairs">${Object.entries(supervisors).map(([who, boss]) => pair(view, who, boss))}</div>
    <button type="button" class="add-pair link">${W.add[l]}</button><template class="pair-template">${pair(view, '', '')}</template>${errorFor('supervisors')}</div>
  <div class="line">${W.digest[l]} ${number('notifications.digest.limit', digest.limit, ' min="1" step="1"')}${errorFor('notifications.digest.limit')} ${W.digestWithin[l]} ${duration(l, 'notifications.digest.window', digest.window)}${errorFor('notifications.digest.window')} ${W.digestThen[l]}</div>
  <p>${revertButton(l, 'supervisors notifications')}</p>
</section>`
}

// One override: a person, and the supervisor they report to, each chosen from the portal's people by name.
function pair(view: SettingsView, who: string, boss: string): Raw {
  return html`<div class="pair">${person(view, 'who', who)} ${W.reports[view.lang]} ${person(view, 'boss', boss)} <button type="button" class="remove-pair link">×</button></div>`
}

function person(view: SettingsView, role: string, id: string): Raw {
  const active = view.users.filter((user) => user.active).map((user) => user.id)
  const ids = id === '' || active.includes(id) ? active : [id, ...active]
  const options = ids.map((item) => [item, userName(view, item)] as const).sort((a, b) => a[1].localeCompare(b[1], 'ru'))
  return html`<select class="${role}"><option value="">${W.pick[view.lang]}</option>${options.map(([value, name]) => html`<option value="${value}"${value === id ? raw(' selected') : ''}>${name}</option>`)}</select>`
}
