// LEAD-FIELDS — "Fill in all fields as fully as possible: company name, contact person, phone,
// e-mail, comment, address, site, position…" (seed 004, chapter 2). A lead past its first working
// status, or converted, with a required field empty.
import { multifield, responsibleOf, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext, Snapshot, Text } from './types.js'

/** LEAD-FIELDS' own settings. */
export interface LeadFieldsSettings {
  /** Each entry a field, or alternatives joined by "|" of which one is enough ("PHONE|EMAIL"). */
  required: readonly string[]
}

// How fields are called in the lead card.
const LABELS: Record<string, Text> = {
  TITLE: { ru: 'название', en: 'title' },
  COMPANY_TITLE: { ru: 'название компании', en: 'company name' },
  NAME: { ru: 'имя контакта', en: 'contact name' },
  LAST_NAME: { ru: 'фамилия контакта', en: 'contact last name' },
  SECOND_NAME: { ru: 'отчество', en: 'middle name' },
  PHONE: { ru: 'телефон', en: 'phone' },
  EMAIL: { ru: 'e-mail', en: 'e-mail' },
  COMMENTS: { ru: 'комментарий', en: 'comment' },
  ADDRESS: { ru: 'адрес', en: 'address' },
  WEB: { ru: 'сайт', en: 'website' },
  POST: { ru: 'должность', en: 'position' },
  SOURCE_ID: { ru: 'источник', en: 'source' },
}

const MULTIFIELDS = new Set(['PHONE', 'EMAIL', 'WEB', 'IM'])

function filled(record: Snapshot, field: string): boolean {
  return MULTIFIELDS.has(field) ? multifield(record, field).length > 0 : text(record, field) !== ''
}

function label(field: string, language: keyof Text): string {
  return LABELS[field]?.[language] ?? field
}

/** The rule as the catalogue lists it. */
export const leadFields: Rule<LeadFieldsSettings> = {
  id: 'LEAD-FIELDS',
  version: 1,
  title: { ru: 'Поля лида заполнены', en: "The lead's fields are filled in" },
  entities: ['lead'],
  check(record: RecordInput, context: RuleContext<LeadFieldsSettings>): Finding[] {
    const status = text(record.current, 'STATUS_ID')
    const semantic = text(record.current, 'STATUS_SEMANTIC_ID') || 'P'
    // Still in its first status (nothing is due yet) or junk (nothing will be).
    if (status === context.firstLeadStatus || semantic === 'F') return []
    const missing = context.settings.required.filter((group) => !group.split('|').some((field) => filled(record.current, field)))
    if (missing.length === 0) return []
    const list = (language: keyof Text) =>
      missing.map((group) => group.split('|').map((field) => label(field, language)).join(language === 'ru' ? ' или ' : ' or ')).join(', ')
    return [{
      ruleId: this.id,
      variant: '',
      responsibleId: responsibleOf('lead', record.current),
      problem: {
        ru: semantic === 'S' ? `Лид сконвертирован с пустыми полями: ${list('ru')}.` : `Лид переведён дальше первого статуса с пустыми полями: ${list('ru')}.`,
        en: semantic === 'S' ? `The lead was converted with empty fields: ${list('en')}.` : `The lead moved past its first status with empty fields: ${list('en')}.`,
      },
      todo: { ru: `Заполните: ${list('ru')}.`, en: `Fill in: ${list('en')}.` },
    }]
  },
}
