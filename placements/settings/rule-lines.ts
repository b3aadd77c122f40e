// Each rule's own settings as sentences with blanks: deadlines, people, stages, fields.
import type { RuleId } from '../../rules/catalogue.js'
import { DEFAULT_RULES_CONFIG } from '../../rules/defaults.js'
import { html, raw, type Raw } from '../html.js'
import { ladder, timeChoice, warnLine } from './clock-lines.js'
import { check, checks, duration, errorFor, number, picker } from './controls.js'
import { leadFieldOptions } from './names.js'
import { pipelineName, stageName, type SettingsView } from './view.js'
import type { Lang } from './words.js'

type Words = Record<string, { ru: string; en: string }>

const W = {
  within: {
    'LEAD-DISPATCH-SLA': { ru: 'Назначить ответственного за', en: 'Assign a responsible within' },
    'LEAD-CONTACT-SLA': { ru: 'Связаться с клиентом за', en: 'Contact the client within' },
    'DEAL-NEXT-STEP': { ru: 'Запланировать следующий шаг за', en: 'Plan the next step within' },
    'TASK-FEEDBACK-SLA': { ru: 'Отозваться по задаче за', en: 'Answer the task within' },
  } as Words,
  breached: { ru: 'Когда срок прошёл, сообщить:', en: 'When the time is up, tell:' },
  overdue: { ru: 'Когда срок задачи прошёл, ответственному — сразу; затем сообщить:', en: 'When a task is overdue, the responsible at once; then tell:' },
  stuck: { ru: 'Когда сделка задержалась на стадии, ответственному — сразу; затем сообщить:', en: 'When a deal stays too long at a stage, the responsible at once; then tell:' },
  officeUsers: { ru: 'Офис-менеджеры, которые распределяют лиды:', en: 'Office managers who dispatch leads:' },
  officeDepartments: { ru: 'или все сотрудники отделов:', en: 'or everyone in the departments:' },
  paused: { ru: 'На этих стадиях сделка ждёт нарочно — часы стоят:', en: 'At these stages a deal waits on purpose — the clock stops:' },
  limits: { ru: 'Сколько сделка может быть на стадии (пусто — сколько угодно):', en: 'How long a deal may stay at a stage (empty: no limit):' },
  titleAfter: { ru: 'Если название не исправлено за', en: 'If the title is not corrected within' },
  titleThen: { ru: '— сообщить руководителю. Какие названия считаются названиями по умолчанию — в «Дополнительно».', en: '— tell the supervisor. Which titles count as default ones: see Advanced.' },
  required: { ru: 'Обязательные поля:', en: 'Required fields:' },
  exemptCreators: { ru: 'Не проверять задачи, поставленные этими сотрудниками (роботы, бот):', en: 'Skip tasks set by these people (robots, the bot):' },
  exemptCrm: { ru: 'не проверять задачи, привязанные к CRM (их ставят роботы)', en: 'skip tasks bound to CRM records (robots set them)' },
  prefix: { ru: 'Письмо-решение — задача, название которой начинается с', en: 'A letter-decision is a task whose title starts with' },
  prDeadline: { ru: 'Срок — через', en: 'Its deadline is' },
  prDays: { ru: 'рабочих дня после постановки, плюс-минус', en: 'working days after it is set, give or take' },
  maxDays: { ru: 'Срок — не дальше', en: 'The deadline at most' },
  maxDaysAfter: { ru: 'рабочих дней от постановки, с запасом', en: 'working days after it is set, with a margin of' },
  exemptReports: { ru: 'не проверять задачи-отчёты', en: 'skip report tasks' },
  creatorMayObserve: { ru: 'автор задачи может быть наблюдателем своей задачи', en: 'a task’s creator may observe their own task' },
  allowed: { ru: 'Могут наблюдать за любой задачей:', en: 'May observe any task:' },
  window: { ru: 'Задачи одного автора с одним названием, созданные в пределах', en: 'Tasks of one creator with one title, created within' },
  windowAfter: { ru: 'друг от друга, — это одна задача на нескольких ответственных.', en: 'of each other, are one task set for several responsibles.' },
  timeBasis: { ru: 'Считать время:', en: 'Count time:' },
} as const

/** The lines of rule `id` below its mode (none for a rule with nothing more to set). */
export function ruleLines(view: SettingsView, id: RuleId, rule: Record<string, any>): Raw {
  const l = view.lang
  const p = (key: string) => `rules.${id}.${key}`
  const t = (words: { ru: string; en: string }) => words[l]
  const deadline = () => html`<div class="line">${t(W.within[id]!)} ${duration(l, p('within'), rule.within, { basis: rule.time })} ${timeChoice(l, p('time'), rule.time)}${errorFor(p('within'))}</div>
    ${warnLine(l, p('warnAt'), rule.warnAt)}
    ${ladder(l, p('escalate'), rule.escalate, t(W.breached), rule.time)}`
  switch (id) {
    case 'LEAD-TITLE':
      return html`<div class="line">${t(W.titleAfter)} ${duration(l, p('escalateAfter'), rule.escalateAfter, { basis: rule.time })}${errorFor(p('escalateAfter'))} ${timeChoice(l, p('time'), rule.time)} ${t(W.titleThen)}</div>`
    case 'LEAD-FIELDS':
      return html`<div class="line">${t(W.required)} ${checks(p('required'), leadFieldOptions(rule.required ?? [], DEFAULT_RULES_CONFIG.rules['LEAD-FIELDS'].required, l), rule.required)}${errorFor(p('required'))}</div>`
    case 'LEAD-DISPATCH-SLA':
      return html`${deadline()}
        <div class="line">${t(W.officeUsers)} ${picker(view, p('officeManagers.users'), 'users', rule.officeManagers?.users)}${errorFor(p('officeManagers.users'))}</div>
        <div class="line">${t(W.officeDepartments)} ${picker(view, p('officeManagers.departments'), 'departments', rule.officeManagers?.departments)}${errorFor(p('officeManagers.departments'))}</div>`
    case 'LEAD-CONTACT-SLA': case 'TASK-FEEDBACK-SLA':
      return deadline()
    case 'DEAL-NEXT-STEP':
      return html`${deadline()}<div class="line">${t(W.paused)} ${checks(p('pausedStages'), stageOptions(view, rule.pausedStages ?? []), rule.pausedStages)}${errorFor(p('pausedStages'))}</div>`
    case 'DEAL-STAGE-STUCK':
      return html`${limits(view, p('limits'), rule.limits ?? {}, rule.time)}
        <div class="line">${t(W.timeBasis)} ${timeChoice(l, p('time'), rule.time)}</div>
        ${warnLine(l, p('warnAt'), rule.warnAt)}
        ${ladder(l, p('escalate'), rule.escalate, t(W.stuck), rule.time)}`
    case 'TASK-OVERDUE':
      return html`${ladder(l, p('escalate'), rule.escalate, t(W.overdue), rule.time)}<div class="line">${t(W.timeBasis)} ${timeChoice(l, p('time'), rule.time)}</div>`
    case 'TASK-PREFIX':
      return html`<div class="line">${t(W.exemptCreators)} ${picker(view, p('exemptCreators'), 'users', rule.exemptCreators)}${errorFor(p('exemptCreators'))}</div>
        <div class="line">${check(p('exemptCrmBound'), rule.exemptCrmBound, t(W.exemptCrm))}</div>`
    case 'TASK-PR-FORM':
      return html`<div class="line">${t(W.prefix)} <input class="short" data-setting="${p('prefix')}" data-kind="text" value="${rule.prefix ?? ''}">${errorFor(p('prefix'))}</div>
        <div class="line">${t(W.prDeadline)} ${number(p('deadlineDays'), rule.deadlineDays, ' min="1" step="1"')}${errorFor(p('deadlineDays'))} ${t(W.prDays)} ${duration(l, p('tolerance'), rule.tolerance)}${errorFor(p('tolerance'))}</div>`
    case 'TASK-OBSERVER':
      return html`<div class="line">${check(p('creatorMayObserve'), rule.creatorMayObserve, t(W.creatorMayObserve))}</div>
        <div class="line">${t(W.allowed)} ${picker(view, p('allowed'), 'users', rule.allowed)}${errorFor(p('allowed'))}</div>`
    case 'TASK-DEADLINE':
      return html`<div class="line">${t(W.maxDays)} ${number(p('maxDays'), rule.maxDays, ' min="1" step="1"')}${errorFor(p('maxDays'))} ${t(W.maxDaysAfter)} ${duration(l, p('tolerance'), rule.tolerance)}${errorFor(p('tolerance'))} ${timeChoice(l, p('time'), rule.time)}</div>
        <div class="line">${check(p('exemptReports'), rule.exemptReports, t(W.exemptReports))}</div>`
    case 'TASK-ONE-RESPONSIBLE':
      return html`<div class="line">${t(W.window)} ${duration(l, p('window'), rule.window)}${errorFor(p('window'))} ${t(W.windowAfter)}</div>`
    default:
      return raw('')
  }
}

// Every stage the portal names, and any the settings still name that it no longer has.
function stageOptions(view: SettingsView, chosen: readonly string[]): Array<[string, string]> {
  const ids = [...new Set([...view.stages.keys(), ...chosen])].sort((a, b) => Number(pipelineOf(a)) - Number(pipelineOf(b)))
  return ids.map((id) => [id, `${pipelineName(view, pipelineOf(id))}: ${stageName(view, id)}`])
}

function pipelineOf(stage: string): string {
  return /^C(\d+):/.exec(stage)?.[1] ?? '0'
}

// Pipeline → stage → the longest stay: one row a stage, grouped by pipeline.
function limits(view: SettingsView, path: string, value: Record<string, Record<string, string>>, basis: unknown): Raw {
  const l = view.lang
  const stages = [...new Set([...view.stages.keys(), ...Object.values(value).flatMap((byStage) => Object.keys(byStage))])]
    .sort((a, b) => Number(pipelineOf(a)) - Number(pipelineOf(b)))
  return html`<div class="line">${W.limits[l]}<table class="limits" data-setting="${path}" data-kind="limits">${stages.map((stage) => html`<tr data-pipeline="${pipelineOf(stage)}" data-stage="${stage}"><th>${pipelineName(view, pipelineOf(stage))}: ${stageName(view, stage)}</th><td>${duration(l, null, value[pipelineOf(stage)]?.[stage] ?? null, { optional: true, basis })}</td></tr>`)}</table>${errorFor(path)}</div>`
}

