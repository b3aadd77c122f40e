// Fixed titles of the portal's standard lead fields and lead sources (the app mirrors no field titles of its own).
import type { Lang } from './words.js'

const LEAD_FIELDS: Readonly<Record<string, readonly [string, string]>> = {
  TITLE: ['Название лида', 'Lead title'], COMPANY_TITLE: ['Название компании', 'Company name'], NAME: ['Имя', 'First name'],
  LAST_NAME: ['Фамилия', 'Last name'], SECOND_NAME: ['Отчество', 'Middle name'], PHONE: ['Телефон', 'Phone'], EMAIL: ['E-mail', 'E-mail'],
  COMMENTS: ['Комментарий', 'Comment'], ADDRESS: ['Адрес', 'Address'], WEB: ['Сайт', 'Website'], POST: ['Должность', 'Position'],
  IM: ['Мессенджер', 'Messenger'], SOURCE_ID: ['Источник', 'Source'], OPPORTUNITY: ['Сумма', 'Amount'], BIRTHDATE: ['Дата рождения', 'Birth date'],
}

const SOURCES: Readonly<Record<string, readonly [string, string]>> = {
  CALL: ['Звонок', 'Call'], EMAIL: ['Электронная почта', 'E-mail'], WEB: ['Веб-сайт', 'Website'], ADVERTISING: ['Реклама', 'Advertising'],
  PARTNER: ['Существующий клиент', 'Existing client'], RECOMMENDATION: ['По рекомендации', 'Recommendation'], TRADE_SHOW: ['Выставка', 'Trade show'],
  WEBFORM: ['CRM-форма', 'CRM form'], CALLBACK: ['Обратный звонок', 'Callback'], RC_GENERATOR: ['Генератор продаж', 'Sales generator'],
  STORE: ['Интернет-магазин', 'Online store'], OTHER: ['Другое', 'Other'],
}

/** A lead field's title; several alternatives («NAME|LAST_NAME») as «Имя или Фамилия»; a custom field as «поле UF_…». */
export function leadFieldTitle(code: string, l: Lang): string {
  const one = (field: string) => LEAD_FIELDS[field]?.[l === 'ru' ? 0 : 1] ?? `${l === 'ru' ? 'поле' : 'field'} ${field}`
  return code.split('|').map(one).join(l === 'ru' ? ' или ' : ' or ')
}

/** The lead fields offered as required: the settings' own, the defaults', then every standard field. */
export function leadFieldOptions(chosen: readonly string[], defaults: readonly string[], l: Lang): Array<[string, string]> {
  const codes = [...new Set([...chosen, ...defaults, ...Object.keys(LEAD_FIELDS)])]
  return codes.map((code) => [code, leadFieldTitle(code, l)])
}

/** The standard lead sources and any other the settings name. */
export function sourceOptions(chosen: readonly string[], l: Lang): Array<[string, string]> {
  const codes = [...new Set([...Object.keys(SOURCES), ...chosen])]
  return codes.map((code) => [code, SOURCES[code]?.[l === 'ru' ? 0 : 1] ?? `${l === 'ru' ? 'источник' : 'source'} ${code}`])
}
