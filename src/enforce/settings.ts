// The settings a decision runs under: each rule dated from the portal's install unless the settings date it.
import type { RuleSettings } from '../../rules/catalogue.js'
import type { Portal } from '../store/portals.js'

/** The settings a portal runs under: a rule with no enforcement date starts at the install, "all" covers every record. */
export function ruleSettingsFor(portal: Pick<Portal, 'installedAt'>, settings: RuleSettings): RuleSettings {
  // The portal stamps records to the second.
  const installed = new Date(Math.floor(Date.parse(portal.installedAt) / 1000) * 1000).toISOString()
  const rules = Object.fromEntries(
    Object.entries(settings.rules).map(([id, rule]) => [id, { ...rule, since: rule.since === 'all' ? null : rule.since ?? installed }]),
  ) as unknown as RuleSettings['rules']
  return { ...settings, rules }
}
