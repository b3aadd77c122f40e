// The record tab's section of robot steps: when each ran, which robot, what it answered in words (the log line the
// portal shows; the raw return values are the automation's, with their ids and ISO dates, and stay off the page).
import type { Text } from '../rules/types.js'
import type { RobotStepView } from '../src/queries/robot-steps.js'
import { html, type Raw } from './html.js'

type Lang = keyof Text

const WORDS = {
  title: { ru: 'Роботы', en: 'Robots' },
  none: { ru: 'Роботы приложения на этой записи не запускались.', en: 'No robot of the app ran on this record.' },
  answered: { ru: 'ответ отправлен', en: 'answered' },
  waiting: { ru: 'ответ будет отправлен', en: 'answer goes' },
  deciding: { ru: 'обрабатывается', en: 'in progress' },
  failed: { ru: 'портал не принял ответ', en: 'the portal refused the answer' },
  'not waited': { ru: 'шаг не ждал ответа', en: 'the step did not wait' },
} as const

/** The robot steps as a list, newest first; `when` formats an instant in the portal's time zone. */
export function robotStepsSection(steps: readonly RobotStepView[], l: Lang, when: (at: string) => string): Raw {
  if (steps.length === 0) return html`<section><h2>${WORDS.title[l]}</h2><p class="muted">${WORDS.none[l]}</p></section>`
  return html`<section><h2>${WORDS.title[l]}</h2><ul class="robot-steps">${steps.map((step) => html`
    <li class="robot-step ${step.state.replace(' ', '-')}"><b>«${step.name[l]}»</b> <span class="muted">${when(step.at)}</span>
      <div>${step.logMessage ?? ''}</div>
      <div class="muted">${WORDS[step.state][l]}${step.answerAt && step.state !== 'not waited' && step.state !== 'deciding' ? html` ${when(step.answerAt)}` : ''}</div>
    </li>`)}</ul></section>`
}
