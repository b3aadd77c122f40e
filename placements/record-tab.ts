// The «Правила» tab of a deal or lead card: the record's compliance at a glance, its running deadlines ticking in
// working time, its violations with who was told, its tasks; re-check now, and excuse for a supervisor.
import { pathOf } from '../rules/record.js'
import type { Text } from '../rules/types.js'
import type { RecordStatus, RuleVerdict } from '../src/queries/record-status.js'
import { html, page, raw, type Raw } from './html.js'
import { recordLink } from './record-link.js'
import { robotStepsSection } from './robot-steps.js'
import { PORTAL_FRAME, PORTAL_STYLE } from './style.js'
import { KIND } from '../src/notify/messages.js'

type Lang = keyof Text

const WORDS = {
  title: { ru: 'Правила компании', en: 'Company rules' },
  unknown: { ru: 'Приложение ещё не видело эту запись: она появится после ближайшей сверки или изменения.', en: 'The app has not seen this record yet: it appears after the next sweep or change.' },
  rules: { ru: 'Правила', en: 'Rules' },
  clocks: { ru: 'Сроки', en: 'Deadlines' },
  noClocks: { ru: 'Сейчас сроки не идут.', en: 'No deadline is running.' },
  violations: { ru: 'Нарушения', en: 'Violations' },
  noViolations: { ru: 'Нарушений нет.', en: 'No violations.' },
  tasks: { ru: 'Задачи по записи', en: "The record's tasks" },
  noTasks: { ru: 'Задач нет.', en: 'No tasks.' },
  recheck: { ru: 'Проверить сейчас', en: 'Check now' },
  excuse: { ru: 'Снять с причиной', en: 'Excuse with a reason' },
  reason: { ru: 'Причина', en: 'Reason' },
  due: { ru: 'срок', en: 'due' },
  left: { ru: 'осталось', en: 'left' },
  overdue: { ru: 'просрочено', en: 'overdue' },
  toSupervisor: { ru: 'просрочено; руководителю сообщат через', en: 'overdue; the supervisor is told in' },
  paused: { ru: 'на паузе', en: 'paused' },
  opened: { ru: 'открыто', en: 'opened' },
  closed: { ru: 'закрыто', en: 'closed' },
  told: { ru: 'сообщено', en: 'told' },
  nobodyTold: { ru: 'никому не сообщалось', en: 'nobody was told' },
  excused: { ru: 'снято', en: 'excused' },
  responsible: { ru: 'Ответственный', en: 'Responsible' },
  open: { ru: 'открыта', en: 'open' },
  done: { ru: 'закрыта', en: 'closed' },
} as const

const STATE: Record<RuleVerdict['state'], Text> = {
  passed: { ru: 'соблюдено', en: 'passed' },
  failed: { ru: 'нарушено', en: 'failed' },
  waiting: { ru: 'идёт срок', en: 'deadline running' },
  excused: { ru: 'снято руководителем', en: 'excused' },
  off: { ru: 'не проверяется', en: 'not checked' },
}

const RESOLUTION: Record<string, Text> = {
  complies: { ru: 'исправлено', en: 'put right' },
  'no longer applies': { ru: 'правило больше не применяется', en: 'no longer applies' },
  'record deleted': { ru: 'запись удалена', en: 'record deleted' },
}

/** What the tab page needs besides the status. */
export interface RecordTabOptions {
  lang: Lang
  /** The portal's origin, for links to records. */
  origin: string
  timeZone: string
  session: string
  canExcuse: boolean
}

/** The whole tab page. */
export function recordTabPage(status: RecordStatus, options: RecordTabOptions): string {
  const l = options.lang
  const when = (at: string) => new Intl.DateTimeFormat(l === 'ru' ? 'ru-RU' : 'en-GB', { timeZone: options.timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(at))
  const body = html`
<main class="rules" data-entity="${status.entity}" data-id="${status.id}" data-as-of="${status.asOf}">
  <header><h1>${WORDS.title[l]}</h1><button type="button" class="ui-btn" id="recheck">${WORDS.recheck[l]}</button></header>
  ${status.known ? '' : html`<p class="note">${WORDS.unknown[l]}</p>`}
  ${status.known ? html`<p class="record">${KIND[status.entity][l]} «${status.title}»${status.responsible ? html` · <span class="muted">${WORDS.responsible[l]}: ${status.responsible}</span>` : ''}</p>` : ''}
  <section><h2>${WORDS.rules[l]}</h2><ul class="verdicts">${status.rules.map((rule) => html`
    <li class="verdict ${rule.state}"><span class="badge">${STATE[rule.state][l]}</span> <b>${rule.title[l]}</b> <span class="muted">${rule.ruleId}</span>${rule.reason ? html`<div class="reason">${rule.reason[l]}</div>` : ''}</li>`)}
  </ul></section>
  <section><h2>${WORDS.clocks[l]}</h2>${status.clocks.length === 0 ? html`<p class="muted">${WORDS.noClocks[l]}</p>` : html`<ul class="clocks">${status.clocks.map((clock) => html`
    <li class="clock${clock.breachedAt ? ' late' : ''}" data-periods="${JSON.stringify(clock.periods)}" data-label="${clock.target === 'escalation' ? WORDS.toSupervisor[l] : WORDS.left[l]}"><b>${clock.title[l]}</b>: ${WORDS.due[l]} ${when(clock.dueAt)},
      <span class="left" data-paused="${clock.paused || clock.target === null ? '1' : ''}">${clock.paused ? WORDS.paused[l] : clock.target === null || clock.leftMs <= 0 ? WORDS.overdue[l] : `${clock.target === 'escalation' ? WORDS.toSupervisor[l] : WORDS.left[l]} ${span(clock.leftMs, l)}`}</span></li>`)}</ul>`}</section>
  <section><h2>${WORDS.violations[l]}</h2>${status.violations.length === 0 ? html`<p class="muted">${WORDS.noViolations[l]}</p>` : html`<ul class="violations">${status.violations.map((violation) => html`
    <li class="violation${violation.resolvedAt ? ' past' : ''}" data-violation="${violation.id}"><b>${violation.title[l]}</b> <span class="muted">${violation.ruleId}</span>
      <div>${violation.problem[l]}</div>
      <div class="muted">${WORDS.opened[l]} ${when(violation.openedAt)}${violation.resolvedAt ? html`; ${WORDS.closed[l]} ${when(violation.resolvedAt)} (${RESOLUTION[violation.resolution ?? '']?.[l] ?? violation.resolution})` : ''}</div>
      <div class="muted told">${violation.told.length === 0 ? WORDS.nobodyTold[l] : html`${WORDS.told[l]}: ${violation.told.map((told, i) => html`${i > 0 ? ', ' : ''}${told.name} (${when(told.at)})`)}`}</div>
      ${violation.excused ? html`<div class="excused">${WORDS.excused[l]}: ${violation.excused.by}, ${when(violation.excused.at)} — «${violation.excused.reason}»</div>` : ''}
      ${options.canExcuse && !violation.resolvedAt && !violation.excused ? html`<form class="excuse"><input name="reason" required maxlength="500" placeholder="${WORDS.reason[l]}" aria-label="${WORDS.reason[l]}"> <button class="ui-btn light">${WORDS.excuse[l]}</button></form>` : ''}
    </li>`)}</ul>`}</section>
  <section><h2>${WORDS.tasks[l]}</h2>${status.tasks.length === 0 ? html`<p class="muted">${WORDS.noTasks[l]}</p>` : html`<ul class="tasks">${status.tasks.map((task) => html`
    <li class="task${task.overdue ? ' late' : ''}">${recordLink(options.origin, pathOf('task', task.id), task.title)} — ${task.responsible}, ${task.closed ? WORDS.done[l] : WORDS.open[l]}${task.deadline ? html`, ${WORDS.due[l]} ${when(task.deadline)}` : ''}</li>`)}</ul>`}</section>
  ${robotStepsSection(status.robots, l, when)}
</main>`
  return page({ lang: l, title: WORDS.title[l], body, scripts: script(options, l), style: PORTAL_STYLE })
}

// Whole minutes, hours and days, as the tab shows time left.
function span(ms: number, l: Lang): string {
  const minutes = Math.ceil(ms / 60_000)
  if (minutes < 60) return l === 'ru' ? `${minutes} мин` : `${minutes} min`
  const hours = Math.floor(minutes / 60)
  return l === 'ru' ? `${hours} ч ${minutes % 60} мин` : `${hours} h ${minutes % 60} min`
}

// The page's script: its session for its own requests, the clocks ticking in working time, the portal's frame API.
function script(options: RecordTabOptions, l: Lang): Raw {
  const words = { overdue: WORDS.overdue[l], min: l === 'ru' ? 'мин' : 'min', h: l === 'ru' ? 'ч' : 'h' }
  return html`${PORTAL_FRAME}
<script>
(function () {
  var session = ${raw(JSON.stringify(options.session).replace(/</g, '\\u003c'))};
  var words = ${raw(JSON.stringify(words).replace(/</g, '\\u003c'))};
  var main = document.querySelector('main.rules');
  function call(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-rules-session': session }, body: JSON.stringify(body) })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); });
  }
  function replace(page) { document.open(); document.write(page); document.close(); }
  document.getElementById('recheck').addEventListener('click', function () {
    call('/placements/api/recheck', { entity: main.dataset.entity, id: main.dataset.id }).then(replace);
  });
  document.querySelectorAll('form.excuse').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var id = Number(form.closest('[data-violation]').dataset.violation);
      call('/placements/api/excuse', { violationId: id, reason: form.reason.value, entity: main.dataset.entity, recordId: main.dataset.id }).then(replace);
    });
  });
  // Working time left: the sum of what remains of the working periods up to the deadline, on the app's clock
  // (the time the page was built, moved on by the time it has been open), not the browser's.
  var asOf = Number(main.dataset.asOf), openedAt = performance.now();
  function tick() {
    var now = asOf + (performance.now() - openedAt);
    document.querySelectorAll('li.clock').forEach(function (li) {
      if (li.querySelector('.left').dataset.paused === '1') return;
      var left = JSON.parse(li.dataset.periods).reduce(function (sum, p) { return sum + Math.max(0, p[1] - Math.max(p[0], now)); }, 0);
      var minutes = Math.ceil(left / 60000);
      li.querySelector('.left').textContent = left <= 0 ? words.overdue : li.dataset.label + ' ' + (minutes < 60 ? minutes + ' ' + words.min : Math.floor(minutes / 60) + ' ' + words.h + ' ' + (minutes % 60) + ' ' + words.min);
    });
  }
  setInterval(tick, 15000);
})();
</script>`
}
