// LEAD-COMPANY-NAME — "Company name without quotes — for correct search later; the legal form after
// the name, never before. Example: ВТБ24 ОАО" (seed 004, chapter 2). Checks a lead's COMPANY_TITLE
// and a company's TITLE; fixes what it can parse with confidence, reports what it cannot.
import { normalizeCompanyName } from './company-name.js'
import { isOpen, responsibleOf, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext } from './types.js'

const WHAT_TO_DO = {
  ru: 'Пишите название без кавычек, а форму собственности — после названия: «Вектор ООО», «ВТБ24 ОАО».',
  en: 'Write the name without quotes and the legal form after it: "Vector LLC", "ВТБ24 ОАО".',
}

/** The rule as the catalogue lists it. */
export const leadCompanyName: Rule = {
  id: 'LEAD-COMPANY-NAME',
  version: 1,
  title: { ru: 'Название компании без кавычек, форма собственности после названия', en: 'Company name without quotes, legal form after it' },
  entities: ['lead', 'company'],
  check(record: RecordInput, context: RuleContext): Finding[] {
    if (record.entity === 'lead' && !isOpen('lead', record.current)) return []
    const field = record.entity === 'lead' ? 'COMPANY_TITLE' : 'TITLE'
    const name = text(record.current, field)
    if (name === '') return []
    const verdict = normalizeCompanyName(String(record.current[field]), context.legalForms)
    if (verdict.kind === 'ok') return []
    const base = { ruleId: this.id, variant: '', responsibleId: responsibleOf(record.entity, record.current), todo: WHAT_TO_DO }
    if (verdict.kind === 'unsure') {
      return [{
        ...base,
        problem: {
          ru: `Название компании «${name}» не удалось исправить автоматически: ${verdict.reason.ru}.`,
          en: `The company name "${name}" could not be fixed automatically: ${verdict.reason.en}.`,
        },
      }]
    }
    return [{
      ...base,
      problem: {
        ru: `Название компании «${name}» записано не по правилам, правильно: «${verdict.value}».`,
        en: `The company name "${name}" breaks the naming rule; it should read "${verdict.value}".`,
      },
      fix: {
        fields: { [field]: verdict.value },
        describe: {
          ru: `Название компании исправлено: «${name}» → «${verdict.value}».`,
          en: `Company name corrected: "${name}" → "${verdict.value}".`,
        },
      },
    }]
  },
}
