// A deadline as sentences with blanks: the allowed time, working time or round the clock, the warning, the ladder.
import { html, type Raw } from '../html.js'
import { choice, duration, errorFor } from './controls.js'
import { durationParts } from './duration.js'
import type { Lang } from './words.js'

/** Who each step of an escalation ladder tells, in order. */
export const STEP_WORDS = {
  ru: ['руководителю', 'его руководителю', 'руководителю следующего уровня'],
  en: ['the supervisor', 'their supervisor', 'the next supervisor up'],
} as const

/** Working time or every minute, as words. */
export function timeChoice(l: Lang, path: string, value: unknown): Raw {
  const options = l === 'ru'
    ? [['working', 'рабочего времени'], ['24/7', 'круглосуточно, все часы подряд']] as const
    : [['working', 'of working time'], ['24/7', 'round the clock, every hour']] as const
  return html`${choice(path, 'text', options, String(value))}${errorFor(path)}`
}

/** «предупредить на [80] % срока» (empty: no warning) and any warnings given as a time before the deadline. */
export function warnLine(l: Lang, path: string, value: unknown): Raw {
  const points = Array.isArray(value) ? value.map(String) : []
  const share = points.find((point) => point.endsWith('%'))
  const before = points.filter((point) => !point.endsWith('%'))
  const words = l === 'ru' ? { warn: 'Предупредить ответственного, когда пройдёт', of: '% срока', and: 'и за', ahead: 'до срока', none: '(пусто — не предупреждать)' }
    : { warn: 'Warn the responsible when', of: '% of the time has passed', and: 'and', ahead: 'before the deadline', none: '(empty: no warning)' }
  return html`<div class="line">${words.warn} <span class="warn" data-setting="${path}" data-kind="warn">${shareBox(share)}${words.of}${before.map((item) => html` ${words.and} ${duration(l, null, item)} ${words.ahead}`)}</span> <span class="muted">${words.none}</span>${errorFor(path)}</div>`
}

function shareBox(share: string | undefined): Raw {
  return html`<input type="number" class="share" min="0" max="100" step="any" value="${share === undefined ? '' : share.slice(0, -1)}"> `
}

/** The escalation ladder: «руководителю — сразу, его руководителю — через [1] [час]», steps added and removed. */
export function ladder(l: Lang, path: string, value: unknown, lead: string, basis: unknown): Raw {
  const steps = Array.isArray(value) ? value : []
  const words = l === 'ru' ? { after: 'через', add: '+ ещё ступень', none: 'никому не сообщать' } : { after: 'after', add: '+ one more step', none: 'tell nobody' }
  return html`<div class="line">${lead} <span class="ladder" data-setting="${path}" data-kind="ladder" data-none="${words.none}">${steps.map((step, index) => stepHtml(l, index, step, words.after, basis))}</span>
    <button type="button" class="add-step link">${words.add}</button>${errorFor(path)}
    <template class="step-template">${stepHtml(l, 0, 'PT1H', words.after, basis)}</template></div>`
}

function stepHtml(l: Lang, index: number, iso: unknown, after: string, basis: unknown): Raw {
  const who = STEP_WORDS[l][Math.min(index, 2)]
  const now = durationParts(iso).ms === 0
  return html`<span class="step"><span class="sep">, </span><span class="who">${who}</span> — <span class="after"${now ? html` hidden` : ''}>${after}</span> ${duration(l, null, iso, { now: true, basis })}<button type="button" class="remove-step link" title="${l === 'ru' ? 'Убрать ступень' : 'Remove the step'}">×</button></span>`
}
