// «Срок в рабочем времени» and «Дождаться рабочего времени»: the due date-time and the moment the step goes on.
import { zoneName } from '../../rules/calendar/zone-names.js'
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import { nextWorkingMoment, workingDue, WORKING_UNITS, type WorkingUnit } from '../../rules/calendar/working-time.js'
import { localTime } from '../notify/messages.js'
import { answer, errorAnswer, propertyText, type RobotAnswer } from './answer.js'
import { isoInZone, parsePortalDateTime } from './dates.js'
import { ROBOT_WORDS, say } from './words.js'

/** The portal's working time: its business calendar and time zone, and the moment of the call. */
export interface WorkingTimeInput {
  now: Date
  calendar: BusinessCalendar
  timeZone: string
}

const both = (at: Date, timeZone: string) => ({ ru: localTime(at.toISOString(), timeZone, 'ru'), en: localTime(at.toISOString(), timeZone, 'en') })

/** `start` (empty: now) + `amount` working `unit`s: returns `due` (ISO 8601 with the portal's offset). */
export function dueAnswer(properties: Readonly<Record<string, string | string[]>>, input: WorkingTimeInput): RobotAnswer {
  const { now, calendar, timeZone } = input
  const startText = propertyText(properties, 'start')
  const start = parsePortalDateTime(startText, timeZone)
  if (start === 'invalid') return errorAnswer(say(ROBOT_WORDS.badStart, { value: startText }))
  const amountText = propertyText(properties, 'amount').trim() || '1'
  const amount = Number(amountText)
  if (!/^\d+$/.test(amountText) || !Number.isSafeInteger(amount)) return errorAnswer(say(ROBOT_WORDS.badAmount, { value: amountText }))
  const unitText = propertyText(properties, 'unit')
  const unit: WorkingUnit = (WORKING_UNITS as readonly string[]).includes(unitText) ? (unitText as WorkingUnit) : 'days'
  const due = workingDue(calendar, start ?? now, { amount, unit })
  const shown = both(due, timeZone)
  return answer({ due: isoInZone(due, timeZone) }, { ru: say(ROBOT_WORDS.due, { due: shown.ru, zone: zoneName(timeZone, 'ru') }).ru, en: say(ROBOT_WORDS.due, { due: shown.en, zone: zoneName(timeZone, 'en') }).en })
}

/** The next working moment (now, during working time): the answer waits for it and returns `resumed_at`. */
export function waitAnswer(input: WorkingTimeInput): RobotAnswer {
  const { now, calendar, timeZone } = input
  const at = nextWorkingMoment(calendar, now)
  const shown = both(at, timeZone)
  const log = { ru: say(ROBOT_WORDS.resumed, { at: shown.ru, zone: zoneName(timeZone, 'ru') }).ru, en: say(ROBOT_WORDS.resumed, { at: shown.en, zone: zoneName(timeZone, 'en') }).en }
  return answer({ resumed_at: isoInZone(at, timeZone) }, log, at.getTime() > now.getTime() ? { resumeAt: at } : {})
}
