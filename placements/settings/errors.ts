// What the settings' check says about a wrong value, in the administrator's words next to the field (never the file's syntax).
import type { Lang } from './words.js'

type Said = { ru: string; en: string }

// The schemas' messages (src/settings/rule-settings.ts), first match wins.
const MESSAGES: ReadonlyArray<readonly [RegExp, Said]> = [
  [/^must not be negative/, { ru: 'срок должен быть больше нуля', en: 'the time must be more than zero' }],
  [/^must be an ISO-8601 duration/, { ru: 'укажите число', en: 'enter a number' }],
  [/^must be a share between/, { ru: 'доля — от 1 до 99 %', en: 'a share is 1 to 99 %' }],
  [/^must be a share such as/, { ru: 'укажите долю срока в % или время до срока больше нуля', en: 'enter a share of the time in % or a time before the deadline above zero' }],
  [/^must be a cron expression/, { ru: 'выберите день и время', en: 'choose a day and a time' }],
  [/^must be a whole number/, { ru: 'нужно целое число', en: 'a whole number is needed' }],
  [/^must be at least 1/, { ru: 'нужно число не меньше 1', en: 'a number of at least 1 is needed' }],
  [/^must be a number/, { ru: 'укажите число', en: 'enter a number' }],
  [/^must name at least one form|^Too small/i, { ru: 'нужен хотя бы один', en: 'at least one is needed' }],
  [/^must contain a letter/, { ru: 'нужна хотя бы одна буква', en: 'at least one letter is needed' }],
  [/^must not be empty/, { ru: 'не может быть пустым', en: 'must not be empty' }],
  [/^must be a valid regular expression/, { ru: 'шаблон не разобран — проверьте скобки и знаки', en: 'the pattern cannot be read: check its brackets and signs' }],
  [/^must be an IANA time zone/, { ru: 'выберите часовой пояс из списка', en: 'choose a time zone from the list' }],
  [/HH:MM|^is not a weekday/, { ru: 'укажите начало и конец рабочего дня, например с 09:00 до 18:00', en: 'enter when the working day starts and ends, e.g. 09:00 to 18:00' }],
  [/^is also in calendar.daysOff/, { ru: 'этот день уже отмечен выходным', en: 'this day is already marked as a day off' }],
  [/^must be a date/, { ru: 'укажите дату', en: 'enter a date' }],
  [/^must be a user id|^must be a department id|^must be a group id/, { ru: 'выберите из списка', en: 'choose from the list' }],
  [/has no production calendar/, { ru: 'для этой страны нет производственного календаря', en: 'there is no production calendar for this country' }],
  [/^is not a stage of pipeline/, { ru: 'стадия не из этой воронки', en: 'the stage is not of this pipeline' }],
  [/^must be "start" or "anywhere"/, { ru: 'где: «в начале» или «где угодно»', en: 'where: "start" or "anywhere"' }],
  [/^must be true or false/, { ru: 'отметьте или снимите отметку', en: 'tick or untick it' }],
]

const SINCE: Said = { ru: 'укажите дату', en: 'enter a date' }
const FALLBACK: Said = { ru: 'значение не подходит', en: 'this value does not fit' }

/** The check's message for the setting at `path` as the page says it, in the portal's language. */
export function explain(path: string, message: string, l: Lang): string {
  if (path.endsWith('.since')) return SINCE[l]
  const said = MESSAGES.find(([pattern]) => pattern.test(message))?.[1] ?? FALLBACK
  return said[l]
}
