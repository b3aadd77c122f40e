// The context a rule gets from the catalogue, for table tests: the defaults with a rule's overrides, and no
// other records, statuses or activities unless a test gives them.
import { ROUND_THE_CLOCK } from '../../rules/calendar/business-calendar.js'
import type { RuleSettings } from '../../rules/catalogue.js'
import type { RuleContext } from '../../rules/types.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'

type RuleSettingsOf<K extends keyof RuleSettings['rules']> = RuleSettings['rules'][K]

/** Rule `id`'s context under the defaults overridden by `overrides`, with `extra` over the empty world. */
export function ruleContext<K extends keyof RuleSettings['rules']>(
  id: K,
  overrides: Record<string, unknown>,
  extra: Partial<Omit<RuleContext<RuleSettingsOf<K>>, 'settings'>> & Pick<RuleContext, 'now'>,
): RuleContext<RuleSettingsOf<K>> {
  const settings = resolveRuleSettings({ rules: { [id]: overrides } })
  return {
    settings: settings.rules[id], legalForms: settings.legalForms, supervisors: settings.supervisors,
    directory: { users: new Map(), departments: new Map() }, firstLeadStatus: 'NEW', leadStatuses: [], peers: [],
    activities: [], leadsHeld: 0, sameTasks: [], calendar: ROUND_THE_CLOCK, ...extra,
  }
}
