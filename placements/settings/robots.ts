// The robots on the settings page: what each does and where an administrator finds it, or why the portal has none.
import { ROBOTS } from '../../src/robots/catalogue.js'
import { html, type Raw } from '../html.js'
import type { SettingsView } from './view.js'

const W = {
  title: { ru: 'Роботы', en: 'Robots' },
  where: {
    ru: 'Добавьте их к стадии: CRM → Сделки (или Лиды) → Роботы → «Добавить» → «Приложения» → «Правила компании». Робот ждёт ответа приложения; ответ приходит в журнал бизнес-процесса и в поля «Дополнительные результаты».',
    en: 'Add them to a stage: CRM → Deals (or Leads) → Automation rules → Add → Applications → «Company rules». A robot waits for the app’s answer; it arrives in the workflow log and the additional results.',
  },
  on: { ru: 'Где работает:', en: 'Works on:' },
  documents: { lead: { ru: 'лиды', en: 'leads' }, deal: { ru: 'сделки', en: 'deals' }, item: { ru: 'смарт-процессы', en: 'smart processes' } },
  unavailable: {
    ru: 'На тарифе портала нет автоматизации (роботов и бизнес-процессов): приложение установлено без роботов. Правила работают как обычно; роботы появятся после смены тарифа и обновления приложения.',
    en: 'The portal’s plan has no automation (robots and workflows): the app is installed without robots. The rules work as usual; the robots appear once the plan allows them and the app is updated.',
  },
  failed: { ru: 'Роботы не зарегистрированы: {error}. Обновите приложение, чтобы попробовать снова.', en: 'The robots are not registered: {error}. Update the app to try again.' },
  pending: { ru: 'Роботы будут зарегистрированы при следующей установке или обновлении приложения.', en: 'The robots are registered at the next install or update of the app.' },
} as const

/** The robots section: the list and where to find them, or the reason the portal has none. */
export function robotsSection(view: SettingsView): Raw {
  const l = view.lang
  const setup = view.robots
  const list = html`<ul class="robots">${ROBOTS.map((robot) => html`<li><b>«${robot.name[l]}»</b> — ${robot.description[l]} <span class="muted">${W.on[l]} ${robot.documents.map((document) => W.documents[document][l]).join(', ')}</span></li>`)}</ul>`
  if (setup.mode === 'unavailable') return html`<section class="robots" id="robots"><h2>${W.title[l]}</h2><p class="note">${W.unavailable[l]}</p></section>`
  const state = setup.mode === 'failed' ? html`<p class="note">${W.failed[l].replace('{error}', setup.error ?? '')}</p>` : setup.mode === 'none' ? html`<p class="note">${W.pending[l]}</p>` : ''
  return html`<section class="robots" id="robots"><h2>${W.title[l]}</h2>${state}<p>${W.where[l]}</p>${list}</section>`
}
