// The app's robots (steps of the portal's automation) as data, in the shape bizproc.robot.add takes.
import { RULE_IDS } from '../../rules/catalogue.js'

/** Text in both languages the portal shows ("a string or an associative array of localized strings"). */
export interface Localized {
  ru: string
  en: string
}

/** The property types of bizproc-robot-add.md's PROPERTY object that the robots use. */
export type RobotPropertyType = 'bool' | 'datetime' | 'int' | 'select' | 'string' | 'text' | 'user'

/** One parameter or return value of a robot, as bizproc.robot.add's PROPERTY object. */
export interface RobotProperty {
  Name: Localized
  Description?: Localized
  Type: RobotPropertyType
  Required: 'Y' | 'N'
  Multiple: 'Y' | 'N'
  Default?: string | number
  /** A `select`'s values → titles. */
  Options?: Readonly<Record<string, string>>
}

/** Where a robot makes sense: leads, deals, smart-process items. */
export type RobotDocument = 'lead' | 'deal' | 'item'

/** One robot of the app. */
export interface RobotDefinition {
  code: string
  name: Localized
  description: Localized
  documents: readonly RobotDocument[]
  properties: Readonly<Record<string, RobotProperty>>
  returnProperties: Readonly<Record<string, RobotProperty>>
}

// FILTER rules by document: a partial document type matches every type it starts (bizproc-robot-add.md, FILTER).
const FILTER_RULES: Readonly<Record<RobotDocument, readonly [string, string]>> = {
  lead: ['crm', 'CCrmDocumentLead'],
  deal: ['crm', 'CCrmDocumentDeal'],
  item: ['crm', 'Bitrix\\Crm\\Integration\\BizProc\\Document\\Dynamic'],
}

const property = (Type: RobotPropertyType, ru: string, en: string, extra: Partial<RobotProperty> = {}): RobotProperty => ({
  Name: { ru, en }, Type, Required: 'N', Multiple: 'N', ...extra,
})

// The rules a robot on a lead or a deal can check: those about leads, deals and clients.
const RECORD_RULES = RULE_IDS.filter((id) => /^(LEAD|DEAL|CLIENT)-/.test(id))

/** The five robots of issue 19, in the order the settings page lists them. */
export const ROBOTS: readonly RobotDefinition[] = [
  {
    code: 'company_rules_check',
    name: { ru: 'Проверить правила компании', en: 'Check the company rules' },
    description: {
      ru: 'Проверяет запись по правилам компании сейчас и возвращает, соблюдены ли они, сколько правил нарушено и какие.',
      en: 'Checks the record against the company rules now and returns whether it complies, how many rules it breaks and which.',
    },
    documents: ['lead', 'deal'],
    properties: {
      rules: property('select', 'Какие правила проверить', 'Rules to check', {
        Description: { ru: 'Пусто — все правила', en: 'Empty: every rule' },
        Multiple: 'Y',
        Options: Object.fromEntries(RECORD_RULES.map((id) => [id, id])),
      }),
    },
    returnProperties: {
      complies: property('bool', 'Соответствует правилам', 'Complies'),
      violation_count: property('int', 'Нарушено правил', 'Rules broken'),
      violations: property('text', 'Нарушения', 'Violations'),
      rule_ids: property('string', 'Нарушенные правила (коды)', 'Broken rule ids', { Multiple: 'Y' }),
    },
  },
  {
    code: 'company_name_fix',
    name: { ru: 'Исправить название компании', en: 'Fix the company name' },
    description: {
      ru: 'Приводит название компании лида или компании сделки к виду «Вектор ООО»: без кавычек, форма собственности после названия.',
      en: "Puts the lead's company name, or the deal's company title, in the form «Вектор ООО»: no quotes, the legal form after the name.",
    },
    documents: ['lead', 'deal'],
    properties: {},
    returnProperties: {
      name_before: property('string', 'Название до', 'Name before'),
      name_after: property('string', 'Название после', 'Name after'),
      changed: property('bool', 'Исправлено', 'Changed'),
      left_for_person: property('bool', 'Оставлено человеку', 'Left for a person'),
    },
  },
  {
    code: 'working_time_due',
    name: { ru: 'Срок в рабочем времени', en: 'Due in working time' },
    description: {
      ru: 'Считает срок: дата (по умолчанию сейчас) плюс N рабочих минут, часов или дней по рабочему календарю портала и производственному календарю.',
      en: "Computes a due date: a date (default now) plus N working minutes, hours or days by the portal's business and production calendar.",
    },
    documents: ['lead', 'deal', 'item'],
    properties: {
      start: property('datetime', 'От даты', 'From', { Description: { ru: 'Пусто — от текущего момента', en: 'Empty: from now' } }),
      amount: property('int', 'Сколько', 'How many', { Required: 'Y', Default: 1 }),
      unit: property('select', 'Единица', 'Unit', {
        Required: 'Y',
        Default: 'days',
        Options: { minutes: 'рабочих минут / working minutes', hours: 'рабочих часов / working hours', days: 'рабочих дней / working days' },
      }),
    },
    returnProperties: {
      due: property('datetime', 'Срок', 'Due'),
    },
  },
  {
    code: 'working_time_wait',
    name: { ru: 'Дождаться рабочего времени', en: 'Wait for working time' },
    description: {
      ru: 'Продолжает автоматизацию в ближайший рабочий момент (сразу, если сейчас рабочее время).',
      en: 'Lets the automation go on at the next working moment (at once during working time).',
    },
    documents: ['lead', 'deal', 'item'],
    properties: {},
    returnProperties: {
      resumed_at: property('datetime', 'Продолжено в', 'Resumed at'),
    },
  },
  {
    code: 'supervisor_notify',
    name: { ru: 'Сообщить руководителю', en: 'Tell the supervisor' },
    description: {
      ru: 'Отправляет руководителю ответственного (или руководителю на N уровней выше) текст со ссылкой на запись — с учётом сводок и тихих часов.',
      en: "Sends the responsible's supervisor (or the one N levels up) a text with a link to the record, through digests and quiet hours.",
    },
    documents: ['lead', 'deal', 'item'],
    properties: {
      message: property('text', 'Текст', 'Text', { Required: 'Y' }),
      levels_up: property('int', 'На сколько уровней выше', 'Levels up', { Required: 'Y', Default: 1 }),
    },
    returnProperties: {
      notified: property('bool', 'Сообщено', 'Notified'),
      supervisor: property('user', 'Руководитель', 'Supervisor'),
    },
  },
]

/** The parameters of bizproc.robot.add for one robot whose calls go to `handler`, run with `authUserId`'s tokens. */
export function robotAddParams(robot: RobotDefinition, o: { handler: string; authUserId: number }): Record<string, unknown> {
  return {
    CODE: robot.code,
    HANDLER: o.handler,
    AUTH_USER_ID: o.authUserId,
    // Always sent: the docs and the portal's code disagree on the default (shared/notes/robots.md).
    USE_SUBSCRIPTION: 'Y',
    NAME: robot.name,
    DESCRIPTION: robot.description,
    PROPERTIES: robot.properties,
    RETURN_PROPERTIES: robot.returnProperties,
    FILTER: { INCLUDE: robot.documents.map((document) => [...FILTER_RULES[document]]) },
  }
}
