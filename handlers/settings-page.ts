// The administrator's settings page and its requests: POST /app/settings/page, /check and /save, with the page session.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { resolvedCalendarSettings } from '../rules/calendar/portal-calendar.js'
import { RULE_IDS, type RuleSettings } from '../rules/catalogue.js'
import { pathOf } from '../rules/record.js'
import type { FlaggedNow, RulePages } from '../src/queries/pages.js'
import { languageOf } from '../src/notify/messages.js'
import { ForbiddenError } from '../src/shared/app-error.js'
import type { PageSessions } from '../src/auth/page-sessions.js'
import { SESSION_HEADER } from '../src/auth/page-sessions.js'
import type { PortalSettings } from '../src/settings/portal-settings.js'
import type { CheckedSettings } from '../src/settings/rule-settings.js'
import type { StorePort } from '../src/store/port.js'
import type { Portal } from '../src/store/portals.js'
import { localDateOf } from '../src/shared/zoned-days.js'
import { explain } from '../placements/settings/errors.js'
import { settingsPage } from '../placements/settings/page.js'
import type { SettingsView } from '../placements/settings/view.js'
import { frameAncestors } from './frame.js'
import { parseBody, sessionOf } from './pages.js'

/** What the settings page needs. */
export interface SettingsPageDeps {
  store: StorePort
  sessions: PageSessions
  settings: PortalSettings
  rules: RulePages
  now: () => Date
}

const submitted = z.object({ config: z.record(z.string(), z.unknown()) })
// The page drawn again from a draft (a section returned as in the file), or as saved when there is none.
const draft = z.object({ config: z.record(z.string(), z.unknown()).optional(), note: z.literal('reverted').optional() }).optional()

const KIND_WORDS = { lead: { ru: 'Лид', en: 'Lead' }, deal: { ru: 'Сделка', en: 'Deal' }, task: { ru: 'Задача', en: 'Task' } } as const

/** Registers the settings page and its check and save requests (administrators only). */
export function settingsPageRoutes(app: FastifyInstance, deps: SettingsPageDeps): void {
  app.post('/app/settings/page', async (request, reply) => {
    const { portal } = await adminOf(deps, request)
    const body = draft.safeParse(request.body ?? undefined)
    const asked = body.success ? body.data : undefined
    const saved = await deps.settings.formConfig(portal.memberId)
    const directory = await deps.store.directory.load(portal.memberId)
    const names = await deps.store.directory.crmNames(portal.memberId)
    const settings = await deps.settings.of(portal.memberId)
    const { timeZone } = resolvedCalendarSettings(settings.calendar, portal.language)
    const today = localDateOf(deps.now().getTime(), timeZone)
    const flagged = await deps.rules.countFlagged(portal, settings)
    const production = await deps.settings.productionDays(portal.memberId, portal.language)
    const robots = await robotSetupOf(deps.store, portal.memberId)
    framedBy(reply, portal).type('text/html; charset=utf-8')
    const draw = (config: Record<string, unknown>, note?: 'reverted') => settingsPage({
      lang: languageOf(portal.language), session: request.headers[SESSION_HEADER] as string, config, file: deps.settings.fileConfig(),
      users: [...directory.users.values()].map(({ id, name, active }) => ({ id, name, active })),
      departments: [...directory.departments.values()].map(({ id, name }) => ({ id, name, active: true })),
      pipelines: names.pipelines, stages: names.stages, production,
      today: `${today.year}-${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`, flagged, ...(note ? { note } : {}),
      robots,
    }, new URL(portal.clientEndpoint).origin)
    if (!asked?.config) return draw(saved)
    try {
      return draw(asked.config, asked.note)
    } catch {
      // A draft the page did not make (its shape broken) is not drawn: the settings as saved are.
      return draw(saved)
    }
  })

  // Checks the form without saving: the error on its field, or which open records the settings would flag now, per rule.
  app.post('/app/settings/check', async (request, reply) => {
    const { portal } = await adminOf(deps, request)
    const checked = deps.settings.check(deps.settings.overridesFrom(parseBody(submitted, request.body).config))
    if (!checked.ok) return reply.code(422).send(said(checked, portal))
    return { ok: true, ...flaggedNow(await deps.rules.flagged(portal, checked.settings), checked.settings, portal) }
  })

  // Saves what differs from RULES_FILE as the portal's own settings, in effect at once; nothing when a value is wrong.
  app.post('/app/settings/save', async (request, reply) => {
    const { portal, session } = await adminOf(deps, request)
    const overrides = deps.settings.overridesFrom(parseBody(submitted, request.body).config)
    const saved = await deps.settings.save(portal.memberId, overrides, String(session.userId))
    if (!saved.ok) return reply.code(422).send(said(saved, portal))
    return { ok: true, ...flaggedNow(await deps.rules.flagged(portal, saved.settings), saved.settings, portal) }
  })
}

// A wrong setting's path and message, and what the page says about it in the portal's language.
function said(checked: Extract<CheckedSettings, { ok: false }>, portal: Portal) {
  return { ...checked, text: explain(checked.path, checked.message, languageOf(portal.language)) }
}

// Every rule that is on, with how many open records it would flag now (none too) and up to three of them as links.
function flaggedNow(flagged: FlaggedNow, settings: RuleSettings, portal: Portal) {
  const l = languageOf(portal.language)
  const on = RULE_IDS.filter((id) => settings.rules[id].mode !== 'off').map((id) => flagged.rules.find((rule) => rule.ruleId === id) ?? { ruleId: id, count: 0, examples: [] })
  const rules = on.map((rule) => ({
    ruleId: rule.ruleId, count: rule.count,
    examples: rule.examples.map((item) => ({ path: pathOf(item.entity, item.id), label: `${KIND_WORDS[item.entity as keyof typeof KIND_WORDS]?.[l] ?? item.entity} «${item.title || `#${item.id}`}»` })),
  }))
  return { flagged: flagged.total, rules }
}

async function adminOf(deps: SettingsPageDeps, request: Parameters<typeof sessionOf>[1]) {
  const verified = await sessionOf(deps, request)
  if (!verified.session.isAdmin) throw new ForbiddenError("Only the portal's administrators change the rules' settings", 'NOT_ADMIN')
  return verified
}

function framedBy(reply: FastifyReply, portal: Portal): FastifyReply {
  return reply.header('content-security-policy', frameAncestors(portal.clientEndpoint))
}

// What the robots' registration found on the portal, for the settings page.
async function robotSetupOf(store: StorePort, memberId: string): Promise<SettingsView['robots']> {
  const setup = await store.robotSetups.get(memberId)
  return setup ? { mode: setup.mode, error: setup.error } : { mode: 'none', error: null }
}
