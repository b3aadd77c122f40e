// What a robot's answer says in the workflow's log (LOG_MESSAGE) and in its text return values, in both languages.
import type { Text } from '../../rules/types.js'

/** The log lines and texts of the robots' answers; `{x}` are filled by `say`. */
export const ROBOT_WORDS = {
  complies: { ru: 'Правила компании соблюдены.', en: 'The record complies with the company rules.' },
  broken: { ru: 'Нарушено правил: {n}.', en: 'Rules broken: {n}.' },
  nameOk: { ru: 'Название компании «{name}» уже записано по правилам.', en: 'The company name "{name}" already follows the rule.' },
  nameFixed: { ru: 'Название компании исправлено: «{before}» → «{after}».', en: 'Company name corrected: "{before}" → "{after}".' },
  nameLeft: { ru: 'Название компании «{name}» оставлено человеку: {reason}.', en: 'The company name "{name}" is left for a person: {reason}.' },
  noName: { ru: 'У записи нет названия компании: исправлять нечего.', en: 'The record has no company name: nothing to fix.' },
  due: { ru: 'Срок: {due} ({zone}).', en: 'Due: {due} ({zone}).' },
  resumed: { ru: 'Рабочее время: продолжено {at} ({zone}).', en: 'Working time: resumed {at} ({zone}).' },
  notified: { ru: 'Руководитель {name} получит сообщение.', en: 'The supervisor {name} will be told.' },
  noSupervisor: { ru: 'Руководитель ответственного не найден: сообщение не отправлено.', en: "No supervisor of the responsible was found: nothing was sent." },
  gone: { ru: 'Ошибка: запись {document} не найдена (удалена?). Робот не выполнен.', en: 'Error: the record {document} was not found (deleted?). The robot did nothing.' },
  unsupported: { ru: 'Ошибка: робот не работает с документом {document}.', en: 'Error: the robot does not work on the document {document}.' },
  unknownRobot: { ru: 'Ошибка: приложение не знает робота {code}.', en: 'Error: the app has no robot {code}.' },
  unreadable: { ru: 'Ошибка: запись {document} не удалось прочитать ({error}). Робот не выполнен.', en: 'Error: the record {document} could not be read ({error}). The robot did nothing.' },
  badStart: { ru: 'Ошибка: дата «{value}» не распознана (ожидается 30.12.2025 17:00).', en: 'Error: the date "{value}" is not readable (expected 30.12.2025 17:00).' },
  badAmount: { ru: 'Ошибка: «Сколько» должно быть целым числом ≥ 0, а не «{value}».', en: 'Error: "How many" must be a whole number ≥ 0, not "{value}".' },
  noMessage: { ru: 'Ошибка: текст сообщения пуст.', en: 'Error: the message text is empty.' },
} as const satisfies Record<string, Text>

/** A robot's words with their `{x}` filled in, in both languages. */
export function say(words: Text, values: Record<string, string | number> = {}): Text {
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))
  return { ru: fill(words.ru), en: fill(words.en) }
}
