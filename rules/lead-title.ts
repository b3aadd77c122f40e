// LEAD-TITLE — "The lead's name must show the essence of the request: company (bank), order,
// quantity — so the lead and later the deal are recognised by name from a push notification";
// leads created without a manager (web form, mail, call, open line) must be renamed. Never invents a name.
import { demandOf, NO_TIME, type Duration } from './clock.js'
import { companyCore } from './company-name.js'
import { fold, isOpen, responsibleOf, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext } from './types.js'

/** LEAD-TITLE's own settings. */
export interface LeadTitleSettings {
  /** Tell the supervisor when the lead is still unnamed this long (working time) after the responsible was told. */
  escalateAfter: Duration
  /** Titles the portal gives by itself (regular expressions, any case). */
  defaultTitles: readonly string[]
}

/** The rule as the catalogue lists it. */
export const leadTitle: Rule<LeadTitleSettings> = {
  id: 'LEAD-TITLE',
  version: 1,
  title: { ru: 'Название лида раскрывает суть обращения', en: "The lead's title tells what the request is" },
  entities: ['lead'],
  check(record: RecordInput, context: RuleContext<LeadTitleSettings>): Finding[] {
    if (!isOpen('lead', record.current)) return []
    const title = text(record.current, 'TITLE')
    const base = {
      ruleId: this.id,
      variant: '',
      responsibleId: responsibleOf('lead', record.current),
      // The responsible is told at once; the supervisor when the lead is still unnamed after escalateAfter.
      clock: demandOf({ within: NO_TIME, warnAt: [], escalate: [context.settings.escalateAfter], time: 'working' }, undefined),
    }
    const automatic = context.settings.defaultTitles.some((pattern) => new RegExp(pattern, 'iu').test(title))
    if (title === '' || automatic) {
      return [{
        ...base,
        problem: { ru: `У лида название по умолчанию: «${title}».`, en: `The lead has a default title: "${title}".` },
        todo: {
          ru: 'Переименуйте лид так, чтобы по названию было понятно обращение: компания, заказ, количество.',
          en: 'Rename the lead so that its title tells the request: company, order, quantity.',
        },
      }]
    }
    const company = companyCore(text(record.current, 'COMPANY_TITLE'), context.legalForms)
    if (company !== '' && !fold(title).includes(fold(company))) {
      return [{
        ...base,
        problem: {
          ru: `В названии лида «${title}» нет компании «${company}».`,
          en: `The lead's title "${title}" does not name the company "${company}".`,
        },
        todo: {
          ru: `Добавьте в название лида компанию «${company}» и суть заказа.`,
          en: `Put the company "${company}" and the order into the lead's title.`,
        },
      }]
    }
    return []
  },
}
