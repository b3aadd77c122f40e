// The administrator's settings page: the rules in the company's words, people by name, the calendar, the reports'
// schedule, the advanced values out of the way; checked by the server before anything is saved.
import { html, page, raw } from '../html.js'
import { PORTAL_FRAME, PORTAL_STYLE } from '../style.js'
import { advancedSection } from './advanced.js'
import { calendarSection } from './calendar.js'
import { STEP_WORDS } from './clock-lines.js'
import { peopleSection } from './people.js'
import { reportsSection } from './reports.js'
import { robotsSection } from './robots.js'
import { ruleGroups } from './rule-section.js'
import { READ_SCRIPT } from './script-read.js'
import { SEND_SCRIPT } from './script-send.js'
import { UI_SCRIPT } from './script-ui.js'
import { SETTINGS_STYLE } from './style.js'
import type { SettingsView } from './view.js'
import { UNIT_WORDS, WORKING_DAY_WORDS } from './words.js'

const WORDS = {
  title: { ru: 'Настройки правил', en: 'Rule settings' },
  intro: { ru: 'Изменения действуют сразу после «Сохранить», без перезапуска; каждое записывается в журнал.', en: 'Changes take effect as soon as they are saved, without a restart; each is journalled.' },
  check: { ru: 'Проверить', en: 'Check' },
  save: { ru: 'Сохранить', en: 'Save' },
  flagged: { ru: 'С этими настройками сейчас нарушают правила открытых записей:', en: 'Open records these settings would flag now:' },
  reverted: { ru: 'Раздел возвращён как в файле настроек. Это ещё не сохранено — нажмите «Сохранить».', en: 'The section is back to the settings file’s values. Not saved yet: press Save.' },
} as const

const CLIENT_WORDS = {
  ru: {
    saved: 'Сохранено.', invalid: 'Не сохранено: исправьте отмеченное поле.', checked: 'Проверено: ошибок нет, ничего не сохранено.',
    wouldFlag: 'Сейчас нарушают:', nobody: 'никого не найдено', daysOff: 'Выходные портала', workingDays: 'Рабочие дни портала',
    weekdays: ['Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб', 'Вс'], steps: STEP_WORDS.ru,
    titleHit: 'совпадает с шаблоном № N — это название по умолчанию, лид надо переименовать', titleMiss: 'не совпадает ни с одним шаблоном — название принимается',
    brokenPattern: 'шаблон № N не разобран', legalHit: 'найдена форма собственности X', legalMiss: 'форма собственности не найдена',
    formHit: 'вид задачи: X', formMiss: 'ни один вид не найден — автору сообщат',
  },
  en: {
    saved: 'Saved.', invalid: 'Not saved: correct the marked field.', checked: 'Checked: no errors, nothing saved.',
    wouldFlag: 'Flagged now:', nobody: 'nobody found', daysOff: 'The portal’s days off', workingDays: 'The portal’s working days',
    weekdays: ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'], steps: STEP_WORDS.en,
    titleHit: 'matches pattern no. N: a default title, the lead must be renamed', titleMiss: 'matches no pattern: the title is accepted',
    brokenPattern: 'pattern no. N cannot be read', legalHit: 'legal form found: X', legalMiss: 'no legal form found',
    formHit: 'task form: X', formMiss: 'no form found: the creator will be told',
  },
} as const

/** The settings page; `origin` is the portal's, for the links to the records «Проверить» finds. */
export function settingsPage(view: SettingsView, origin: string): string {
  const l = view.lang
  const data = {
    lang: l, locale: l === 'ru' ? 'ru-RU' : 'en-GB', session: view.session, origin, config: view.config, file: view.file,
    users: view.users, departments: view.departments, production: Object.fromEntries(view.production),
    units: { ...Object.fromEntries(Object.entries(UNIT_WORDS).map(([unit, words]) => [unit, words[l]])), WD: WORKING_DAY_WORDS[l] }, words: CLIENT_WORDS[l],
  }
  const body = html`
<main class="settings">
  <h1>${WORDS.title[l]}</h1>
  <p class="muted">${WORDS.intro[l]}</p>
  ${view.note === 'reverted' ? html`<p class="note">${WORDS.reverted[l]}</p>` : ''}
  <form id="settings" novalidate>
    ${ruleGroups(view)}
    ${calendarSection(view)}
    ${reportsSection(view)}
    ${peopleSection(view)}
    ${advancedSection(view)}
    <div class="actions">
      <p class="status" id="status" role="status"><span class="flagged">${WORDS.flagged[l]} <b id="flagged">${view.flagged}</b></span> <span id="outcome"></span></p>
      <p><button type="button" class="ui-btn light" id="check">${WORDS.check[l]}</button> <button type="submit" class="ui-btn" id="save">${WORDS.save[l]}</button></p>
    </div>
  </form>
  ${robotsSection(view)}
</main>`
  const scripts = html`${PORTAL_FRAME}<script type="application/json" id="settings-data">${raw(JSON.stringify(data).replace(/</g, '\\u003c'))}</script>
<script>(function () {${READ_SCRIPT}${UI_SCRIPT}${SEND_SCRIPT}})();</script>`
  return page({ lang: l, title: WORDS.title[l], body, scripts, style: raw(`${PORTAL_STYLE.text}${SETTINGS_STYLE.text}`) })
}
