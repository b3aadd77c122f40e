// The administrator's settings page: every setting of RULES_FILE's shape as a field, checked by the same schemas on
// the server (an invalid value shows its error on its field and nothing is saved), with how many open records the
// new settings would flag now before they are saved.
import { MODES } from '../rules/types.js'
import type { Text } from '../rules/types.js'
import { html, page, raw, type Raw } from './html.js'
import { PORTAL_FRAME, PORTAL_STYLE } from './style.js'
import { asRecord, isRecord } from '../src/shared/records.js'

type Lang = keyof Text

/** How a field's text becomes its JSON value (the page's script does the same). */
export type FieldKind = 'text' | 'nullable' | 'number' | 'bool' | 'mode' | 'time' | 'list' | 'lines' | 'map' | 'hours' | 'workingDays' | 'limits' | 'plans'

/** One field of the form: where it sits in the settings, how it is read, its value now. */
export interface Field {
  path: string
  kind: FieldKind
  value: unknown
}

const WORDS = {
  title: { ru: 'Настройки правил', en: 'Rule settings' },
  intro: {
    ru: 'Изменения действуют сразу, без перезапуска; каждое записывается в журнал. Длительности — в формате ISO 8601: PT15M — 15 минут, PT2H — 2 часа, P1D — сутки.',
    en: 'Changes take effect at once, without a restart; each is journalled. Durations are ISO 8601: PT15M is 15 minutes, PT2H two hours, P1D a day.',
  },
  check: { ru: 'Проверить', en: 'Check' },
  save: { ru: 'Сохранить', en: 'Save' },
  flagged: { ru: 'С этими настройками сейчас нарушают правила открытых записей:', en: 'Open records these settings would flag now:' },
  saved: { ru: 'Сохранено.', en: 'Saved.' },
  invalid: { ru: 'Не сохранено: исправьте выделенное поле.', en: 'Not saved: correct the marked field.' },
  calendar: { ru: 'Рабочее время', en: 'Working time' },
  people: { ru: 'Руководители', en: 'Supervisors' },
  notices: { ru: 'Уведомления', en: 'Notifications' },
  reports: { ru: 'Отчёты', en: 'Reports' },
  rules: { ru: 'Правила', en: 'Rules' },
  roundTheClock: { ru: 'круглосуточно (24/7)', en: 'round the clock (24/7)' },
} as const

const HINTS: Partial<Record<FieldKind, Text>> = {
  list: { ru: 'через запятую', en: 'comma-separated' },
  lines: { ru: 'по одному в строке', en: 'one per line' },
  map: { ru: 'сотрудник=руководитель, по одному в строке', en: 'user=supervisor, one per line' },
  workingDays: { ru: 'ГГГГ-ММ-ДД или ГГГГ-ММ-ДД ЧЧ:ММ-ЧЧ:ММ, по одному в строке', en: 'YYYY-MM-DD or YYYY-MM-DD HH:MM-HH:MM, one per line' },
  limits: { ru: 'воронка стадия срок, например 0 NEW P3D, по одному в строке', en: 'pipeline stage limit, e.g. 0 NEW P3D, one per line' },
  plans: { ru: 'сотрудник=лидов/конверсий в месяц, например 5=40/12, по одному в строке', en: 'user=leads/conversions a month, e.g. 5=40/12, one per line' },
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
// Settings edited elsewhere or too rich for a field (legal forms, the task forms' names): kept as they are.
const NOT_EDITED = new Set(['legalForms', 'forms'])

/** The form's fields from the settings in RULES_FILE's JSON form (defaults, RULES_FILE and the portal's own merged). */
export function settingsFields(config: Record<string, unknown>): Field[] {
  const fields: Field[] = []
  const walk = (value: unknown, path: string[]) => {
    const key = path.at(-1) ?? ''
    const at = path.join('.')
    if (NOT_EDITED.has(key)) return
    if (at === 'calendar.hours') return void fields.push({ path: at, kind: 'hours', value })
    if (at === 'calendar.workingDays') return void fields.push({ path: at, kind: 'workingDays', value })
    if (at === 'supervisors') return void fields.push({ path: at, kind: 'map', value })
    if (at === 'reports.plans') return void fields.push({ path: at, kind: 'plans', value })
    if (key === 'limits') return void fields.push({ path: at, kind: 'limits', value })
    if (key === 'mode') return void fields.push({ path: at, kind: 'mode', value })
    if (key === 'time') return void fields.push({ path: at, kind: 'time', value })
    // Lists of words go on one line with commas; lists whose items may hold commas (patterns), one per line.
    if (Array.isArray(value)) return void fields.push({ path: at, kind: key === 'defaultTitles' || value.some((item) => String(item).includes(',')) ? 'lines' : 'list', value })
    if (isRecord(value)) {
      for (const [child, item] of Object.entries(value)) walk(item, [...path, child])
      return
    }
    if (typeof value === 'boolean') return void fields.push({ path: at, kind: 'bool', value })
    if (typeof value === 'number') return void fields.push({ path: at, kind: 'number', value })
    fields.push({ path: at, kind: value === null || ['since', 'timeZone', 'country', 'weekly', 'monthly', 'language'].includes(key) ? 'nullable' : 'text', value })
  }
  // Settings with a default of "none" are absent from the JSON; the form shows them empty.
  const calendar = { timeZone: null, country: null, ...(config.calendar as object) }
  const rules = Object.fromEntries(Object.entries((config.rules ?? {}) as Record<string, object>)
    .map(([id, rule]) => [id, { since: null, sources: [], pipelines: [], departments: [], ...rule }]))
  walk(calendar, ['calendar'])
  walk(config.supervisors ?? {}, ['supervisors'])
  walk(config.notifications ?? {}, ['notifications'])
  walk(config.reports ?? {}, ['reports'])
  walk(rules, ['rules'])
  return fields
}

/** The settings page for an administrator. */
export function settingsPage(fields: Field[], options: { lang: Lang; session: string; flagged: number }): string {
  const l = options.lang
  const section = (title: Text, prefix: string) => html`<section><h2>${title[l]}</h2>${fields.filter((field) => field.path.startsWith(prefix)).map((field) => fieldHtml(field, l))}</section>`
  const body = html`
<main class="settings">
  <h1>${WORDS.title[l]}</h1>
  <p class="muted">${WORDS.intro[l]}</p>
  <form id="settings" novalidate>
    ${section(WORDS.calendar, 'calendar.')}
    ${section(WORDS.people, 'supervisors')}
    ${section(WORDS.notices, 'notifications.')}
    ${section(WORDS.reports, 'reports.')}
    ${section(WORDS.rules, 'rules.')}
    <p class="status" id="status" role="status"><span class="flagged">${WORDS.flagged[l]} <b id="flagged">${options.flagged}</b></span> <span id="outcome"></span></p>
    <p><button type="button" class="ui-btn light" id="check">${WORDS.check[l]}</button> <button type="submit" class="ui-btn" id="save">${WORDS.save[l]}</button></p>
  </form>
</main>`
  return page({ lang: l, title: WORDS.title[l], body, scripts: script(options, l), style: STYLE })
}

function fieldHtml(field: Field, l: Lang): Raw {
  const id = `f-${field.path.replace(/[^A-Za-z0-9]+/g, '-')}`
  const hint = HINTS[field.kind]?.[l]
  const label = html`<label for="${id}">${field.path.split('.').slice(1).join(' · ')}</label>`
  const error = html`<span class="field-error" data-error-for="${field.path}"></span>`
  const common = { id, path: field.path, kind: field.kind }
  let input: Raw
  switch (field.kind) {
    case 'mode':
      input = select(common, MODES, String(field.value))
      break
    case 'time':
      input = select(common, ['working', '24/7'], String(field.value))
      break
    case 'bool':
      input = html`<input type="checkbox" id="${id}" data-path="${field.path}" data-kind="bool"${field.value === true ? raw(' checked') : ''}>`
      break
    case 'hours': {
      const week = asRecord(field.value) as Record<string, string>
      input = html`<span class="hours" id="${id}" data-path="${field.path}" data-kind="hours"><label><input type="checkbox" class="round"${field.value === '24/7' ? raw(' checked') : ''}> ${WORDS.roundTheClock[l]}</label>
        ${WEEKDAYS.map((day) => html`<label class="day">${day} <input class="weekday" data-day="${day}" value="${week[day] ?? ''}" size="11"></label>`)}</span>`
      break
    }
    case 'lines': case 'map': case 'workingDays': case 'limits': case 'plans':
      input = html`<textarea id="${id}" data-path="${field.path}" data-kind="${field.kind}" rows="3">${textOf(field)}</textarea>`
      break
    default:
      input = html`<input id="${id}" data-path="${field.path}" data-kind="${field.kind}" value="${textOf(field)}"${field.kind === 'number' ? raw(' type="number"') : ''}>`
  }
  return html`<div class="field">${label} ${input}${hint ? html` <span class="muted hint">${hint}</span>` : ''} ${error}</div>`
}

function select(common: { id: string; path: string; kind: string }, options: readonly string[], value: string): Raw {
  return html`<select id="${common.id}" data-path="${common.path}" data-kind="${common.kind}">${options.map((option) => html`<option${option === value ? raw(' selected') : ''}>${option}</option>`)}</select>`
}

// A field's value as its text: lists with commas, lines one per line, maps as key=value.
function textOf(field: Field): string {
  const { value } = field
  if (value === null || value === undefined) return ''
  if (field.kind === 'list') return (value as unknown[]).join(', ')
  if (field.kind === 'lines') return (value as unknown[]).join('\n')
  if (field.kind === 'map') return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`).join('\n')
  if (field.kind === 'plans') {
    const figure = (n: unknown) => (typeof n === 'number' ? String(n) : '')
    return Object.entries(value as Record<string, { created?: unknown; converted?: unknown }>).map(([user, plan]) => `${user}=${figure(plan.created)}/${figure(plan.converted)}`).join('\n')
  }
  if (field.kind === 'workingDays') {
    return (value as Array<string | { date: string; hours?: string | null }>).map((day) => (typeof day === 'string' ? day : [day.date, day.hours ?? ''].join(' ').trim())).join('\n')
  }
  if (field.kind === 'limits') {
    return Object.entries(value as Record<string, Record<string, string>>).flatMap(([category, stages]) => Object.entries(stages).map(([stage, limit]) => `${category} ${stage} ${limit}`)).join('\n')
  }
  return String(value)
}

const STYLE = raw(`${PORTAL_STYLE.text}
.field { padding: 4px 0; } .field > label { display: inline-block; min-width: 320px; }
input, select, textarea { font: inherit; padding: 4px 6px; border: 1px solid #c6cdd3; border-radius: 2px; }
textarea { width: 420px; vertical-align: top; } .hours .day { margin-right: 6px; }
.invalid { border-color: var(--ui-color-danger); background: #fff2f1; } .field-error { color: var(--ui-color-danger); }
.status b { font-size: 16px; }
`)

// Reads every field into RULES_FILE's JSON form, asks the server to check or save it, shows the error on its field.
function script(options: { session: string }, l: Lang): Raw {
  const words = { saved: WORDS.saved[l], invalid: WORDS.invalid[l] }
  return html`${PORTAL_FRAME}
<script>
(function () {
  var session = ${raw(JSON.stringify(options.session).replace(/</g, '\\u003c'))};
  var words = ${raw(JSON.stringify(words).replace(/</g, '\\u003c'))};
  var form = document.getElementById('settings');
  function lines(text) { return text.split('\\n').map(function (s) { return s.trim(); }).filter(Boolean); }
  function read(el) {
    var kind = el.dataset.kind, v = el.value;
    if (kind === 'bool') return el.checked;
    if (kind === 'number') return v === '' ? null : Number(v);
    if (kind === 'nullable') return v.trim() === '' ? null : v.trim();
    if (kind === 'list') return v.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
    if (kind === 'lines') return lines(v);
    if (kind === 'map') { var m = {}; lines(v).forEach(function (line) { var i = line.indexOf('='); m[line.slice(0, i).trim()] = line.slice(i + 1).trim(); }); return m; }
    if (kind === 'plans') {
      var plans = {};
      lines(v).forEach(function (line) {
        var i = line.indexOf('='), p = line.slice(i + 1).split('/');
        function figure(s) { s = (s || '').trim(); return s === '' ? null : Number(s); }
        plans[line.slice(0, i).trim()] = { created: figure(p[0]), converted: figure(p[1]) };
      });
      return plans;
    }
    if (kind === 'workingDays') return lines(v).map(function (line) { var p = line.split(/\\s+/); return p[1] ? { date: p[0], hours: p[1] } : p[0]; });
    if (kind === 'limits') { var o = {}; lines(v).forEach(function (line) { var p = line.split(/\\s+/); (o[p[0]] = o[p[0]] || {})[p[1]] = p[2] || ''; }); return o; }
    if (kind === 'hours') {
      if (el.querySelector('.round').checked) return '24/7';
      var week = {}; el.querySelectorAll('.weekday').forEach(function (d) { week[d.dataset.day] = d.value.trim() || 'off'; }); return week;
    }
    return v;
  }
  function config() {
    var out = {};
    form.querySelectorAll('[data-path]').forEach(function (el) {
      var keys = el.dataset.path.split('.'), at = out;
      keys.slice(0, -1).forEach(function (k) { at = at[k] = at[k] || {}; });
      at[keys[keys.length - 1]] = read(el);
    });
    return out;
  }
  function show(answer) {
    form.querySelectorAll('.invalid').forEach(function (el) { el.classList.remove('invalid'); });
    form.querySelectorAll('.field-error').forEach(function (el) { el.textContent = ''; });
    if (typeof answer.flagged === 'number') document.getElementById('flagged').textContent = answer.flagged;
    if (answer.ok) return;
    // The error goes on the field of its path, or of the nearest setting above it.
    var path = answer.path, el = null;
    while (path && !el) { el = form.querySelector('[data-path="' + path + '"]'); path = path.split('.').slice(0, -1).join('.'); }
    if (el) { el.classList.add('invalid'); form.querySelector('[data-error-for="' + el.dataset.path + '"]').textContent = answer.message; el.focus(); }
    document.getElementById('outcome').textContent = words.invalid;
  }
  function send(path) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-rules-session': session }, body: JSON.stringify({ config: config() }) })
      .then(function (r) { return r.json(); });
  }
  document.getElementById('check').addEventListener('click', function () { send('/app/settings/check').then(show); });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    send('/app/settings/save').then(function (answer) { show(answer); if (answer.ok) document.getElementById('outcome').textContent = words.saved; });
  });
})();
</script>`
}
