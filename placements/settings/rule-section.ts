// One rule's section: its title and what it checks, its mode in words, its own lines, where it applies, and a revert.
import { CATALOGUE, type RuleId } from '../../rules/catalogue.js'
import { MODES } from '../../rules/types.js'
import { html, type Raw } from '../html.js'
import { checks, choice, errorFor, picker } from './controls.js'
import { sourceOptions } from './names.js'
import { ruleLines } from './rule-lines.js'
import { at, pipelineName, type SettingsView } from './view.js'
import { CAN_FIX, DESCRIPTIONS, GROUPS, MODE_WORDS, type Lang } from './words.js'

const WORDS = {
  mode: { ru: 'Что делать', en: 'What to do' },
  scope: { ru: 'Где действует', en: 'Where it applies' },
  since: { ru: 'Записи', en: 'Records' },
  sources: { ru: 'Только лиды из источников (ничего не отмечено — из всех)', en: 'Only leads from these sources (none ticked: all)' },
  pipelines: { ru: 'Только сделки воронок (ничего не отмечено — всех)', en: 'Only deals in these pipelines (none ticked: all)' },
  departments: { ru: 'Только у ответственных из отделов (пусто — у всех)', en: 'Only when the responsible is in these departments (empty: everyone)' },
  revert: { ru: 'Вернуть как в файле', en: 'Back to the file’s values' },
  cannotFix: { ru: 'Исправлять сам (это правило не исправляет — как «Уведомлять»)', en: 'Fix it myself (this rule cannot fix: as Notify)' },
} as const

/** The rules, grouped as leads, deals and tasks. */
export function ruleGroups(view: SettingsView): Raw {
  return html`${GROUPS.map((group) => html`<section class="group"><h2>${group.title[view.lang]}</h2>${group.rules.map((id) => ruleSection(view, id))}</section>`)}`
}

/** A «Вернуть как в файле» button for the settings under `path`. */
export function revertButton(l: Lang, path: string): Raw {
  return html`<button type="button" class="revert link" data-revert="${path}">${WORDS.revert[l]}</button>`
}

function ruleSection(view: SettingsView, id: RuleId): Raw {
  const l = view.lang
  const path = `rules.${id}`
  const rule = at(view.config, path) ?? {}
  const modes = MODES.filter((mode) => mode !== 'autofix' || CAN_FIX.has(id) || rule.mode === 'autofix')
    .map((mode) => [mode, mode === 'autofix' && !CAN_FIX.has(id) ? WORDS.cannotFix[l] : MODE_WORDS[mode][l]] as const)
  return html`<section class="rule" data-section="${path}" id="rule-${id}">
  <h3>${CATALOGUE[id].title[l]}</h3>
  <p class="muted what">${DESCRIPTIONS[id][l]}</p>
  <div class="line">${WORDS.mode[l]}: ${choice(`${path}.mode`, 'text', modes, String(rule.mode))}${errorFor(`${path}.mode`)}</div>
  ${ruleLines(view, id, rule)}
  ${scope(view, id, rule)}
  <p class="rule-foot">${revertButton(l, path)} <span class="flag-count" data-rule="${id}"></span></p>
</section>`
}

function scope(view: SettingsView, id: RuleId, rule: Record<string, any>): Raw {
  const l = view.lang
  const path = `rules.${id}`
  const entities = CATALOGUE[id].entities as readonly string[]
  const since = rule.since ?? null
  const kind = since === null ? '' : since === 'all' ? 'all' : 'date'
  const sinceWords = l === 'ru' ? [['', 'созданные после установки приложения'], ['all', 'все, в том числе старые'], ['date', 'созданные начиная с даты']] as const
    : [['', 'created after the app was installed'], ['all', 'all, old ones too'], ['date', 'created from a date']] as const
  const pipelines = [...new Set(['0', ...view.pipelines.keys(), ...(rule.pipelines ?? []).map(String)])]
  return html`<details class="scope"><summary>${WORDS.scope[l]}</summary>
  <div class="line">${WORDS.since[l]}: <span class="since" data-setting="${path}.since" data-kind="since" data-original="${since ?? ''}"><select class="since-kind">${sinceWords.map(([value, words]) => html`<option value="${value}"${value === kind ? html` selected` : ''}>${words}</option>`)}</select> <input type="date" class="since-date" value="${kind === 'date' ? String(since).slice(0, 10) : ''}"></span>${errorFor(`${path}.since`)}</div>
  ${entities.includes('lead') ? html`<div class="line">${WORDS.sources[l]}: ${checks(`${path}.sources`, sourceOptions(rule.sources ?? [], l), rule.sources)}${errorFor(`${path}.sources`)}</div>` : ''}
  ${entities.includes('deal') ? html`<div class="line">${WORDS.pipelines[l]}: ${checks(`${path}.pipelines`, pipelines.map((p) => [p, pipelineName(view, p)] as const), rule.pipelines)}${errorFor(`${path}.pipelines`)}</div>` : ''}
  <div class="line">${WORDS.departments[l]}: ${picker(view, `${path}.departments`, 'departments', rule.departments)}${errorFor(`${path}.departments`)}</div>
</details>`
}
