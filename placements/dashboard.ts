// The app's page for supervisors: violations by rule and by manager this week against last week, deadlines met,
// the oldest open violations with links, and a four-week trend drawn on the server; or a polite page for others.
import type { Text } from '../rules/types.js'
import type { Attainment, Dashboard, WeekRow } from '../src/queries/dashboard.js'
import { barChart } from './chart.js'
import { APP_FAILED, REQUEST_ID } from './failure.js'
import { html, page, raw, type Raw } from './html.js'
import { recordLink } from './record-link.js'
import { PORTAL_FRAME, PORTAL_STYLE } from './style.js'
import { KIND } from '../src/notify/messages.js'

type Lang = keyof Text

const WORDS = {
  title: { ru: 'Панель руководителя', en: "Supervisor's dashboard" },
  everyone: { ru: 'Все отделы', en: 'Every department' },
  yourPeople: { ru: 'Ваши сотрудники', en: 'Your people' },
  weeks: { ru: 'Эта неделя — с', en: 'This week from' },
  lastWeekFrom: { ru: 'прошлая — с', en: 'last week from' },
  byRule: { ru: 'Нарушения по правилам', en: 'Violations by rule' },
  byManager: { ru: 'Нарушения по менеджерам', en: 'Violations by manager' },
  rule: { ru: 'Правило', en: 'Rule' },
  manager: { ru: 'Менеджер', en: 'Manager' },
  thisWeek: { ru: 'Эта неделя', en: 'This week' },
  lastWeek: { ru: 'Прошлая неделя', en: 'Last week' },
  change: { ru: 'Изменение', en: 'Change' },
  total: { ru: 'Всего', en: 'Total' },
  none: { ru: 'Нарушений не было.', en: 'No violations.' },
  deadlines: { ru: 'Сроки', en: 'Deadlines' },
  inTime: { ru: 'Вовремя', en: 'In time' },
  met: { ru: 'соблюдено', en: 'met' },
  missed: { ru: 'просрочено', en: 'missed' },
  noDeadlines: { ru: 'сроков не было', en: 'no deadlines' },
  worst: { ru: 'Самые давние открытые нарушения', en: 'The oldest open violations' },
  noOpen: { ru: 'Открытых нарушений нет.', en: 'No open violations.' },
  shown: { ru: 'показаны', en: 'showing' },
  of: { ru: 'из', en: 'of' },
  opened: { ru: 'открыто', en: 'opened' },
  trend: { ru: 'Нарушения по дням за 4 недели', en: 'Violations a day, last 4 weeks' },
  settings: { ru: 'Настройки правил', en: 'Rule settings' },
  openSettings: { ru: 'Открыть настройки', en: 'Open the settings' },
  notForYou: { ru: 'Эта страница — для руководителей', en: 'This page is for supervisors' },
  notForYouText: {
    ru: 'Здесь руководитель отдела видит нарушения правил своих сотрудников. Свои нарушения вы видите во вкладке «Правила» в карточке сделки или лида и в уведомлениях.',
    en: "Here a department's head sees their people's violations of the rules. You see your own in the «Rules» tab of a deal or lead card and in notifications.",
  },
} as const

/** What the dashboard page needs besides its data. */
export interface DashboardOptions {
  lang: Lang
  /** The portal's origin, for links to records. */
  origin: string
  timeZone: string
  /** 'all' for an administrator, otherwise how many people the viewer sees. */
  scope: 'all' | number
  isAdmin: boolean
  /** The viewer's page session (the settings page is fetched with it). */
  session: string
  /** Above the page outside the portal: who is signed in. */
  banner?: Raw
}

/** The whole dashboard page. */
export function dashboardPage(data: Dashboard, options: DashboardOptions): string {
  const l = options.lang
  const locale = l === 'ru' ? 'ru-RU' : 'en-GB'
  const date = (at: string) => new Intl.DateTimeFormat(locale, { timeZone: options.timeZone, day: '2-digit', month: '2-digit' }).format(new Date(at))
  const when = (at: string) => new Intl.DateTimeFormat(locale, { timeZone: options.timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(at))
  const body = html`
${options.banner ?? ''}
<main class="dashboard">
  <header><h1>${WORDS.title[l]}</h1><span class="muted scope">${options.scope === 'all' ? WORDS.everyone[l] : html`${WORDS.yourPeople[l]}: ${options.scope}`}</span></header>
  <p class="muted weeks">${WORDS.weeks[l]} ${date(data.thisWeekFrom)}, ${WORDS.lastWeekFrom[l]} ${date(data.lastWeekFrom)}</p>
  <section class="by-rule"><h2>${WORDS.byRule[l]}</h2>${table(data.byRule, data.totals, WORDS.rule[l], l)}</section>
  <section class="by-manager"><h2>${WORDS.byManager[l]}</h2>${table(data.byManager, data.totals, WORDS.manager[l], l)}</section>
  <section class="deadlines"><h2>${WORDS.deadlines[l]}</h2>
    <table class="grid attainment"><thead><tr><th></th><th>${WORDS.thisWeek[l]}</th><th>${WORDS.lastWeek[l]}</th></tr></thead><tbody>
      <tr><th>${WORDS.inTime[l]}</th><td class="share">${share(data.attainment.thisWeek, l)}</td><td class="share">${share(data.attainment.lastWeek, l)}</td></tr>
      <tr><th>${WORDS.met[l]}</th><td>${data.attainment.thisWeek.met}</td><td>${data.attainment.lastWeek.met}</td></tr>
      <tr><th>${WORDS.missed[l]}</th><td>${data.attainment.thisWeek.missed}</td><td>${data.attainment.lastWeek.missed}</td></tr>
    </tbody></table></section>
  <section class="worst"><h2>${WORDS.worst[l]}</h2>${data.worst.length === 0 ? html`<p class="muted">${WORDS.noOpen[l]}</p>` : html`
    ${data.outstanding > data.worst.length ? html`<p class="muted">${WORDS.shown[l]} ${data.worst.length} ${WORDS.of[l]} ${data.outstanding}</p>` : ''}
    <ol class="items">${data.worst.map((item) => html`
      <li class="item" data-violation="${item.violationId}">${recordLink(options.origin, item.path, itemLabel(item, l))}
        — ${item.rule[l]} <span class="muted">${item.ruleId}</span><div class="muted">${item.responsible}${item.responsible ? ' · ' : ''}${WORDS.opened[l]} ${when(item.openedAt)}</div></li>`)}
    </ol>`}</section>
  <section class="trend"><h2>${WORDS.trend[l]}</h2>
    ${barChart(data.trend.map((point) => ({ label: dayLabel(point.day), value: point.count, title: `${dayLabel(point.day)}: ${point.count}` })), { label: WORDS.trend[l] })}</section>
  ${reportForm(l, options.session, localDay(data.lastWeekFrom, options.timeZone), localDay(new Date(Date.parse(data.thisWeekFrom) - 1).toISOString(), options.timeZone))}
  ${options.isAdmin ? settingsLink(l, options.session) : ''}
</main>`
  return page({ lang: l, title: WORDS.title[l], body, scripts: PORTAL_FRAME, style: raw(PORTAL_STYLE.text + STYLE.text) })
}

/** The page for a viewer who supervises nobody: what the dashboard is for, and nobody's numbers. */
export function notSupervisorPage(lang: Lang, banner?: Raw): string {
  const body = html`${banner ?? ''}<main class="dashboard not-supervisor"><h1>${WORDS.notForYou[lang]}</h1><p>${WORDS.notForYouText[lang]}</p></main>`
  return page({ lang, title: WORDS.notForYou[lang], body, scripts: PORTAL_FRAME, style: raw(PORTAL_STYLE.text + STYLE.text) })
}

// «Сделка «Вектор: стойка»», or the record's number when it has no title.
function itemLabel(item: Dashboard['worst'][number], l: Lang): string {
  const kind = KIND[item.entity as keyof typeof KIND]?.[l] ?? item.entity
  return `${kind} «${item.recordTitle || `#${item.entityId}`}»`
}

function table(rows: WeekRow[], totals: Dashboard['totals'], heading: string, l: Lang): Raw {
  if (rows.length === 0) return html`<p class="muted">${WORDS.none[l]}</p>`
  return html`<table class="grid"><thead><tr><th>${heading}</th><th>${WORDS.thisWeek[l]}</th><th>${WORDS.lastWeek[l]}</th><th>${WORDS.change[l]}</th></tr></thead><tbody>${rows.map((row) => html`
    <tr data-key="${row.key}"><th>${row.label[l]}</th><td>${row.thisWeek}</td><td>${row.lastWeek}</td>${change(row.thisWeek - row.lastWeek)}</tr>`)}
  </tbody><tfoot><tr><th>${WORDS.total[l]}</th><td>${totals.thisWeek}</td><td>${totals.lastWeek}</td>${change(totals.thisWeek - totals.lastWeek)}</tr></tfoot></table>`
}

// More violations than last week is worse: red; fewer, green.
function change(delta: number): Raw {
  if (delta > 0) return html`<td class="change up">+${delta}</td>`
  if (delta < 0) return html`<td class="change down">−${-delta}</td>`
  return html`<td class="change">0</td>`
}

function share(attainment: Attainment, l: Lang): string {
  if (attainment.share === null) return WORDS.noDeadlines[l]
  return `${Math.round(attainment.share * 100)} %`
}

// «01.12» from 2026-12-01: the trend's days are the portal's local dates already.
function dayLabel(day: string): string {
  return `${day.slice(8, 10)}.${day.slice(5, 7)}`
}

// YYYY-MM-DD of an instant in the portal's zone.
function localDay(at: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at))
}

// A string as a JavaScript literal inside a <script>.
function json(text: string): Raw {
  return raw(JSON.stringify(text).replace(/</g, '\\u003c'))
}

// The Excel report of any period [from, to), last week by default: fetched with the page session, saved as a file.
function reportForm(l: Lang, session: string, from: string, to: string): Raw {
  const words = l === 'ru' ? { title: 'Отчёт в Excel', from: 'С', to: 'по', get: 'Скачать' } : { title: 'Excel report', from: 'From', to: 'to', get: 'Download' }
  return html`<section class="report" id="report"><h2>${words.title}</h2>
<form id="report-form" data-session="${session}"><label>${words.from} <input type="date" name="from" value="${from}" required></label>
<label>${words.to} <input type="date" name="to" value="${to}" required></label> <button type="submit" class="ui-btn">${words.get}</button>
<span class="muted" id="report-error"></span></form>
<script>
var reportFailed = ${json(APP_FAILED[l])}, reportRequestId = ${json(REQUEST_ID[l])};
document.getElementById('report-form').addEventListener('submit', function (event) {
  event.preventDefault();
  var form = event.target, error = document.getElementById('report-error');
  error.textContent = '';
  fetch('/app/reports/download', { method: 'POST', headers: { 'content-type': 'application/json', 'x-rules-session': form.dataset.session },
    body: JSON.stringify({ from: form.elements.from.value, to: form.elements.to.value }) })
    .then(function (r) {
      // A failure of the app (5xx) is told in the page's words with the request id; a 4xx says what was wrong.
      if (!r.ok) return r.json().catch(function () { return {}; }).then(function (e) {
        throw new Error(r.status >= 500 ? reportFailed + (e.requestId ? ' ' + reportRequestId + ': ' + e.requestId : '') : e.message || r.status);
      });
      var name = /filename\*=UTF-8''([^;]+)/.exec(r.headers.get('content-disposition') || '');
      return r.blob().then(function (blob) {
        var a = document.createElement('a');
        a.href = URL.createObjectURL(blob); a.download = name ? decodeURIComponent(name[1]) : 'report.xlsx';
        document.body.appendChild(a); a.click(); a.remove();
      });
    }).catch(function (e) { error.textContent = e.message; });
});
</script></section>`
}

// An administrator opens the rules' settings from here: the page is fetched with the page session and replaces this one.
function settingsLink(l: Lang, session: string): Raw {
  return html`<section class="settings" id="settings"><h2>${WORDS.settings[l]}</h2>
<button type="button" class="ui-btn" id="open-settings" data-session="${session}">${WORDS.openSettings[l]}</button>
<script>
document.getElementById('open-settings').addEventListener('click', function (event) {
  fetch('/app/settings/page', { method: 'POST', headers: { 'x-rules-session': event.target.dataset.session } })
    .then(function (r) { return r.text(); }).then(function (page) { document.open(); document.write(page); document.close(); });
});
</script></section>`
}

const STYLE = raw(`
table.grid { border-collapse: collapse; width: 100%; max-width: 640px; } .grid th, .grid td { padding: 5px 10px; border-bottom: 1px solid #eef2f4; text-align: right; }
.grid th:first-child { text-align: left; font-weight: normal; } .grid thead th { color: var(--ui-color-muted); font-weight: 600; font-size: 12px; }
.grid tfoot th, .grid tfoot td { font-weight: 600; } .change.up { color: var(--ui-color-danger); } .change.down { color: var(--ui-color-success); }
.share { font-weight: 600; } ol.items { padding-left: 20px; margin: 0; } ol.items li { padding: 6px 0; border-bottom: 1px solid #eef2f4; }
.chart .bar { fill: var(--ui-color-primary); } .chart .bar.zero { fill: #dfe3e6; } .chart .axis { stroke: #c6cdd3; }
.chart text { font-size: 10px; fill: var(--ui-color-muted); } .chart .value { fill: var(--ui-color-base); }
`)

